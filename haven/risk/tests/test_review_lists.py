"""Reviews that review, and lists that say who (issue 8 items 9 and 4, risk part)."""

import pytest

from haven.access.models import AccessLogEntry
from haven.risk.live import do_flag_reassessment
from haven.risk.models import Assessment
from haven.risk.services import GradingRefused, do_review_sergeant
from haven.risk.tests.conftest import dash_answers
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


# --- the sergeant's safeguarding guidance ------------------------------------------------

@pytest.mark.parametrize("officer_grade,yes,review_grade", [
    ("medium", 6, "medium"), ("high", 15, "high"), ("standard", 2, "high")])
def test_a_medium_or_high_review_needs_safeguarding_guidance(complete_dash, persona,
                                                             officer_grade, yes, review_grade):
    a = complete_dash(yes=yes, grade=officer_grade, rationale="judgement")
    with pytest.raises(GradingRefused) as exc:
        do_review_sergeant(a, version=a.version, grade=review_grade, rationale="Threats",
                           actor=persona("sergeant"))
    assert "guidance" in exc.value.errors
    do_review_sergeant(a, version=a.version, grade=review_grade, rationale="Threats",
                       guidance="Panic alarm fitted; refer to MARAC", actor=persona("sergeant"))
    a.refresh_from_db()
    assert a.safeguarding_guidance == "Panic alarm fitted; refer to MARAC"


def test_a_standard_review_needs_no_guidance(complete_dash, persona):
    a = complete_dash(yes=2, grade="standard")
    do_review_sergeant(a, version=a.version, grade="standard", actor=persona("sergeant"))
    assert Assessment.objects.get().status == "awaiting_hau"


def test_the_page_and_api_refuse_a_medium_review_without_guidance_clearly(client_as,
                                                                          complete_dash):
    a = complete_dash(yes=6, grade="medium", rationale="Separation")
    client = client_as("sergeant")
    page = client.post(f"/risk/{a.pk}/sergeant/", {"version": a.version, "grade": "medium"})
    assert page.status_code == 400
    assert b'href="#guidance"' in page.content
    assert b"Write safeguarding guidance for the officer" in page.content
    api = client.post(f"/api/v1/risk/assessments/{a.pk}/sergeant_review/",
                      {"version": a.version, "grade": "medium"},
                      content_type="application/json")
    assert api.status_code == 400 and "guidance" in api.json()
    assert Assessment.objects.get().status == "awaiting_sergeant"


# --- the HAU review page ------------------------------------------------------------------

def test_the_hau_review_page_shows_the_victims_history_and_earlier_assessments(
        client_as, complete_dash, make_da_incident):
    first = complete_dash(yes=6, grade="medium", rationale="Separation")
    stalking = {f"SD{n:02d}": ("no", "victim", "") for n in range(1, 12)}
    second = complete_dash(incident=make_da_incident(victim=first.victim),
                           answers=dash_answers(2) | stalking)
    page = client_as("hau").get(f"/risk/{second.pk}/").content.decode()
    history = page[page.index('data-testid="victim-history"'):]
    assert "Domestic abuse incidents</dt><dd class=\"govuk-summary-list__value\">2" in history
    assert "Medium" in history  # highest grade in 12 months
    earlier = page[page.index('data-testid="earlier-assessments"'):]
    assert f'href="/risk/{first.pk}/"' in earlier and "Medium (score 6)" in earlier
    assert 'id="hau-review"' in page


# --- re-assessment tasks close with their flag --------------------------------------------

def test_a_new_assessment_closes_the_reassessment_tasks_of_the_flags_it_clears(
        complete_dash, make_da_incident, persona):
    a = complete_dash()
    do_flag_reassessment(a.victim, reason="Order breached", source="order_breached",
                         source_ref="DVPO-1", actor=None)
    task = Task.objects.get(kind="reassessment")
    assert task.done_at is None
    stalking = {f"SD{n:02d}": ("no", "victim", "") for n in range(1, 12)}
    new = complete_dash(incident=make_da_incident(victim=a.victim),
                        answers=dash_answers(2) | stalking, actor=persona("hau"))
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == persona("hau")
    assert f"risk assessment {new.pk}" in task.outcome_note


# --- the HAU queue lists each item once ---------------------------------------------------

def test_the_hau_queue_lists_a_flagged_assessment_once(client_as, complete_dash, make_person):
    a = complete_dash()
    for ref, reason in (("1", "Abuser released"), ("2", "Order breached")):
        do_flag_reassessment(a.victim, reason=reason, source="other", source_ref=ref,
                             actor=None)
    client = client_as("hau")
    queue = client.get("/risk/hau/").content.decode()
    assert queue.count('data-testid="assessment-row"') == 1
    assert "Abuser released" in queue and "Order breached" in queue
    home = client.get("/").content.decode()
    sections = home[home.index('<h2 class="govuk-heading-m">HAU queue</h2>'):]
    assert sections.count(a.victim.display_name) == 1  # not again as "Person N: flag"
    assert "Risk flagged for re-assessment" not in home


def test_a_reviewed_assessment_flagged_again_is_back_in_the_hau_queue(client_as, complete_dash,
                                                                      persona):
    from haven.risk.review import do_review_hau

    a = complete_dash()
    do_review_sergeant(a, version=a.version, grade="standard", actor=persona("sergeant"))
    do_review_hau(a, version=a.version, grade="standard", response_matched=True,
                  actor=persona("hau"))
    client = client_as("hau")
    assert a.victim.display_name.encode() not in client.get("/risk/hau/").content
    do_flag_reassessment(a.victim, reason="Abuser released", source="custody_event",
                         actor=None)
    queue = client.get("/risk/hau/").content.decode()
    assert queue.count('data-testid="assessment-row"') == 1 and "Re-assess (Abuser released)" \
        in queue


