"""Anchors for the access log: signed heads kept outside the database (issue 18 item 3).

The hash chain proves that no entry was altered *unless* someone rewrites the chain from the
altered entry onwards, or deletes the newest entries and moves the head back: both leave a
chain that is consistent with itself. An anchor closes that gap. Every time the sealing step
(`haven.access.log.seal`) chains entries, the head it committed (last id, last hash, its
place in the chain and the horizon below which nothing may be unsealed) is signed with a key
that is not in the database (HMAC-SHA256) and appended to a file outside it.
`haven audit verify` then checks the database against every anchor: an entry sealed by an
anchor must still exist with the hash the anchor recorded.

The key comes from HAVEN_AUDIT_ANCHOR_KEY (production: from the secret store, never the
database host's disk image); without it one is generated once into var/ for a demo or a
laptop. The file (HAVEN_AUDIT_ANCHOR_FILE) should sit on storage the database's
administrators cannot rewrite (a separate host, WORM storage); `haven backup` copies it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from haven.core.keys import install_key

_file_lock = threading.Lock()
ANCHOR_BATCH = 1000  # anchors checked per query


def _key() -> bytes:
    return install_key("HAVEN_AUDIT_ANCHOR_KEY", "audit_anchor_key")


def anchor_file() -> Path:
    """The configured file, else one per database under var/ (a benchmark's or a test
    server's database never mixes its anchors with the demo's)."""
    configured = getattr(settings, "HAVEN_AUDIT_ANCHOR_FILE", "")
    if configured:
        return Path(configured)
    db = settings.DATABASES["default"]
    which = f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}"
    return Path(settings.VAR_DIR) / (
        f"audit-anchors-{hashlib.sha256(which.encode()).hexdigest()[:12]}.jsonl")


def _sign(fields: dict) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


def write_anchor(fields: dict) -> None:
    """Append a signed anchor of a committed head (called by the sealing step after commit)."""
    line = json.dumps({**fields, "sig": _sign(fields)}, sort_keys=True)
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@dataclass
class AnchorReport:
    ok: bool
    anchors: int
    problem: str = ""
    entry_id: int | None = None
    horizon: int = 0  # the highest signed horizon: nothing below it may be unsealed


def check_anchors() -> AnchorReport:
    """Every anchor signed by our key; every entry it sealed still there with its hash.

    There is one anchor per seal (about one per logging request when busy), so the entries
    they name are fetched in batches, not one query per anchor."""
    from haven.access.models import AccessLogEntry  # models: after start-up

    path = anchor_file()
    if not path.exists():
        return AnchorReport(True, 0)
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchor = json.loads(line)
            fields = {k: anchor[k] for k in ("at", "last_id", "last_hash")}
            # Anchors from before issue 18's sealing step have no place or horizon.
            fields.update({k: anchor[k] for k in ("seq", "horizon") if k in anchor})
        except (ValueError, KeyError, TypeError):
            return AnchorReport(False, len(anchors), f"anchor line {number} is not an anchor")
        if not hmac.compare_digest(_sign(fields), str(anchor.get("sig", ""))):
            return AnchorReport(False, len(anchors), f"anchor line {number} is not signed "
                                "with Haven's anchor key (the anchor file was edited)")
        anchors.append(fields)
    last_id_in_db = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    checked = horizon = 0
    for start in range(0, len(anchors), ANCHOR_BATCH):
        batch = anchors[start:start + ANCHOR_BATCH]
        hashes = dict(AccessLogEntry.objects.filter(pk__in={a["last_id"] for a in batch})
                      .values_list("id", "entry_hash"))
        for fields in batch:
            sealed = hashes.get(fields["last_id"])
            if sealed is None:
                return AnchorReport(False, checked, f"entries up to {fields['last_id']} were "
                                    f"sealed at {fields['at']} but the log now ends at "
                                    f"{last_id_in_db} (entries were removed)", fields["last_id"])
            if sealed != fields["last_hash"]:
                return AnchorReport(False, checked, f"entry {fields['last_id']} no longer has "
                                    f"the hash sealed at {fields['at']} (the chain was "
                                    "recomputed)", fields["last_id"])
            checked += 1
            horizon = max(horizon, int(fields.get("horizon") or 0))
    return AnchorReport(True, checked, horizon=horizon)
