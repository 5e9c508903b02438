"""Rooms plug into the people room instead of people reading their tables (issue 9 item 1):
the call-time history, the legacy export files and merge/unmerge each have a registry that
the installed rooms fill in their AppConfig.ready(), and that a new room can join."""

import pytest
from django.utils import timezone

from haven.intake.models import Incident, Involvement
from haven.people import history, movers
from haven.people.history import history_summary
from haven.people.ingest import ingest_export, registry
from haven.people.merge import do_merge_persons, do_unmerge
from haven.people.models import LegacyRecord, WarningMarker
from haven.people.tests.export_files import write_export


def test_the_registries_list_what_the_installed_rooms_provide():
    facts = history.history_facts()
    assert "repeat_victim" in facts["intake.involvements"]
    assert facts["intake.children"] == ("children_at_address",)
    assert facts["risk.assessments"] == ("highest_dash_grade_12m",)
    assert set(facts["people.legacy"]) == {"highest_dash_grade_12m", "open_case"}
    assert facts["marac.referrals"] == ("marac",)
    assert facts["protection.orders"] == ("live_orders",)
    assert facts["people.markers"] == ("warning_markers",)
    files = [(f.name, f.room) for f in registry.legacy_files()]
    assert files == [
        ("people.csv", "people"), ("incidents.csv", "intake"), ("involvements.csv", "intake"),
        ("crimes.csv", "investigation"), ("risk_assessments.csv", "people"),
        ("marac.csv", "marac"),
        ("orders.csv", "protection"), ("intel.csv", "safeguarding")]
    assert movers.person_movers() == ["intake.Involvement", "perpetrators.Adoption",
                                      "perpetrators.Ranked"]


def test_a_room_registering_a_history_fact_has_it_in_every_summary(add_record, monkeypatch):
    a = add_record("pvp", "P1", forename="Ann", surname="Lee").person
    b = add_record("pvp", "P2", forename="Bob", surname="Ray").person
    seen = []

    def on_bail(ids, at, windows, context):
        seen.append((sorted(ids), context.force_ids[ids[0]]))
        return {a.pk: {"on_bail": True, "highest_dash_grade_12m": "high"}}

    monkeypatch.setitem(history.SOURCES, "custody.bail", history.FactSource(
        "custody.bail", on_bail, {"on_bail": False}))
    assert history_summary(a)["on_bail"] is True
    # combined with the other sources' grades: the highest wins
    assert history_summary(a)["highest_dash_grade_12m"] == "high"
    assert history_summary(b)["on_bail"] is False
    assert history_summary(b)["highest_dash_grade_12m"] is None
    assert seen[-1] == ([b.pk], b.force_id)


def test_a_room_can_claim_a_legacy_file_kind_people_kept_as_legacy_records(forces, tmp_path,
                                                                           monkeypatch):
    export = write_export(tmp_path / "pvp")
    claimed = []

    def store_marac(ctx, batch):
        ids = ctx.person_ids_of([values["subject"] for _line, _row, values in batch])
        claimed.extend((values["source_id"], ids[values["subject"]])
                       for _line, _row, values in batch)
        ctx.counts.stored += len(batch)

    people_marac = registry.legacy_file("marac.csv")
    monkeypatch.setitem(registry.FILES, "marac.csv", registry.LegacyFile(
        name="marac.csv", kind="marac", room="marac", validator=people_marac.validator,
        store=store_marac, order=people_marac.order, columns=people_marac.columns,
        required=people_marac.required))
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert [(f.file, f.stored) for f in report.files if f.file == "marac.csv"] == [
        ("marac.csv", 1)]
    # people no longer keeps MARAC rows: the room that claimed the file does
    assert not LegacyRecord.objects.filter(kind="marac").exists()
    assert [source_id for source_id, _person in claimed] == ["M1"] and claimed[0][1]
    # the other kinds still go where their rooms (people, intake) put them
    assert not LegacyRecord.objects.filter(kind="order").exists()  # protection's now
    assert Incident.objects.filter(source_system="pvp").count() == 2


