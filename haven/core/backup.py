"""`haven backup DIR` / `haven restore DIR` (issue 18 item 9).

A backup holds the database (PostgreSQL: `pg_dump -Fc`; SQLite: the online backup API, so a
running server is copied consistently), the access log's anchor file, and every file store
a room registers (`register_file_store`: investigation's evidence), with a manifest of row
counts per table and SHA-256 of each file. A restore puts them back and is verified: row
counts equal the manifest's and `haven audit verify` passes (chain and anchors).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.utils import timezone

from haven.access.anchors import anchor_file

_FILE_STORES: dict[str, Callable[[], Path | None]] = {}


def register_file_store(name: str, location: Callable[[], Path | None]) -> None:
    """A room whose files live on disk says where (None: not on local disk, e.g. object
    storage with its own versioning)."""
    _FILE_STORES[name] = location


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in sorted(tables):
            # table names come from the database itself, quoted: not user input
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_args() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432),
            "-U", db.get("USER") or "postgres"]
    env = {"PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def backup(target: Path) -> dict:
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise ValueError(f"{target} is not empty: back up into a new folder")
    files = {}
    # Anchors first: each names an entry already committed, so the database copied after
    # holds every entry they name (copied after, a live server's newer anchors would name
    # entries the copy lacks, and the restore would report them removed).
    if anchor_file().exists():
        shutil.copy2(anchor_file(), target / "audit-anchors.jsonl")
        files["anchors"] = "audit-anchors.jsonl"
    if connection.vendor == "sqlite":
        out = target / "haven.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(out) as copy:
            connection.connection.backup(copy)
        files["database"] = out.name
    elif connection.vendor == "postgresql":
        out = target / "haven.dump"
        args, env = _pg_args()
        subprocess.run(["pg_dump", "-Fc", *args, "-f", str(out),
                        connection.settings_dict["NAME"]], check=True,
                       env={**_base_env(), **env})
        files["database"] = out.name
    else:  # pragma: no cover - Haven runs on SQLite and PostgreSQL only
        raise ValueError(f"No backup for {connection.vendor}")
    for name, location in sorted(_FILE_STORES.items()):
        where = location()
        if where is not None and Path(where).exists():
            shutil.copytree(where, target / "files" / name)
            files[f"files:{name}"] = f"files/{name}"
    manifest = {
        "made_at": timezone.now().isoformat(), "vendor": connection.vendor,
        "files": files, "rows": row_counts(),
        "sha256": {str(p.relative_to(target)): _sha256(p)
                   for p in sorted(target.rglob("*")) if p.is_file()},
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _base_env() -> dict:
    return dict(os.environ)  # the child process needs PATH and the locale


def restore(source: Path) -> dict:
    """Put a backup back over this installation's (empty or disposable) database."""
    manifest = json.loads((source / "manifest.json").read_text())
    for name, digest in manifest["sha256"].items():
        if _sha256(source / name) != digest:
            raise ValueError(f"{name} in the backup does not match its manifest: not restored")
    if manifest["vendor"] != connection.vendor:
        raise ValueError(f"This backup is of a {manifest['vendor']} database; this "
                         f"installation uses {connection.vendor}.")
    database = source / manifest["files"]["database"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(database) as copy:
            copy.backup(connection.connection)
    else:
        args, env = _pg_args()
        connection.close()
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", *args, "-d",
                        connection.settings_dict["NAME"], str(database)], check=True,
                       env={**_base_env(), **env})
    if "anchors" in manifest["files"]:
        anchor_file().parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / manifest["files"]["anchors"], anchor_file())
    for key, rel in manifest["files"].items():
        if key.startswith("files:"):
            where = _FILE_STORES.get(key[6:], lambda: None)()
            if where is not None:
                shutil.copytree(source / rel, where, dirs_exist_ok=True)
    counts = row_counts()
    differ = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n}
    return {"rows_differ": differ, "tables": len(manifest["rows"])}
