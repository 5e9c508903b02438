"""Evidence from the scene: files from an officer's phone, kept outside the web root.

- Stored through Django's storage API: `settings.HAVEN_EVIDENCE_STORAGE` (a storage backend
  as {"BACKEND": dotted path, "OPTIONS": {...}}, e.g. object storage), by default a
  `FileSystemStorage` under `var/evidence` with no URL: files are only ever served by
  `views.evidence_file`, after `access_evidence` has authorised the reader.
- Each file is kept under a random name with its SHA-256, uploader, time received and the
  time captured (EXIF, where present). The type is judged from the content (`filetype`), so
  a renamed program is refused; the size is bounded by policy.
- A photo shown on a page is a re-encoded copy without its EXIF (no GPS); the original is
  downloaded only after its hash is checked again, and every view, download and export is
  written to the chain of custody (`CustodyRecord`) and the access log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access
from haven.core.actions import action
from haven.forces.policy import policy
from haven.intake import public as intake_public
from haven.investigation import rules
from haven.investigation.models import CustodyRecord, EvidenceItem
from haven.investigation.rules import UploadRefused

__all__ = ["UploadRefused", "EvidenceAltered", "evidence_storage", "do_upload_evidence",
           "do_record_evidence_reference", "access_evidence", "scoped_evidence",
           "read_verified", "shown_copy", "fingerprint_ok"]

CHUNK = 1024 * 1024


class EvidenceAltered(Exception):
    """The stored file no longer hashes to what was recorded when it was received."""


def _default_location():
    return Path(settings.VAR_DIR) / "evidence"


def evidence_folder() -> Path | None:
    """Where evidence files sit on local disk (for `haven backup`), or None when a force
    points HAVEN_EVIDENCE_STORAGE at object storage (which keeps its own versions)."""
    location = getattr(evidence_storage(), "location", None)
    return Path(location) if location else None


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk with no public address: `url()` refuses, so no template or view can
    link to a file directly (they go through the authorised views)."""

    def url(self, name):
        raise ValueError("Evidence has no public address: serve it through the authorised view")


@lru_cache(maxsize=4)
def _storage_from(config_key: str) -> Storage:
    config = getattr(settings, "HAVEN_EVIDENCE_STORAGE", None)
    if not config:
        return PrivateFileSystemStorage(location=_default_location())
    backend = import_string(config.get(
        "BACKEND", "haven.investigation.evidence.PrivateFileSystemStorage"))
    return backend(**config.get("OPTIONS", {}))


def evidence_storage() -> Storage:
    """The storage evidence lives in (read from settings each call, so tests can point it)."""
    config = getattr(settings, "HAVEN_EVIDENCE_STORAGE", None)
    return _storage_from(repr(sorted((config or {}).items())))


# --- reading what a file is ------------------------------------------------------------------

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME = 0x9003, 0x0132


def image_facts(data: bytes) -> tuple[dt.datetime | None, bool]:
    """(time captured from EXIF, whether the photo carries a GPS position)."""
    from PIL import Image  # Pillow loads its codecs: only when a photo arrives

    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
    except Exception:  # noqa: BLE001 - an unreadable image still gets stored as received
        return None, False
    raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    has_gps = bool(exif.get_ifd(GPS_IFD))
    captured = None
    if raw:
        try:
            captured = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
            captured = timezone.make_aware(captured)  # a phone's clock is local time
        except ValueError:
            captured = None
    return captured, has_gps


def shown_copy(data: bytes) -> tuple[bytes, str]:
    """A copy of a photo to show on a page: turned upright, re-encoded without EXIF (no GPS
    position, no device serial)."""
    from PIL import Image, ImageOps  # Pillow: only when a photo is shown

    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        upright.save(out, format="JPEG", quality=85)
    return out.getvalue(), "image/jpeg"


# --- reads -----------------------------------------------------------------------------------

