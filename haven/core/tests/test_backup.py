"""`haven backup` and `haven restore` (issue 18 item 9): a restored backup has the same rows
and its access log verifies against the anchors; a damaged backup is refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def haven(env, *args):
    return subprocess.run([sys.executable, "-m", "haven.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def installation(tmp_path):
    """A fresh SQLite installation in its own var/ with forces, users and logged actions."""
    env = {**os.environ, "HAVEN_VAR_DIR": str(tmp_path / "var"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'haven.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "haven.settings"}
    env.pop("HAVEN_AUDIT_ANCHOR_FILE", None)
    for args in (("migrate", "--verbosity", "0"),
                 ("force", "add", "WARKS", "Warwickshire Police"),
                 ("user", "add", "hau.one", "--role", "hau", "--force", "WARKS")):
        done = haven(env, *args)
        assert done.returncode == 0, done.stderr
    return env, tmp_path


def test_a_backup_restores_with_the_same_rows_and_a_verified_log(installation):
    env, tmp = installation
    made = haven(env, "backup", str(tmp / "backup"))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((tmp / "backup" / "manifest.json").read_text())
    assert manifest["rows"]["access_accesslogentry"] >= 2
    assert "anchors" in manifest["files"]
    # Disaster: the database and its anchors are gone. A fresh one is restored into.
    (tmp / "var" / "haven.sqlite3").unlink()
    for anchors in (tmp / "var").glob("audit-anchors-*.jsonl"):
        anchors.unlink()
    refused = haven(env, "restore", str(tmp / "backup"))
    assert refused.returncode != 0 and "--yes" in refused.stderr
    restored = haven(env, "restore", str(tmp / "backup"), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "row counts match" in restored.stdout and "chain intact" in restored.stdout


def test_a_backup_altered_after_it_was_made_is_not_restored(installation):
    env, tmp = installation
    assert haven(env, "backup", str(tmp / "backup")).returncode == 0
    with open(tmp / "backup" / "haven.sqlite3", "ab") as handle:
        handle.write(b"tampered")
    refused = haven(env, "restore", str(tmp / "backup"), "--yes")
    assert refused.returncode != 0 and "does not match its manifest" in refused.stderr
