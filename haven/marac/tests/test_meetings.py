"""Meetings: the list, each agency's research (its own form, its own cases only), the chair's
record, actions, overdue actions at the next meeting, agenda and minutes PDFs."""

import datetime as dt
import io

import pytest
from django.http import Http404
from django.utils import timezone
from pypdf import PdfReader

from haven.forces.models import Agency
from haven.marac import pdf, services
from haven.marac.rules import Refused

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # lines wrap inside table cells


def test_partners_see_only_the_cases_listed_for_their_agency_once_the_list_is_sent(
        persona, listed, refer, area, make_person):
    meeting, case = listed
    idva, children = persona("idva"), persona("childrens_services")
    assert list(services.scoped_cases(idva)) == [case]
    assert list(services.scoped_cases(children)) == [case]
    # a case at a meeting whose list has not gone out, and one their agency is not invited to
    coordinator = persona("marac_coordinator")
    unsent = services.do_schedule_meeting(
        area(name="Rugby"), held_at=timezone.now() + dt.timedelta(days=9),
        agencies=Agency.objects.filter(force=meeting.force), actor=coordinator)
    hidden = services.do_list_case(unsent, refer(where=unsent.area), actor=coordinator)
    only_idva = services.do_schedule_meeting(
        area(name="Stratford"), held_at=timezone.now() + dt.timedelta(days=9),
        agencies=Agency.objects.filter(force=meeting.force, kind="idva"), actor=coordinator)
    not_children = services.do_list_case(only_idva, refer(where=only_idva.area),
                                         actor=coordinator)
    services.do_send_list(only_idva, actor=coordinator)
    for user, forbidden in [(idva, [hidden]), (children, [hidden, not_children]),
                            (persona("idva", "WMERC"), [case, hidden, not_children])]:
        for other in forbidden:
            with pytest.raises(Http404):
                services.access_case(user, other.pk)
            with pytest.raises(Http404):
                services.do_record_research(other, text="x", actor=user)
        with pytest.raises(Http404):
            services.access_meeting(user, unsent.pk)


def test_only_the_idva_service_of_the_force_opens_the_referral_itself(persona, listed):
    _meeting, case = listed
    assert services.access_referral(persona("idva"), case.referral_id) == case.referral
    for user in (persona("childrens_services"), persona("idva", "WMERC"),
                 persona("marac_coordinator", "WMERC"), persona("call_handler")):
        with pytest.raises(Http404):
            services.access_referral(user, case.referral_id)


def test_each_agency_records_and_reads_only_its_own_research(persona, listed):
    meeting, case = listed
    idva, children = persona("idva"), persona("childrens_services")
    services.do_record_research(case, text="Known to IDVA since May", actor=idva)
    services.do_record_research(case, text="Two children on a plan", actor=children)
    services.do_record_research(case, text="Known to IDVA since April", actor=idva)  # replaces
    assert [r.text for r in services.research_for(idva, case)] == ["Known to IDVA since April"]
    assert [r.text for r in services.research_for(children, case)] == ["Two children on a plan"]
    assert sorted(r.text for r in services.research_for(persona("marac_coordinator"), case)) == [
        "Known to IDVA since April", "Two children on a plan"]
    with pytest.raises(Http404):  # a role without research
        services.do_record_research(case, text="x", actor=persona("response_officer"))


def test_the_chair_records_the_discussion_and_actions_and_the_list_goes_once(persona, listed):
    meeting, case = listed
    chair = persona("inspector")
    with pytest.raises(Refused):
        services.do_record_discussion(case, version=case.version, information_shared="x",
                                      risk_summary=" ", actor=chair)
    services.do_record_discussion(case, version=case.version, information_shared="Police: 3 "
                                  "call-outs", risk_summary="High: escalating", actor=chair)
    case.referral.refresh_from_db()
    assert case.heard_at and case.referral.status == "heard"
    idva = Agency.objects.get(force=meeting.force, kind="idva")
    action = services.do_add_action(case, agency=idva, owner="A. Patel",
                                    description="Safety plan", due_on=dt.date(2026, 1, 5),
                                    actor=chair)
    with pytest.raises(Refused):
        services.do_add_action(case, agency=None, owner="", description="x",
                               due_on=dt.date(2026, 1, 5), actor=chair)
    # children's services cannot close the IDVA's action; the IDVA can
    with pytest.raises(Http404):
        services.do_complete_action(action, actor=persona("childrens_services"))
    services.do_complete_action(action, note="Plan agreed", actor=persona("idva"))
    action.refresh_from_db()
    assert action.done_at is not None