def scoped_evidence(user):
    if not (user and user.is_authenticated) or not can(user, "evidence.view"):
        return EvidenceItem.objects.none()
    if user.is_partner or user.force_id is None:
        return EvidenceItem.objects.none()
    return EvidenceItem.objects.filter(force_id=user.force_id)


def _person_ids(item: EvidenceItem) -> list[int]:
    ids = set()
    if item.crime_id:
        ids |= {p for p in (item.crime.victim_id, item.crime.suspect_id) if p}
    if item.incident_id:
        ids |= {p.pk for p in (intake_public.victims_of(item.incident)
                               + intake_public.suspects_of(item.incident))}
    return sorted(ids)


def _log(user, item: EvidenceItem, act: str, *, outcome=Outcome.ALLOWED, detail=None) -> None:
    for person_id in _person_ids(item) or [None]:
        record_access(user, act, record_type="evidence", record_id=str(item.public_id),
                      person_id=person_id, outcome=outcome, detail=detail)


def _custody(item: EvidenceItem, act: str, user, sha256: str = "") -> None:
    """One line of the chain of custody: like the access log, an audit line written with
    the read or the change it records (never an action of its own)."""
    CustodyRecord.objects.create(item=item, act=act, at=timezone.now(),
                                 by=user if getattr(user, "is_authenticated", False) else None,
                                 sha256=sha256)


def access_evidence(user, public_id, *, act: str | None = CustodyRecord.Act.VIEWED,
                    photo_fetched_after: bool = False) -> EvidenceItem:
    """The item (404 alike for missing, forbidden and a malformed id); the read is written
    to the access log and, with `act`, to the chain of custody (a file read is written there
    by `read_verified`, with the hash it found; with `photo_fetched_after` a photo's page
    leaves the "viewed" line to the fetch of the copy it shows)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        key = None
    with transaction.atomic():
        item = (scoped_evidence(user).filter(public_id=key)
                .select_related("crime", "incident", "uploaded_by").first()
                if key is not None else None)
        if item is None:
            record_access(user, Action.CONSULTATION, record_type="evidence",
                          record_id=str(public_id)[:64], outcome=Outcome.REFUSED)
        else:
            later = photo_fetched_after and item.kind == "photo" and item.storage_name
            if act is not None and not later:
                _custody(item, act, user)
            _log(user, item, Action.CONSULTATION, detail={"custody": act or "opened"})
    if item is None:
        raise Http404("Not found")
    return item


def _hash_stored(item: EvidenceItem) -> tuple[str, bytes]:
    digest = hashlib.sha256()
    chunks = []
    with evidence_storage().open(item.storage_name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            chunks.append(chunk)
    return digest.hexdigest(), b"".join(chunks)


def fingerprint_ok(item: EvidenceItem) -> bool:
    return _hash_stored(item)[0] == item.sha256


def read_verified(user, item: EvidenceItem, *, act: str = CustodyRecord.Act.DOWNLOADED
                  ) -> bytes:
    """The stored file, after checking it still hashes to its recorded SHA-256. A mismatch is
    written to the chain of custody and raised (the file is not served)."""
    try:
        found, data = _hash_stored(item)
    except FileNotFoundError:
        found, data = "missing", b""
    with transaction.atomic():
        if found != item.sha256:
            _custody(item, CustodyRecord.Act.ALTERED, user, found[:64])
            _log(user, item, Action.CONSULTATION, outcome=Outcome.REFUSED,
                 detail={"custody": "altered"})
        else:
            _custody(item, act, user, found)
            _log(user, item, Action.CONSULTATION, detail={"custody": act})
    if found != item.sha256:
        raise EvidenceAltered(item.public_id)
    return data


# --- changes ---------------------------------------------------------------------------------

def _measure(upload) -> tuple[bytes, int, str]:
    """(first bytes, size, SHA-256) of an upload, read in chunks (a video is never held in
    memory whole); the upload is left at its start."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        if len(head) < 8192:
            head += chunk[:8192 - len(head)]
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return head, size, digest.hexdigest()


