"""The lean bulk insert ingest uses; it lives in `haven.core.bulk` so that every room's
bulk writer (chronology's `record_entries`, intake's ingest) can use it without importing
the people room."""

from haven.core.bulk import fast_bulk_create, fast_insert, fast_insert_rows

__all__ = ["fast_bulk_create", "fast_insert", "fast_insert_rows"]
