"""Legacy intel.csv rows belong to this room: stored as intelligence, on the person's
chronology as confidential entries pointing here; the fact is read from one place."""

import pytest
from django.urls import reverse

from haven.chronology.models import Entry
from haven.people.ingest import ingest_export, registry
from haven.people.models import LegacyRecord, SourceRecord
from haven.people.tests.export_files import FILES, write_export
from haven.safeguarding.models import Intelligence

pytestmark = pytest.mark.django_db


def test_safeguarding_claims_intel_csv():
    assert registry.legacy_file("intel.csv").room == "safeguarding"


def test_intel_rows_become_this_rooms_intelligence_and_confidential_entries(forces, tmp_path):
    export = write_export(tmp_path / "pvp")
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    item = Intelligence.objects.get()
    person_id = SourceRecord.objects.get(system="pvp", source_id="P2").person_id
    assert (item.person_id, item.grading, item.text, item.source_id) == (
        person_id, "B2", "synthetic note", "N1")
    entry = Entry.objects.get(kind="intelligence")
    assert (entry.person_id, entry.source_room, entry.source_type, entry.source_id,
            entry.sensitivity) == (person_id, "safeguarding", "intelligence", str(item.pk), 3)
    assert "synthetic note" not in entry.summary  # the text is read only from this room
    # the raw row is archived, not a second copy of the fact on the person
    raw = LegacyRecord.objects.get(kind="intel")
    assert raw.subject is None and raw.data["text"] == "synthetic note"
    assert not Entry.objects.filter(kind="legacy_intel").exists()
    # running the same export again adds nothing
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert (Intelligence.objects.count(), Entry.objects.filter(kind="intelligence").count()) \
        == (1, 1)


def test_an_unknown_person_is_rejected_and_a_changed_row_updated(forces, tmp_path):
    export = write_export(tmp_path / "pvp")
    ingest_export(forces["WARKS"], "pvp", export, progress=False)
    rows = [FILES["intel.csv"][0], ["N1", "P2", "2026-02-01T10:00:00", "A1", "updated note"],
            ["N2", "NOBODY", "2026-02-02T10:00:00", "C3", "lost note"]]
    write_export(export, {"intel.csv": rows})
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    intel_report = next(f for f in report.files if f.file == "intel.csv")
    assert (intel_report.updated, intel_report.rejected) == (1, 1)
    assert Intelligence.objects.get().text == "updated note"


def test_the_intelligence_shows_on_the_case_only_to_confidential_readers(forces, tmp_path,
                                                                         make_case,
                                                                         client_as):
    from haven.people.models import Person

    ingest_export(forces["WARKS"], "pvp", write_export(tmp_path / "pvp"), progress=False)
    person = Person.objects.get(pk=SourceRecord.objects.get(system="pvp",
                                                            source_id="P2").person_id)
    case = make_case(person=person)
    url = reverse("safeguarding:detail", args=[case.pk])
    assert "synthetic note" in client_as("darm").get(url).content.decode()
    assert "synthetic note" not in client_as("snt_officer").get(url).content.decode()


def test_intel_the_people_room_kept_before_is_adopted_by_the_migration(forces, make_person):
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from haven.chronology.services import record_entry

    person = make_person()
    record = SourceRecord.objects.create(force=forces["WARKS"], system="pvp", source_id="S9",
                                         person=person, forename="Alex", surname="Example")
    raw = LegacyRecord.objects.create(force=forces["WARKS"], system="pvp", kind="intel",
                                      source_id="N9", subject=record,
                                      occurred_at=timezone.now(),
                                      data={"grading": "C3", "text": "old synthetic note"})
    record_entry(person, occurred_at=timezone.now(), kind="legacy_intel", source_room="people",
                 source_type="legacy_record", source_id=raw.pk,
                 summary="Intelligence item (pvp)", sensitivity=3)
    migration = importlib.import_module("haven.safeguarding.migrations.0002_adopt_legacy_intel")
    migration.adopt(apps, None)
    item = Intelligence.objects.get()
    assert (item.person_id, item.text, item.grading) == (person.pk, "old synthetic note", "C3")
    entry = Entry.objects.get(person=person)
    assert (entry.kind, entry.source_room, entry.source_id) == (
        "intelligence", "safeguarding", str(item.pk))
    raw.refresh_from_db()
    assert raw.subject is None  # the person's fact is now read from this room only