# --- every list: name, area, due, and one log entry ---------------------------------------

def _last_list_entry():
    return AccessLogEntry.objects.filter(record_type="risk_assessment_list").order_by("pk").last()


def _persons_logged(**filters):
    """The persons that list reads logged (one entry per person shown)."""
    return sorted(AccessLogEntry.objects.filter(record_type="risk_assessment_list", **filters)
                  .values_list("person_id", flat=True))


@pytest.mark.parametrize("url", ["/risk/", "/risk/hau/"])
def test_lists_show_name_area_and_due_and_log_the_persons(client_as, complete_dash, url):
    a = complete_dash()
    page = client_as("hau").get(url).content.decode()
    assert a.victim.display_name in page
    assert "CV34" in page and "1 Test Street" not in page and "CV34 4AA" not in page
    assert "Supervisor review awaited" in page and "HAU review by" in page
    entry = _last_list_entry()
    assert _persons_logged() == [a.victim_id] and entry.username == "hau.warks"


def test_a_confidential_address_gives_no_area(client_as, complete_dash, make_da_incident,
                                              make_person):
    victim = make_person(confidential_address=True)
    complete_dash(incident=make_da_incident(victim=victim))
    page = client_as("hau").get("/risk/hau/").content.decode()
    assert "area withheld: confidential address" in page and "CV34" not in page


def test_sergeant_home_names_the_victim_with_area_and_logs_it(client_as, complete_dash):
    a = complete_dash()
    page = client_as("sergeant").get("/").content.decode()
    assert f"{a.victim.display_name} (CV34): Standard risk" in page
    assert "HAU review due" in page
    assert _persons_logged(reason="home: assessments awaiting supervisor review") == [
        a.victim_id]


def test_officer_home_names_the_victim_of_each_dash_needed_and_when_it_is_due(
        client_as, make_da_incident):
    incident = make_da_incident(state="attended")
    victim = incident.involvements.get(role="victim").person
    page = client_as("response_officer").get("/").content.decode()
    assert (f"DASH needed for incident {incident.reference}: {victim.display_name} (CV34)"
            in page)
    assert "due " in page
    entry = _last_list_entry()
    assert (entry.person_id, entry.detail) == (victim.pk, {"shown": [f"incident:{incident.pk}"]})


def test_an_empty_list_writes_no_log_entry(client_as, forces):
    client_as("hau").get("/risk/hau/")
    assert _last_list_entry() is None


@pytest.mark.parametrize("role,force", [("idva", "WARKS"), ("trainer", "WARKS"),
                                        ("hau", "WMERC"), ("snt_officer", "WMERC")])
def test_changed_views_refuse_the_wrong_role_and_other_force(client_as, complete_dash, role,
                                                             force):
    a = complete_dash()
    flag = do_flag_reassessment(a.victim, reason="x", source="other", actor=None)
    client = client_as(role, force)
    for url in ("/risk/", "/risk/hau/", f"/risk/{a.pk}/"):
        assert client.get(url).status_code == 404 or a.victim.display_name.encode() not in \
            client.get(url).content
    assert client.get(f"/risk/{a.pk}/").status_code == 404
    for url, body in ((f"/risk/{a.pk}/sergeant/", {"version": a.version, "grade": "standard"}),
                      (f"/risk/{a.pk}/hau/", {"version": a.version, "grade": "standard",
                                              "response_matched": "yes"}),
                      (f"/risk/{a.pk}/flags/{flag.pk}/clear/", {"note": "no need"})):
        assert client.post(url, body).status_code == 404
    assert Assessment.objects.get().status == "awaiting_sergeant"


def test_an_officer_sees_the_dash_needed_for_logs_sent_to_them_not_to_others(
        client_as, make_da_incident, persona):
    from haven.intake.models import IncidentProgress

    mine = make_da_incident(state="attended")
    theirs = make_da_incident(state="attended")
    unassigned = make_da_incident(state="attended")
    IncidentProgress.objects.create(incident=mine, assigned_officer=persona("response_officer"))
    IncidentProgress.objects.create(incident=theirs, assigned_officer=persona("snt_officer"))
    page = client_as("response_officer").get("/").content.decode()
    assert f"DASH needed for incident {mine.reference}" in page
    assert f"DASH needed for incident {unassigned.reference}" in page
    assert f"DASH needed for incident {theirs.reference}" not in page
    assert f"DASH needed for incident {theirs.reference}" in client_as("sergeant").get(
        "/").content.decode()


def test_a_role_without_need_is_refused_and_the_attempt_is_logged(client_as, complete_dash):
    """ADR 0002: a refusal of a named record is logged before the 404 (item 4)."""
    a = complete_dash()
    client = client_as("trainer")
    assert client.get(f"/risk/{a.pk}/").status_code == 404
    assert client.get(f"/api/v1/risk/assessments/{a.pk}/").status_code == 404
    assert client_as("response_officer").post(
        f"/risk/{a.pk}/hau/", {"version": a.version}).status_code == 404
    assert client_as("call_handler").get(
        f"/risk/new/?incident={a.incident_id}").status_code == 404
    refused = AccessLogEntry.objects.filter(outcome="refused")
    assert sorted((e.username, e.record_type, e.record_id) for e in refused) == sorted([
        ("trainer.warks", "risk_assessment", str(a.pk)),
        ("trainer.warks", "risk_assessment", str(a.pk)),
        ("response_officer.warks", "risk_assessment", str(a.pk)),
        ("call_handler.warks", "incident", str(a.incident_id))])
