"""Investigation fixtures: evidence stored in a temporary folder, a DA incident with a
victim and a suspect, photos with and without EXIF, a recorded crime."""

import io
import itertools

import pytest
from django.utils import timezone

_refs = itertools.count(1)


@pytest.fixture(autouse=True)
def evidence_store(settings, tmp_path):
    """Every test stores evidence in its own folder (never the real var/evidence)."""
    location = tmp_path / "evidence"
    settings.HAVEN_EVIDENCE_STORAGE = {
        "BACKEND": "haven.investigation.evidence.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(location)}}
    return location


@pytest.fixture
def make_da_incident(forces, make_person, persona):
    from haven.intake.models import Incident, IncidentProgress, Involvement

    def make(force_code="WARKS", *, victim=None, suspect=None, state="attended", officer=None,
             **fields):
        fields.setdefault("reported_via", "call")
        fields.setdefault("category", "domestic")
        fields.setdefault("opened_at", timezone.now())
        fields.setdefault("reference", f"IV{next(_refs):05d}")
        incident = Incident.objects.create(force=forces[force_code], state=state, **fields)
        victim = victim or make_person(force_code, forename="Vic", surname="Tim")
        suspect = suspect or make_person(force_code, forename="Sus", surname="Pect")
        Involvement.objects.create(incident=incident, person=victim, role="victim")
        Involvement.objects.create(incident=incident, person=suspect, role="suspect")
        IncidentProgress.objects.create(incident=incident, assigned_officer=officer,
                                        dispatched_at=timezone.now() if officer else None)
        return incident

    return make


@pytest.fixture
def make_crime(make_da_incident, persona):
    from haven.investigation.services import do_record_crime

    def make(offences=("assault_with_injury",), *, force_code="WARKS", incident=None,
             actor=None, **fields):
        incident = incident or make_da_incident(force_code)
        actor = actor or persona("response_officer", force_code)
        return do_record_crime(offences=list(offences), incident=incident, actor=actor,
                               **fields)

    return make


def photo_bytes(*, taken="2026:08:28 21:15:00", gps=True, size=(40, 30)) -> bytes:
    """A small JPEG with EXIF: DateTimeOriginal and (optionally) a GPS position."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x0132] = taken
    exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 17.0, 0.0), 3: "W", 4: (1.0, 35.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# A Windows program's first bytes ("MZ" header and the DOS stub), renamed to look a photo.
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, data: bytes, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)
