"""Crimes, allocation by skill, positive action, custody and court, outcomes and the
Victims' Code, through the room's services."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from haven.investigation import services
from haven.investigation.models import Crime, VictimNotice
from haven.risk.models import ReassessmentFlag
from haven.risk.services import AssessmentInput, do_complete_assessment
from haven.risk.tests.conftest import dash_answers
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
FRIDAY_NIGHT = dt.datetime(2026, 8, 28, 22, 30, tzinfo=LONDON)  # before the August bank holiday


def test_a_crime_from_an_incident_keeps_every_offence_and_one_principal(make_crime):
    crime = make_crime(["assault_with_injury", "criminal_damage", "threats_to_kill"],
                       principal="threats_to_kill")
    assert crime.reference.startswith("WARKS/CR/")
    assert [(o.offence, o.principal) for o in crime.offences.all()] == [
        ("assault_with_injury", False), ("criminal_damage", False), ("threats_to_kill", True)]
    assert crime.victim.display_name == "Vic Tim" and crime.suspect.display_name == "Sus Pect"
    assert crime.domestic_abuse and crime.victim_enhanced


def test_a_crime_needs_an_offence_and_a_principal_among_them(make_crime):
    with pytest.raises(services.InvestigationRefused) as refused:
        make_crime([])
    assert refused.value.errors == {"offences": "Choose every offence the victim disclosed"}
    with pytest.raises(services.InvestigationRefused) as refused:
        make_crime(["harassment"], principal="stalking")
    assert "principal" in refused.value.errors


def test_allocation_by_skill_from_policy(make_crime, make_da_incident, persona):
    assert make_crime(["common_assault"]).team == "local"
    strangled = make_crime(["common_assault", "non_fatal_strangulation"])
    assert strangled.team == "detective"
    assert "Non-fatal strangulation needs a more skilled investigation" in \
        strangled.allocation_reason
    # A high-risk victim's crime goes to the HAU's detectives.
    incident = make_da_incident()
    victim = incident.involvements.get(role="victim").person
    do_complete_assessment(victim=victim, incident=incident, actor=persona("response_officer"),
                           data=AssessmentInput(answers=dash_answers(15), grade="high"))
    high = make_crime(["harassment"], incident=incident)
    assert high.team == "hau" and high.allocation_reason == "The victim is assessed as high risk"


def test_a_force_sends_an_offence_elsewhere_through_policy(make_crime, forces):
    from haven.forces.models import PolicySetting

    PolicySetting.objects.create(force=forces["WARKS"], key="crime_allocation_offences",
                                 value={"criminal_damage": "detective"},
                                 effective_from=dt.date(2020, 1, 1))
    assert make_crime(["criminal_damage"]).team == "detective"
    assert make_crime(["criminal_damage"], force_code="WMERC").team == "local"


def test_reallocation_needs_a_reason_and_is_kept_in_the_history(make_crime, persona):
    crime = make_crime()
    sergeant, detective = persona("sergeant"), persona("detective")
    with pytest.raises(services.InvestigationRefused) as refused:
        services.do_reallocate_crime(crime, team="detective", officer=detective, reason=" ",
                                     version=crime.version, actor=sergeant)
    assert refused.value.errors == {"reason": "Say why the crime is being reallocated"}
    services.do_reallocate_crime(crime, team="detective", officer=detective,
                                 reason="Pattern of coercive control", version=crime.version,
                                 actor=sergeant)
    crime.refresh_from_db()
    assert (crime.team, crime.allocated_to) == ("detective", detective)
    assert [a.reason for a in crime.allocations.all()][-1] == "Pattern of coercive control"
    with pytest.raises(services.StaleEdit):
        services.do_reallocate_crime(crime, team="local", reason="x", version=1, actor=sergeant)


def test_a_response_officer_cannot_reallocate_and_another_force_cannot_touch(make_crime,
                                                                            persona):
    crime = make_crime()
    with pytest.raises(Http404):
        services.do_reallocate_crime(crime, team="hau", reason="x", version=crime.version,
                                     actor=persona("response_officer"))
    with pytest.raises(Http404):
        services.do_record_arrest(crime, arrested=True, version=crime.version,
                                  actor=persona("detective", "WMERC"))


def test_no_arrest_needs_a_reason(make_crime, persona):
    crime = make_crime()
    with pytest.raises(services.InvestigationRefused) as refused:
        services.do_record_arrest(crime, arrested=False, version=crime.version,
                                  actor=persona("response_officer"))
    assert refused.value.errors == {"reason": "Say why the suspect was not arrested"}
    services.do_record_arrest(crime, arrested=False, reason="Suspect left before arrival",
                              version=crime.version, actor=persona("response_officer"))
    assert Crime.objects.get().no_arrest_reason == "Suspect left before arrival"
    assert not Task.objects.filter(kind="victim_update").exists()  # not a qualifying event


def test_victims_code_deadline_over_a_bank_holiday_weekend(make_crime, persona):
    """An arrest late on the Friday before the August bank holiday: a DA victim is told
    within one working day, which is Tuesday (not Saturday, nor the bank holiday Monday)."""
    crime = make_crime(recorded_at=FRIDAY_NIGHT)
    services.do_record_arrest(crime, arrested=True, at=FRIDAY_NIGHT, version=crime.version,
                              actor=persona("response_officer"))
    task = Task.objects.get(kind="victim_update")
    assert task.due_at.astimezone(LONDON) == dt.datetime(2026, 9, 1, 23, 59, 59, tzinfo=LONDON)
    assert task.person == crime.victim and task.owner_user == persona("response_officer")
    assert task.title == f"Tell the victim: Arrested ({crime.reference})"


def test_a_victim_of_other_crime_gets_five_working_days(make_crime, persona):
    crime = make_crime(domestic_abuse=False)
    services.do_record_case_event(crime, kind="interview", occurred_at=FRIDAY_NIGHT,
                                  actor=persona("detective"))
    notice = VictimNotice.objects.get()
    assert not notice.enhanced
    assert notice.due_at.astimezone(LONDON).date() == dt.date(2026, 9, 7)


def test_bail_needs_its_conditions_and_they_are_kept(make_crime, persona):
    crime = make_crime()
    with pytest.raises(services.InvestigationRefused) as refused:
        services.do_record_case_event(crime, kind="bail", actor=persona("detective"))
    assert refused.value.errors == {"conditions": "Give the bail conditions (or say there "
                                                  "are none)"}
    event = services.do_record_case_event(
        crime, kind="bail", conditions={"protected_person": True, "exclusion_zone": "Leam Road",
                                        "bogus": "x"}, actor=persona("detective"))
    assert event.conditions == {"protected_person": True, "exclusion_zone": "Leam Road"}
    assert Task.objects.get(kind="victim_update").title.startswith(
        "Tell the victim: Released on police bail")


def test_a_prison_release_creates_both_tasks(make_crime, persona):
    crime = make_crime()
    services.do_record_case_event(crime, kind="prison_release",
                                  source="Prison information process",
                                  actor=persona("detective"))
    tasks = {t.kind: t for t in Task.objects.filter(person=crime.victim)}
    assert set(tasks) == {"victim_update", "reassessment"}
    assert tasks["reassessment"].owner_role == "hau"
    assert "released from prison" in tasks["reassessment"].title
    assert tasks["victim_update"].title == \
        f"Tell the victim: Suspect released from prison ({crime.reference})"


def test_a_bail_breach_flags_the_victims_assessment(make_da_incident, make_crime, persona,
                                                     django_capture_on_commit_callbacks):
    incident = make_da_incident()
    victim = incident.involvements.get(role="victim").person
    assessment = do_complete_assessment(
        victim=victim, incident=incident, actor=persona("response_officer"),
        data=AssessmentInput(answers=dash_answers(5), grade="standard"))
    crime = make_crime(incident=incident)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_record_case_event(crime, kind="bail_breach",
                                      note="Seen outside the victim's house",
                                      actor=persona("detective"))
    flag = ReassessmentFlag.objects.get(person=victim, cleared_at__isnull=True)
    assert flag.assessment == assessment
    assert flag.reason.startswith("Abuser custody event: bail_breach")
    assert Task.objects.filter(kind="reassessment", person=victim).exists()


def test_an_outcome_is_a_home_office_type_and_some_need_a_supervisor(make_crime, persona):
    crime = make_crime()
    with pytest.raises(services.InvestigationRefused):
        services.do_record_outcome(crime, outcome=23, version=crime.version,
                                   actor=persona("detective"))
    with pytest.raises(services.InvestigationRefused) as refused:
        services.do_record_outcome(crime, outcome=16, version=crime.version,
                                   actor=persona("detective"))
    assert "needs a supervisor's sign-off" in refused.value.errors["outcome"]
    services.do_record_outcome(crime, outcome=16, note="Victim withdrew; no other evidence",
                               version=crime.version, actor=persona("sergeant"))
    crime.refresh_from_db()
    assert crime.outcome == 16
    assert VictimNotice.objects.get().what == "Decision not to prosecute"


def test_telling_the_victim_closes_the_task_and_counts_for_compliance(make_crime, persona):
    from haven.investigation.measures import compliance

    crime = make_crime()
    services.do_record_case_event(crime, kind="charge", actor=persona("detective"))
    notice = VictimNotice.objects.get()
    services.do_record_victim_told(notice, method="Phone call to the safe number",
                                   actor=persona("detective"))
    assert Task.objects.get(kind="victim_update").done_at is not None
    assert compliance(crime.force, now=notice.due_at + dt.timedelta(days=1)) == {
        "due": 1, "on_time": 1, "rate": 100.0, "open": 0}
