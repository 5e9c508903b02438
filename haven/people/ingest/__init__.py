"""Ingest of legacy system exports (shared/contracts/legacy-export.md).

`ingest_export(force, system, directory, actor=...)` reads one system's folder, file by
file; `validate` turns each CSV row into clean values or a reason (`pipeline` batches
them, one batch ahead in a thread on PostgreSQL); `store` writes new rows as plain tuples
through `fast` and changed ones with bulk_update, one transaction per batch.
"""

from haven.people.ingest.run import FILE_ORDER, IngestReport, ingest_export

__all__ = ["FILE_ORDER", "IngestReport", "ingest_export"]
