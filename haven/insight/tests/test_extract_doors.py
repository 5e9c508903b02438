"""The extract doors added for issue 16's later measures, through a real refresh: the
investigation room's Victims' Code clock (`victim_notices`) and the people room's legacy
DASH grades (`legacy_assessments`, from an export's risk_assessments.csv). Nothing but
keys, times and grades reaches the store."""

import datetime as dt

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from haven.insight import measures, queries, store
from haven.insight.services import do_refresh_store
from haven.insight.tests.test_export_to_measures import export, write  # noqa: F401 (fixture)
from haven.investigation.models import Crime, VictimNotice

SECRET = "Told about the secret court date"


def aware(text):
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def test_victims_code_comes_from_the_investigation_extract(forces, make_person, client_as):
    warks = forces["WARKS"]
    victim = make_person()
    crime = Crime.objects.create(force=warks, reference="CR1", victim=victim,
                                 recorded_at=aware("2024-03-01T09:00"))
    other = Crime.objects.create(force=forces["WMERC"], reference="CR2", victim=victim,
                                 recorded_at=aware("2024-03-01T09:00"))
    for due, told in (("2024-03-05T09:00", "2024-03-04T09:00"),   # on time
                      ("2024-03-10T09:00", "2024-03-11T09:00"),   # late
                      ("2024-03-12T09:00", None),                 # not told
                      ("2024-04-12T09:00", None)):                # after the period
        VictimNotice.objects.create(crime=crime, what=SECRET, due_at=aware(due),
                                    told_at=aware(told) if told else None, method="phone")
    VictimNotice.objects.create(crime=other, what=SECRET, due_at=aware("2024-03-05T09:00"))
    do_refresh_store(actor=None)
    con = store.connect()
    try:
        kept = con.execute("SELECT force_code, crime_id, due_at, told_at FROM victim_notices "
                           "ORDER BY notice_id").fetchall()
        assert kept[0] == ("WARKS", crime.pk, dt.datetime(2024, 3, 5, 9),
                           dt.datetime(2024, 3, 4, 9))
        assert len(kept) == 5
        text = repr(con.execute("SELECT * FROM victim_notices").fetchall())
        assert "secret" not in text.lower() and "phone" not in text
    finally:
        con.close()
    page = client_as("analyst").get(
        reverse("insight:measures", args=["WARKS"]) + "?from=2024-03-01&to=2024-03-31")
    text = page.content.decode()
    # due in March: 3 (WMERC's is the other force's); told on time: 1
    assert "1 of 3 (33.3%); 1 not told" in text
    assert "Victims&#x27; Code: victims told on time" in text  # in the trend table too
    assert 'data-testid="victims-code-basis"' in text


ANSWERS = "YNKYNNNYYNNNYNNKNNYNNNNNYNN"


def test_legacy_dash_grades_reach_the_store_once_per_incident(forces, export, capsys,  # noqa: F811
                                                               settings):
    write(export / "risk_assessments.csv",
          ["source_id", "incident_source_id", "victim_source_id", "completed_at", "answers",
           "officer_grade", "supervisor_grade"],
          [("R1", "I1", "P1", "2026-01-05T23:00:00", ANSWERS, "medium", "high"),
           ("R2", "I1", "P1", "2026-01-06T10:00:00", ANSWERS, "medium", ""),  # re-assessed
           ("R3", "I7", "P2", "2026-02-16T09:00:00", ANSWERS, "standard", ""),
           ("R4", "I10", "P3", "2026-03-11T09:00:00", ANSWERS, "", "")])  # no grade
    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    call_command("insight", "refresh", "--no-progress")
    con = store.connect()
    try:
        rows = con.execute("SELECT source_system, grade FROM legacy_assessments "
                           "ORDER BY completed_at").fetchall()
        # the supervisor's grade when given, else the officer's; blank is no grade
        assert rows == [("crime", "high"), ("crime", "medium"), ("crime", "standard"),
                        ("crime", None)]
        assert con.execute("SELECT COUNT(*) FROM legacy_assessments "
                           "WHERE victim_key IS NULL OR incident_id IS NULL").fetchone() == (0,)
        text = repr(con.execute("SELECT * FROM legacy_assessments").fetchall())
        assert ANSWERS not in text
        # R1 and R2 follow the same incident I1: counted once (the later, R2)
        mix = queries.run(con, "profile_risk_mix", measures.params(
            forces["WARKS"], dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
        assert [(r["grade"], r["assessments"], r["legacy"]) for r in mix] == [
            ("medium", 1, 1), ("not graded", 1, 1), ("standard", 1, 1)]
    finally:
        con.close()


def test_the_pdf_carries_the_casework_measures_for_the_area(forces, export, client_as):  # noqa: F811
    import io

    from pypdf import PdfReader

    from haven.marac.models import Area, Case, Meeting, Referral
    from haven.people.models import SourceRecord

    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    victim = SourceRecord.objects.get(system="crime", source_id="P1").person  # CV34
    area = Area.objects.create(force=forces["WARKS"], name="Warwick")
    referral = Referral.objects.create(force=forces["WARKS"], area=area, victim=victim,
                                       criterion="repeat", consent="given",
                                       referred_at=aware("2026-01-25T09:00"))
    meeting = Meeting.objects.create(force=forces["WARKS"], area=area,
                                     held_at=aware("2026-02-03T10:00"))
    Case.objects.create(meeting=meeting, referral=referral, heard_at=aware("2026-02-03T10:30"))
    call_command("insight", "refresh", "--no-progress")
    response = client_as("senior_leader").get(
        reverse("insight:profile_pdf", args=["WARKS"]) + "?from=2026-01-01&to=2026-03-31"
        "&area=CV34")
    assert response.status_code == 200
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Performance: MARAC, safeguarding, protection and what works" in text
    assert "MARAC cases heard 1; repeat 1 (100.0%" in text
    assert "most recent DA incident" in text  # how the area was applied
    assert "not given for a postcode district" in text  # no rate per 10,000 for a district
    assert "Wilson" in text and "What works" in text
    assert "Amy" not in text
