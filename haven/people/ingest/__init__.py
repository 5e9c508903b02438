"""Ingest of legacy system exports (shared/contracts/legacy-export.md).

`ingest_export(force, system, directory, actor=...)` reads one system's folder, file by
file, in the order of the files rooms registered (`registry.register_legacy_file`: people
its people.csv and legacy kinds in `store`, intake its incidents and involvements in
haven/intake/ingest.py); each file's validator turns each CSV row into clean values or a
reason (`pipeline` batches them, one batch ahead in a thread on PostgreSQL) and its room's
store writes new rows as plain tuples through `haven.core.bulk` and changed ones with
bulk_update, one transaction per batch.
"""

__all__ = ["FILE_ORDER", "IngestReport", "ingest_export"]


def __getattr__(name):
    # Lazy (PEP 562): rooms import `registry` from their AppConfig.ready(), and loading `run`
    # (store, keys, the linkage engine: splink, duckdb) there would add seconds to every
    # process start, `haven migrate` included.
    if name in __all__:
        # Loaded on first use (see the comment above).
        from haven.people.ingest import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
