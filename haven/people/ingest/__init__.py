"""Ingest of legacy system exports (shared/contracts/legacy-export.md).

`ingest_export(force, system, directory, actor=...)` reads one system's folder, file by
file; `validate` turns each CSV row into clean values or a reason; `store` writes
batches with bulk_create / bulk_update in one transaction per batch.
"""

from haven.people.ingest.run import FILE_ORDER, IngestReport, ingest_export

__all__ = ["FILE_ORDER", "IngestReport", "ingest_export"]