def test_a_room_registering_a_mover_is_used_by_merge_and_unmerge(add_record, persona,
                                                                 monkeypatch):
    a = add_record("pvp", "P1", forename="Ann", surname="Lee").person
    b = add_record("crime", "C1", forename="Anne", surname="Leigh").person
    now = timezone.now()
    mine = WarningMarker.objects.create(person=a, kind="weapons", recorded_at=now)
    twin = WarningMarker.objects.create(person=b, kind="weapons", recorded_at=now)
    calls = []

    def drop(source_ids, target_id):
        calls.append(("drop", source_ids, target_id))
        kinds = set(WarningMarker.objects.filter(person_id=target_id).values_list("kind",
                                                                                  flat=True))
        rows = [{"id": m.pk, "person": m.person_id, "kind": m.kind}
                for m in WarningMarker.objects.filter(person_id__in=source_ids,
                                                      kind__in=kinds)]
        WarningMarker.objects.filter(pk__in=[r["id"] for r in rows]).delete()
        return rows

    def restore(rows):
        calls.append(("restore", [r["id"] for r in rows]))
        for row in rows:
            WarningMarker.objects.create(pk=row["id"], person_id=row["person"],
                                         kind=row["kind"], recorded_at=now)

    monkeypatch.setitem(movers.MOVERS, "people.WarningMarker", movers.PersonMover(
        "people.WarningMarker", drop, restore, lambda rows, mapping: rows))
    event = do_merge_persons(a, b, reason="Same person", actor=persona("hau"))
    assert list(a.warning_markers.values_list("pk", flat=True)) == [mine.pk]
    assert event.snapshot["dropped"]["people.WarningMarker"][0]["id"] == twin.pk
    do_unmerge(event, actor=persona("hau"))
    assert list(b.warning_markers.values_list("pk", flat=True)) == [twin.pk]
    assert calls == [("drop", [b.pk], a.pk), ("restore", [twin.pk])]


def test_a_merge_recorded_before_movers_still_unmerges_its_involvements(
        add_record, persona, victim_history):
    """Snapshots written before the registry kept intake's rows as "dropped_involvements"."""
    a = add_record("pvp", "P1", forename="Ann", surname="Lee").person
    b = add_record("crime", "C1", forename="Anne", surname="Leigh").person
    shared = victim_history(a, timezone.now())[0]
    theirs = Involvement.objects.create(incident=shared, person=b, role="victim")
    event = do_merge_persons(a, b, reason="Same person", actor=persona("hau"))
    snapshot = dict(event.snapshot)
    snapshot["dropped_involvements"] = snapshot.pop("dropped")["intake.Involvement"]
    event.snapshot = snapshot
    event.save(update_fields=["snapshot"])
    do_unmerge(event, actor=persona("hau"))
    assert list(b.involvements.values_list("pk", flat=True)) == [theirs.pk]


@pytest.mark.parametrize("name", ["people.csv", "incidents.csv", "crimes.csv"])
def test_a_file_header_is_checked_against_the_columns_its_room_registered(name):
    from haven.people.ingest.validate import header_problems

    columns = registry.legacy_file(name).columns
    assert header_problems(name, list(columns)) == []
    assert header_problems(name, [*columns[1:], "source_idd"]) == [
        "column 'source_idd' is not in the export contract: did you mean 'source_id'?",
        "required column 'source_id' is missing"]


def test_registering_at_start_up_does_not_load_the_ingest_run_or_linkage_engine():
    """ready() registrations import only light modules: `haven migrate` or a web worker
    does not pay for splink and duckdb (seconds) because a room registered its files."""
    import subprocess
    import sys

    code = ("import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'haven.settings'; "
            "import django; django.setup(); "
            "print(sorted(m for m in ('splink', 'duckdb', 'haven.people.ingest.run') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.strip() == "[]"
