"""The victim's case: opened by the HAU review, one per victim per force, re-opened by a new
incident, closed only with a reason; the chronology as a timeline; allocation; the plan."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.risk.review import do_review_hau
from haven.safeguarding import allocation, cases, plans
from haven.safeguarding.models import Case, CaseEvent, PlanAction, RiskChange
from haven.safeguarding.services import access_case, open_case_for, scoped_cases

pytestmark = pytest.mark.django_db


# --- opened by the HAU review ---------------------------------------------------------------

def test_the_hau_review_opens_the_victims_case_inside_its_transaction(complete_dash, persona):
    a = complete_dash(yes=15, grade="high")
    do_review_hau(a, version=a.version, grade="high", response_matched=True,
                  actor=persona("hau"))
    case = Case.objects.get()
    assert (case.person_id, case.force_id, case.status, case.grade, case.assessment_id) == (
        a.victim_id, a.force_id, "open", "high", a.pk)
    assert case.allocated_team == allocation.DARM_POOL and case.allocated_user is None
    assert Entry.objects.filter(person=a.victim, kind="safeguarding_case_opened").exists()
    assert AccessLogEntry.objects.filter(record_type="safeguarding_case",
                                         record_id=str(case.pk), action="alteration").exists()


def test_a_second_review_updates_the_one_open_case(complete_dash, persona, make_case):
    a = complete_dash(yes=2, grade="standard")
    do_review_hau(a, version=a.version, grade="standard", response_matched=True,
                  actor=persona("hau"))
    make_case("high", person=a.victim)  # the next HAU review of this victim, graded high
    case = Case.objects.get()  # still one case per victim per force
    assert (case.grade, case.assessment_id) == ("high", a.pk)
    assert case.allocated_team == allocation.DARM_POOL  # high now goes to the DARMs
    assert [r.to_grade for r in RiskChange.objects.filter(case=case).order_by("at", "id")] == [
        "standard", "high"]


def test_a_standard_case_goes_to_the_neighbourhood_team_for_the_postcode(make_case):
    case = make_case("standard")  # the person lives at CV34 4AA
    assert case.allocated_team == "Warwick and Leamington SNT"
    assert (case.area, case.area_confidential) == ("CV34", False)


def test_a_refuge_routes_by_its_area_but_the_area_is_marked_confidential(make_case):
    case = make_case("medium", confidential=True)  # latest address: a refuge in CV32
    assert case.allocated_team == "Warwick and Leamington SNT"
    assert case.area_confidential is True


def test_an_area_no_team_covers_waits_for_allocation(make_case, make_person):
    from haven.people.models import Address

    person = make_person()
    Address.objects.create(person=person, line="2 Far Lane", town="Truro", postcode="TR1 1AA")
    case = make_case("standard", person=person)
    assert case.allocated_team == allocation.NO_TEAM


# --- re-opened by a new incident; closed with a reason -------------------------------------

def test_closing_needs_a_reason(make_case, persona):
    case = make_case()
    with pytest.raises(cases.CaseRefused) as exc:
        cases.do_close_case(case, version=case.version, reason="  ", actor=persona("darm"))
    assert exc.value.field == "reason"
    cases.do_close_case(case, version=case.version, reason="Victim moved abroad",
                        actor=persona("darm"))
    case.refresh_from_db()
    assert (case.status, case.close_reason) == ("closed", "Victim moved abroad")
    assert open_case_for(case.force, case.person_id) is None


def test_a_new_incident_reopens_the_closed_case(make_case, persona, make_person,
                                                django_capture_on_commit_callbacks):
    from haven.core.events import publish
    from haven.intake.creation import do_create_incident  # noqa: F401 (the real publisher)
    from haven.intake.events import IncidentRecorded

    victim = make_person()
    case = make_case(person=victim)
    cases.do_close_case(case, version=case.version, reason="Plan complete",
                        actor=persona("darm"))
    from haven.intake.models import Incident, Involvement

    incident = Incident.objects.create(force=victim.force, state="open", reported_via="call",
                                       category="domestic", opened_at=timezone.now(),
                                       reference="SG0001")
    Involvement.objects.create(incident=incident, person=victim, role="victim")
    with django_capture_on_commit_callbacks(execute=True):
        publish(IncidentRecorded(incident_id=incident.pk, force_id=victim.force_id,
                                 recorded_at=timezone.now()))
    case.refresh_from_db()
    assert case.status == "open" and case.closed_at is None
    assert CaseEvent.objects.filter(case=case, kind="reopened").count() == 1
    reopen_log = AccessLogEntry.objects.filter(record_type="safeguarding_case",
                                               detail__reopened=True).get()
    assert reopen_log.username == "" and reopen_log.detail["via"] == "haven command"
    # delivered again (idempotent): nothing more happens
    with django_capture_on_commit_callbacks(execute=True):
        publish(IncidentRecorded(incident_id=incident.pk, force_id=victim.force_id,
                                 recorded_at=timezone.now()))
    assert CaseEvent.objects.filter(case=case, kind="reopened").count() == 1


def test_only_the_system_reopens_without_an_actor_and_a_user_needs_the_capability(make_case,
                                                                                  persona):
    from django.http import Http404

    case = make_case()
    with pytest.raises(Http404):
        cases.do_reopen_case(case, reason="x", actor=persona("snt_officer"))


# --- the plan, the risk level ----------------------------------------------------------------

def test_the_plan_records_actions_with_owner_due_date_and_history(make_case, persona):
    case = make_case()
    darm = persona("darm")
    item = plans.do_add_plan_action(case, kind="panic_alarm", owner=f"user:{darm.pk}",
                                    due_on=timezone.localdate() + dt.timedelta(days=2),
                                    actor=persona("hau"))
    plans.do_set_plan_action_status(item, version=item.version, status="done",
                                    actor=darm)
    item.refresh_from_db()
    assert item.status == "done" and item.owner_name == darm.username
    assert [(c.from_status, c.to_status) for c in item.changes.all()] == [
        ("", "open"), ("open", "done")]
    with pytest.raises(plans.PlanRefused) as exc:
        plans.do_add_plan_action(case, kind="refuge", owner="team:Nowhere SNT",
                                 due_on=timezone.localdate(), actor=darm)
    assert exc.value.field == "owner"


def test_the_risk_is_lowered_only_with_the_mitigation_and_a_rationale(make_case, persona):
    case = make_case("high")
    darm = persona("darm")
    with pytest.raises(cases.CaseRefused) as exc:
        cases.do_regrade_case(case, version=case.version, grade="medium",
                              rationale="Perpetrator remanded", actor=darm)
    assert exc.value.field == "mitigation"
    cases.do_regrade_case(case, version=case.version, grade="medium",
                          mitigation="Panic alarm fitted, perpetrator remanded",
                          rationale="No contact possible while remanded", actor=darm)
    case.refresh_from_db()
    assert case.grade == "medium"
    assert case.allocated_team == "Warwick and Leamington SNT"  # re-routed by the rules
    history = list(case.risk_changes.order_by("at", "id").values_list(
        "from_grade", "to_grade", "mitigation"))
    assert history == [("", "high", ""), ("high", "medium",
                                          "Panic alarm fitted, perpetrator remanded")]


def test_a_reallocation_needs_a_reason_and_workload_counts_it(make_case, persona):
    case = make_case("high")
    hau, darm = persona("hau"), persona("darm")
    allocation.do_allocate_case(case, version=case.version, darm_id=darm.pk, actor=hau)
    case.refresh_from_db()
    assert case.allocated_user == darm
    with pytest.raises(allocation.AllocationRefused) as exc:
        allocation.do_allocate_case(case, version=case.version,
                                    team="Rugby SNT", actor=hau)
    assert exc.value.field == "reason"
    w = allocation.workload(case.force)
    assert [(r["name"], r["high"]) for r in w["darms"]] == [(darm.username, 1)]


# --- reads -----------------------------------------------------------------------------------

def test_access_case_is_404_for_other_force_wrong_role_and_missing_and_logs_each(make_case,
                                                                                persona):
    from django.http import Http404

    case = make_case()
    for user, case_id in ((persona("darm", "WMERC"), case.pk), (persona("idva"), case.pk),
                          (persona("darm"), 99999), (persona("darm"), "x")):
        with pytest.raises(Http404):
            access_case(user, case_id)
    assert AccessLogEntry.objects.filter(record_type="safeguarding_case",
                                         outcome="refused").count() == 4
    assert access_case(persona("darm"), case.pk) == case
    assert list(scoped_cases(persona("darm", "WMERC"))) == []


def test_the_case_page_shows_the_whole_chronology_as_a_timeline_filterable_by_kind(
        make_case, client_as):
    from haven.chronology.services import record_entry
    from haven.people.models import Person

    case = make_case()
    person = Person.objects.get(pk=case.person_id)
    record_entry(person, occurred_at=timezone.now(), kind="incident_opened",
                 source_room="intake", source_type="incident", source_id=1,
                 summary="Incident RK1 opened")
    record_entry(person, occurred_at=timezone.now(), kind="intelligence",
                 source_room="safeguarding", source_type="intelligence", source_id=1,
                 summary="Intelligence item (intel, graded B2)", sensitivity=3)
    page = client_as("darm").get(reverse("safeguarding:detail", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and 'class="moj-timeline"' in text
    assert "Incident RK1 opened" in text and "Police: incident log" in text
    assert "Intelligence item (intel, graded B2)" in text and "Confidential" in text
    filtered = client_as("darm").get(reverse("safeguarding:detail", args=[case.pk]),
                                     {"kind": "incident_opened"}).content.decode()
    assert "Incident RK1 opened" in filtered and "graded B2" not in filtered


def test_contact_preferences_show_on_the_case_and_to_other_rooms(make_case, persona,
                                                                 client_as):
    from haven.safeguarding.services import contact_preferences_for

    case = make_case()
    cases.do_save_contact_preferences(case, version=None, safe_number="07700 900123",
                                      safe_times="Weekdays 10 to 2", no_messages=True,
                                      no_letters_home=True, actor=persona("darm"))
    prefs = contact_preferences_for(case.force, case.person_id)
    assert prefs.no_letters_home and prefs.safe_number == "07700 900123"
    text = client_as("snt_officer").get(
        reverse("safeguarding:detail", args=[case.pk])).content.decode()
    assert "Safe number: 07700 900123" in text and "Do not leave messages" in text


def test_the_home_pages_list_cases_by_name_and_log_them(make_case, persona, client_as,
                                                       make_person):
    high = make_case("high", person=make_person(forename="Hanna", surname="Hight"))
    make_case("standard", person=make_person(forename="Stan", surname="Dard"))
    hau_home = client_as("hau").get("/").content.decode()
    assert "Hanna Hight: High risk, held by Domestic abuse risk managers" in hau_home
    snt_home = client_as("snt_officer").get("/").content.decode()
    assert "Stan Dard: Standard risk, held by Warwick and Leamington SNT" in snt_home
    assert "Hanna Hight" not in snt_home
    assert AccessLogEntry.objects.filter(record_type="home", person_id=high.person_id,
                                         username="hau.warks").exists()


def test_plan_action_kinds_come_from_a_list():
    assert {"target_hardening", "panic_alarm", "safe_contact", "bail_conditions", "dvpn",
            "refuge"} <= set(PlanAction.Kind.values)