def _target_force(incident, crime):
    return (crime or incident).force


@action("evidence.upload", record_type="evidence")
def do_upload_evidence(upload, *, incident=None, crime=None, description: str = "",
                       actor) -> EvidenceItem:
    """Store a photo, video or PDF from the scene against an incident log or a crime.

    `upload` is an uploaded file (name, size, chunks). Refused with `UploadRefused` (a message
    in words) when it is not what it must be."""
    if incident is None and crime is None:
        raise ValueError("evidence belongs to an incident or a crime")
    force = _target_force(incident, crime)
    if force.pk != actor.force_id:
        raise Http404("Not found")
    max_bytes = policy(force, "evidence_max_megabytes") * 1_000_000
    if (getattr(upload, "size", 0) or 0) > max_bytes:
        rules.check_upload(b"", upload.size, max_bytes)  # refused, with the size in words
    head, size, digest = _measure(upload)
    mime, kind = rules.check_upload(head, size, max_bytes)
    captured, has_gps = (None, False)
    if kind == "photo":
        captured, has_gps = image_facts(upload.read())
        upload.seek(0)
    now = timezone.now()
    name = f"{force.code.lower()}/{now:%Y/%m}/{uuid.uuid4().hex}"
    stored_name = evidence_storage().save(name, File(upload))
    try:
        item = EvidenceItem.objects.create(
            force=force, incident=incident, crime=crime, kind=kind,
            description=(description or "").strip()[:500], storage_name=stored_name,
            original_name=str(getattr(upload, "name", "") or "")[:255], content_type=mime,
            size=size, sha256=digest, captured_at=captured, had_location=has_gps,
            received_at=now, uploaded_by=actor)
        CustodyRecord.objects.create(item=item, act=CustodyRecord.Act.RECEIVED, at=now,
                                     by=actor, sha256=digest)
        _log(actor, item, Action.ALTERATION, detail={"custody": "received", "kind": kind})
    except Exception:
        # The row was not written (the transaction rolls back): do not keep an orphan file.
        evidence_storage().delete(stored_name)
        raise
    return item


@action("evidence.upload", record_type="evidence")
def do_record_evidence_reference(*, kind: str, incident=None, crime=None, reference: str = "",
                                 text: str = "", description: str = "", actor) -> EvidenceItem:
    """A body-worn video reference or a statement (no file)."""
    if kind not in (EvidenceItem.Kind.BWV, EvidenceItem.Kind.STATEMENT):
        raise ValueError("only body-worn video references and statements have no file")
    force = _target_force(incident, crime)
    if force.pk != actor.force_id:
        raise Http404("Not found")
    if kind == EvidenceItem.Kind.BWV and not reference.strip():
        raise UploadRefused("Give the body-worn video reference")
    if kind == EvidenceItem.Kind.STATEMENT and not text.strip():
        raise UploadRefused("Type or paste the statement")
    now = timezone.now()
    digest = hashlib.sha256((reference.strip() + text.strip()).encode()).hexdigest()
    item = EvidenceItem.objects.create(
        force=force, incident=incident, crime=crime, kind=kind, reference=reference.strip(),
        text=text.strip(), description=description.strip()[:500], sha256=digest,
        received_at=now, uploaded_by=actor)
    CustodyRecord.objects.create(item=item, act=CustodyRecord.Act.RECEIVED, at=now, by=actor,
                                 sha256=digest)
    _log(actor, item, Action.ALTERATION, detail={"custody": "received", "kind": kind})
    return item


def evidence_for(user, *, incident=None, crime=None):
    """Evidence on a log and/or a crime, for a reader who may see evidence (else none)."""
    items = scoped_evidence(user)
    where = Q(pk__in=[])
    if incident is not None:
        where |= Q(incident=incident)
    if crime is not None:
        where |= Q(crime=crime)
    return items.filter(where).select_related("uploaded_by")
