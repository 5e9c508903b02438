"""Evidence from the scene: stored with its fingerprint outside the web root, shown without
GPS, verified on download, an altered file caught, and only for roles with need."""

import hashlib
import io

import pytest
from django.urls import reverse
from PIL import Image

from haven.access.models import AccessLogEntry
from haven.investigation.models import CustodyRecord, EvidenceItem
from haven.investigation.tests.conftest import PROGRAM, photo_bytes, upload

pytestmark = pytest.mark.django_db


def _upload(client, incident, name="bruise.jpg", data=None):
    return client.post(reverse("investigation:incident_evidence", args=[incident.pk]),
                       {"kind": "file", "description": "Bruising to the left arm",
                        "file": upload(name, data or photo_bytes())})


def test_an_uploaded_photo_shows_its_hash_and_is_verified_on_download(
        client_as, make_da_incident, evidence_store, settings):
    incident = make_da_incident()
    data = photo_bytes()
    client = client_as("response_officer")
    response = _upload(client, incident, data=data)
    item = EvidenceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("investigation:evidence", args=[item.public_id])
    digest = hashlib.sha256(data).hexdigest()
    page = client.get(response["Location"]).content.decode()
    assert digest in page and "28 Aug 2026 21:15" in page  # time taken, from the EXIF
    assert item.sha256 == digest and item.had_location and item.uploaded_by.role == \
        "response_officer"
    # Stored outside the web root, under a random name (not the phone's file name).
    stored = list(evidence_store.rglob("*"))
    assert [p for p in stored if p.is_file()][0].read_bytes() == data
    assert "bruise" not in item.storage_name
    download = client.get(reverse("investigation:evidence_download", args=[item.public_id]))
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert download.status_code == 200 and hashlib.sha256(body).hexdigest() == digest
    assert download["X-Evidence-SHA256"] == digest
    acts = list(item.custody.values_list("act", "sha256"))
    assert acts[0] == ("received", digest) and ("downloaded", digest) in acts


def test_by_default_evidence_is_kept_under_var_with_no_url(settings):
    from haven.investigation.evidence import evidence_storage

    settings.HAVEN_EVIDENCE_STORAGE = None
    storage = evidence_storage()
    assert storage.location == str(settings.BASE_DIR / "var" / "evidence")
    with pytest.raises(ValueError):
        storage.url("anything")  # no public address at all


def test_the_copy_shown_carries_no_gps_position(client_as, make_da_incident):
    incident = make_da_incident()
    client = client_as("response_officer")
    _upload(client, incident)
    item = EvidenceItem.objects.get()
    shown = client.get(reverse("investigation:evidence_shown", args=[item.public_id]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(shown.content)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(0x8825) and not exif
    client.get(reverse("investigation:evidence", args=[item.public_id]))
    # One "viewed" line per look at the photo (the copy's fetch), with the hash it found.
    views = list(CustodyRecord.objects.filter(item=item, act="viewed").values_list("sha256",
                                                                                  flat=True))
    assert views == [item.sha256]


def test_an_altered_stored_file_is_detected_and_not_served(client_as, make_da_incident,
                                                           evidence_store):
    incident = make_da_incident()
    client = client_as("detective")
    _upload(client, incident)
    item = EvidenceItem.objects.get()
    stored = next(p for p in evidence_store.rglob("*") if p.is_file())
    stored.write_bytes(stored.read_bytes() + b"tampered")
    response = client.get(reverse("investigation:evidence_download", args=[item.public_id]))
    assert response.status_code == 409
    assert "This file has changed since it was received" in response.content.decode()
    record = item.custody.get(act="altered")
    assert record.sha256 != item.sha256 and record.by.role == "detective"
    page = client.get(reverse("investigation:evidence", args=[item.public_id])).content.decode()
    assert "Stored file no longer matches its fingerprint" in page


def test_a_renamed_program_is_refused_with_a_clear_message(client_as, make_da_incident,
                                                            evidence_store):
    incident = make_da_incident()
    response = _upload(client_as("response_officer"), incident, name="photo.jpg", data=PROGRAM)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is a program, not a photo, video or PDF" in page
    assert "It was not stored" in page
    assert not EvidenceItem.objects.exists()
    assert not [p for p in evidence_store.rglob("*") if p.is_file()]


@pytest.mark.parametrize(("role", "force"), [("snt_officer", "WARKS"), ("idva", "WARKS"),
                                             ("analyst", "WARKS"), ("detective", "WMERC")])
def test_evidence_is_not_found_for_roles_without_need_and_other_forces(
        client_as, make_da_incident, client, role, force):
    incident = make_da_incident()
    _upload(client_as("response_officer"), incident)
    item = EvidenceItem.objects.get()
    client.logout()
    other = client_as(role, force)
    for name in ("evidence", "evidence_shown", "evidence_download"):
        assert other.get(reverse(f"investigation:{name}", args=[item.public_id])
                         ).status_code == 404
    assert other.get(reverse("investigation:incident_evidence", args=[incident.pk])
                     ).status_code == 404
    assert AccessLogEntry.objects.filter(record_type="evidence", outcome="refused",
                                         username=f"{role}.{force.lower()}").exists()


def test_a_guessed_evidence_address_is_not_found(client_as, make_da_incident):
    client = client_as("detective")
    for guess in ("1", "00000000-0000-0000-0000-000000000001", "../../etc/passwd"):
        assert client.get(f"/investigation/evidence/{guess}/").status_code == 404


def test_a_neighbourhood_officer_cannot_upload(client_as, make_da_incident):
    incident = make_da_incident()
    assert _upload(client_as("snt_officer"), incident).status_code == 404
    assert not EvidenceItem.objects.exists()


def test_a_body_worn_video_reference_and_a_statement_are_kept_with_a_fingerprint(
        make_crime, client_as):
    crime = make_crime()
    client = client_as("detective")
    url = reverse("investigation:crime_evidence", args=[crime.pk])
    refused = client.post(url, {"kind": "bwv", "reference": " "})
    assert refused.status_code == 400
    assert "Give the body-worn video reference" in refused.content.decode()
    client.post(url, {"kind": "bwv", "reference": "BWV-20931", "description": "PC at scene"})
    client.post(url, {"kind": "statement", "description": "Victim", "text": "He pushed me."})
    items = {i.kind: i for i in EvidenceItem.objects.filter(crime=crime)}
    assert items["bwv"].reference == "BWV-20931" and items["statement"].text == "He pushed me."
    assert all(len(i.sha256) == 64 and i.custody.filter(act="received").exists()
               for i in items.values())
    page = client.get(reverse("investigation:evidence",
                              args=[items["statement"].public_id])).content.decode()
    assert "He pushed me." in page and "Download the original" not in page