def test_an_overdue_action_is_listed_at_the_next_meeting(persona, listed):
    meeting, case = listed
    coordinator = persona("marac_coordinator")
    due = timezone.localdate() + dt.timedelta(days=10)
    late = services.do_add_action(case, agency=None, owner="DC Shaw", description="Arrest "
                                  "enquiries", due_on=due, actor=coordinator)
    done = services.do_add_action(case, agency=None, owner="DC Shaw", description="Check bail",
                                  due_on=due, actor=coordinator)
    services.do_complete_action(done, actor=coordinator)
    services.do_add_action(case, agency=None, owner="DC Shaw", description="Later thing",
                           due_on=due + dt.timedelta(days=60), actor=coordinator)
    after = services.do_schedule_meeting(meeting.area, held_at=meeting.held_at
                                         + dt.timedelta(days=28), actor=coordinator)
    assert list(services.overdue_actions(after)) == [late]
    assert list(services.overdue_actions(meeting)) == []
    assert "Arrest enquiries" in text_of(pdf.agenda_pdf(after))


def test_agenda_and_minutes_pdfs_say_what_was_decided(persona, listed):
    meeting, case = listed
    chair = persona("inspector")
    services.do_record_discussion(case, version=case.version, information_shared="Housing: "
                                  "tenancy at risk", risk_summary="Escalating", actor=chair)
    services.do_add_action(case, agency=None, owner="PC Lane", description="Panic alarm",
                           due_on=dt.date(2027, 1, 5), actor=chair)
    agenda = text_of(pdf.agenda_pdf(meeting))
    assert "Vera Stone" in agenda and "Paul Hart" in agenda
    start = timezone.localtime(meeting.held_at).strftime("%H:%M")
    assert start in agenda and "12" in agenda  # each case timed by policy
    assert "tenancy" not in agenda  # the agenda carries no narrative
    minutes = text_of(pdf.minutes_pdf(meeting))
    for words in ("Housing: tenancy at risk", "Escalating", "Panic alarm", "PC Lane",
                  "5 Jan 2027"):
        assert words in minutes


def test_minutes_never_carry_a_confidential_address(persona, area, refer, make_person):
    coordinator = persona("marac_coordinator")
    victim = make_person(forename="Rae", surname="Hidden", confidential_address=True)
    where = area()
    meeting = services.do_schedule_meeting(where, held_at=timezone.now(), actor=coordinator)
    case = services.do_list_case(meeting, refer(victim=victim, where=where), actor=coordinator)
    services.do_record_discussion(case, version=case.version, information_shared="She is at "
                                  "1 Test Street now", risk_summary="High", actor=coordinator)
    with pytest.raises(pdf.PdfRefused):
        pdf.minutes_pdf(meeting)
    case.refresh_from_db()
    services.do_record_discussion(case, version=case.version, information_shared="She is in "
                                  "a refuge", risk_summary="High", actor=coordinator)
    minutes = text_of(pdf.minutes_pdf(meeting))
    assert "Rae Hidden" in minutes and "Test Street" not in minutes and "CV34" not in minutes


def test_a_case_from_another_area_cannot_be_listed_and_an_unplaced_one_takes_the_area(
        persona, area, refer, listed):
    meeting, _case = listed
    coordinator = persona("marac_coordinator")
    with pytest.raises(Refused):
        services.do_list_case(meeting, refer(where=area(name="Rugby")), actor=coordinator)
    unplaced = refer()
    unplaced.area = None
    unplaced.save()
    services.do_list_case(meeting, unplaced, actor=coordinator)
    unplaced.refresh_from_db()
    assert (unplaced.area, unplaced.status) == (meeting.area, "listed")


def test_an_emergency_marac_and_the_list_deadline_on_the_home_page(persona, area, client):
    coordinator = persona("marac_coordinator")
    where = area()
    services.do_schedule_meeting(where, held_at=timezone.now() + dt.timedelta(hours=20),
                                 emergency=True, actor=coordinator)
    services.do_schedule_meeting(where, held_at=timezone.now() + dt.timedelta(days=12),
                                 actor=coordinator)
    services.do_schedule_meeting(where, held_at=timezone.now() + dt.timedelta(days=2),
                                 actor=coordinator)
    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert "Warwick Emergency MARAC" in home
    assert "Emergency: send the list as soon as it is built" in home
    due = (timezone.localdate() + dt.timedelta(days=12 - 5)).strftime("%-d %b %Y")
    assert f"List to agencies by {due}<" in home or f"List to agencies by {due}" in home
    assert "(late)" in home  # the meeting in two days: five days' notice is already missed
