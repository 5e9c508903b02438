"""Referrals to partner agencies: consent or lawful basis, the agency's answer, its own
entries on the chronology, sharing per case and agency, withdrawable."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.forces.models import Agency
from haven.people.access import scoped_persons
from haven.people.models import PersonShare
from haven.safeguarding.models_partners import PartnerEntry, Referral
from haven.safeguarding.referrals import (
    ReferralRefused,
    do_add_partner_entry,
    do_answer_referral,
    do_refer_case,
    do_withdraw_referral,
    scoped_referrals,
)
from haven.safeguarding.tests.test_referrals_helpers import (  # noqa: F401 (fixtures)
    _case_for_fixture,
    _make_incident_fixture,
    _victim_case_fixture,
)
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def idva_of(forces, code="WARKS"):
    return Agency.objects.get(force=forces[code], kind=Agency.Kind.IDVA)


@pytest.fixture
def referred(victim_case, persona, forces):
    referral = do_refer_case(victim_case["case"], idva_of(forces), reason="Safety planning",
                             consent=Referral.Consent.GIVEN, actor=persona("hau"))
    return {**victim_case, "referral": referral}


def test_a_referral_with_consent_shares_the_victim_and_asks_the_agency_to_answer(
        referred, persona, forces):
    r = referred["referral"]
    assert r.status == Referral.Status.PENDING and r.consent == "given" and not r.lawful_basis
    assert scoped_persons(persona("idva")).filter(pk=referred["victim"].pk).exists()
    task = Task.objects.get(source_room="safeguarding", source_type="referral", source_id=r.pk)
    assert task.owner_agency == idva_of(forces) and task.done_at is None
    assert "Dana Victim" in task.title and task.due_at == r.answer_due_at
    entry = Entry.objects.get(kind="referral_made", source_id=str(r.pk))
    assert "with the victim's consent" in entry.summary
    assert entry.sensitivity == Entry.Sensitivity.CONFIDENTIAL
    assert AccessLogEntry.objects.filter(record_type="referral", record_id=str(r.pk),
                                         action="disclosure").exists()


def test_the_answer_is_due_by_the_policy_for_the_agency_kind(referred):
    r = referred["referral"]
    assert (r.answer_due_at - r.referred_at).total_seconds() == 48 * 3600


def test_without_consent_it_needs_a_lawful_basis_and_why(victim_case, persona, forces):
    hau = persona("hau")
    with pytest.raises(ReferralRefused) as e:
        do_refer_case(victim_case["case"], idva_of(forces), reason="x", consent="not_given",
                      actor=hau)
    assert e.value.field == "lawful_basis"
    with pytest.raises(ReferralRefused) as e:
        do_refer_case(victim_case["case"], idva_of(forces), reason="x", consent="not_given",
                      lawful_basis="safeguarding", actor=hau)
    assert e.value.field == "basis_note"
    r = do_refer_case(victim_case["case"], idva_of(forces), reason="x", consent="not_given",
                      lawful_basis="safeguarding", basis_note="Victim could not be asked safely",
                      actor=hau)
    assert r.get_lawful_basis_display().startswith("Safeguarding an individual")
    assert "without consent" in Entry.objects.get(kind="referral_made").summary


def test_a_case_is_referred_to_an_agency_once_while_live(referred, persona, forces):
    with pytest.raises(ReferralRefused):
        do_refer_case(referred["case"], idva_of(forces), reason="again", consent="given",
                      actor=persona("hau"))


def test_an_agency_of_the_other_force_cannot_be_chosen(victim_case, persona, forces):
    with pytest.raises(Http404):
        do_refer_case(victim_case["case"], idva_of(forces, "WMERC"), reason="x",
                      consent="given", actor=persona("hau"))


def test_the_agency_accepts_and_its_task_closes(referred, persona):
    r = do_answer_referral(referred["referral"], accept=True, version=1, actor=persona("idva"))
    assert r.status == "accepted" and r.decided_by == persona("idva")
    assert Task.objects.get(source_type="referral", source_id=r.pk).done_at is not None


def test_declining_needs_a_reason(referred, persona):
    with pytest.raises(ReferralRefused):
        do_answer_referral(referred["referral"], accept=False, version=1,
                           actor=persona("idva"))
    r = do_answer_referral(referred["referral"], accept=False, reason="Out of our area",
                           version=1, actor=persona("idva"))
    assert r.status == "declined" and r.decision_reason == "Out of our area"
    # A declined referral is no longer on the agency's list.
    assert not scoped_referrals(persona("idva")).exists()


def test_the_agencys_entry_is_on_the_chronology_marked_as_theirs(referred, persona):
    entry = do_add_partner_entry(referred["referral"], text="Spoke to Dana; safety plan agreed",
                                 actor=persona("idva"))
    chron = Entry.objects.get(kind="partner_entry", source_id=str(entry.pk))
    assert chron.summary.startswith("Warwickshire IDVA service: Spoke to Dana")
    assert chron.person_id == referred["victim"].pk
    assert chron.recorded_by == persona("idva")
    # Partner information is for public protection, never a neighbourhood officer's view.
    from haven.chronology.services import entries_for

    assert entries_for(persona("hau"), referred["victim"]).filter(pk=chron.pk).exists()
    assert not entries_for(persona("snt_officer"), referred["victim"]).filter(
        pk=chron.pk).exists()


def test_another_agency_can_neither_see_nor_act_on_the_referral(referred, persona):
    childrens = persona("childrens_services")
    assert not scoped_referrals(childrens).exists()
    with pytest.raises(Http404):
        do_add_partner_entry(referred["referral"], text="x", actor=childrens)
    with pytest.raises(Http404):
        do_answer_referral(referred["referral"], accept=True, version=1, actor=childrens)
    assert not scoped_referrals(persona("idva", "WMERC")).exists()


def test_withdrawing_ends_the_share_and_the_agency_loses_the_case(referred, persona,
                                                                  client_as):
    r = do_withdraw_referral(referred["referral"], reason="Victim moved away", version=1,
                             actor=persona("hau"))
    assert r.status == "withdrawn"
    assert not PersonShare.objects.filter(person=referred["victim"],
                                          ended_at__isnull=True).exists()
    assert not scoped_persons(persona("idva")).filter(pk=referred["victim"].pk).exists()
    client = client_as("idva")
    assert client.get(reverse("safeguarding:referral", args=[r.pk])).status_code == 404
    assert "Dana Victim" not in client.get(reverse("home")).content.decode()
    assert Task.objects.get(source_type="referral", source_id=r.pk).done_at is not None
    with pytest.raises(Http404):
        do_add_partner_entry(r, text="late", actor=persona("idva"))


def test_withdrawing_needs_a_reason(referred, persona):
    with pytest.raises(ReferralRefused):
        do_withdraw_referral(referred["referral"], reason=" ", version=1,
                             actor=persona("hau"))


# Pages ------------------------------------------------------------------------------------

def test_the_hau_refers_from_the_case_page(victim_case, client_as, forces):
    client = client_as("hau")
    url = reverse("safeguarding:case_partners", args=[victim_case["case"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Referrals and letters for Dana Victim" in page.text
    bad = client.post(reverse("safeguarding:refer", args=[victim_case["case"].pk]),
                      {"agency": idva_of(forces).pk, "consent": "not_given", "reason": "x"})
    assert bad.status_code == 400 and "Choose the lawful basis" in bad.text
    done = client.post(reverse("safeguarding:refer", args=[victim_case["case"].pk]),
                       {"agency": idva_of(forces).pk, "consent": "given",
                        "reason": "Safety planning"}, follow=True)
    assert "Referred to Warwickshire IDVA service" in done.text
    assert Referral.objects.filter(case=victim_case["case"], status="pending").count() == 1


def test_the_idva_sees_the_referral_on_their_home_page_and_adds_an_entry(referred,
                                                                         client_as):
    client = client_as("idva")
    home = client.get(reverse("home")).text
    assert "Cases referred to your agency" in home and "Dana Victim" in home
    url = reverse("safeguarding:referral", args=[referred["referral"].pk])
    assert client.get(url).status_code == 200
    client.post(reverse("safeguarding:referral_answer", args=[referred["referral"].pk]),
                {"decision": "accept", "version": 1})
    page = client.post(reverse("safeguarding:referral_entry", args=[referred["referral"].pk]),
                       {"text": "First visit done"}, follow=True)
    assert "First visit done" in page.text and "Warwickshire IDVA service" in page.text
    assert PartnerEntry.objects.filter(text="First visit done").exists()


def test_the_referral_page_shows_no_dash_answers_or_address(referred, client_as):
    page = client_as("idva").get(reverse("safeguarding:referral",
                                         args=[referred["referral"].pk])).text
    assert "1 Test Street" not in page and "CV34 4AA" not in page


@pytest.mark.parametrize("role,force", [("snt_officer", "WARKS"), ("idva", "WARKS"),
                                        ("hau", "WMERC"), ("auditor", "WARKS")])
def test_case_partner_pages_are_404_for_the_wrong_role_or_force(victim_case, client_as,
                                                                role, force):
    client = client_as(role, force)
    case = victim_case["case"]
    assert client.get(reverse("safeguarding:case_partners", args=[case.pk])).status_code == 404
    assert client.post(reverse("safeguarding:refer", args=[case.pk]),
                       {"consent": "given", "reason": "x"}).status_code == 404
    assert client.post(reverse("safeguarding:send_letter", args=[case.pk]),
                       {"recipient": "victim"}).status_code == 404


@pytest.mark.parametrize("role,force", [("childrens_services", "WARKS"), ("idva", "WMERC"),
                                        ("snt_officer", "WARKS"), ("hau", "WMERC")])
def test_referral_pages_are_404_for_the_wrong_role_agency_or_force(referred, client_as,
                                                                   role, force):
    client = client_as(role, force)
    pk = referred["referral"].pk
    assert client.get(reverse("safeguarding:referral", args=[pk])).status_code == 404
    assert client.post(reverse("safeguarding:referral_answer", args=[pk]),
                       {"decision": "accept", "version": 1}).status_code == 404
    assert client.post(reverse("safeguarding:referral_entry", args=[pk]),
                       {"text": "x"}).status_code == 404
    assert client.post(reverse("safeguarding:referral_withdraw", args=[pk]),
                       {"withdraw_reason": "x", "version": 1}).status_code == 404
    assert Referral.objects.get(pk=pk).status == "pending"


def test_the_police_cannot_answer_for_the_agency(referred, client_as):
    client = client_as("hau")
    pk = referred["referral"].pk
    assert client.post(reverse("safeguarding:referral_answer", args=[pk]),
                       {"decision": "accept", "version": 1}).status_code == 404
    assert client.post(reverse("safeguarding:referral_entry", args=[pk]),
                       {"text": "x"}).status_code == 404


def test_the_referral_list_shows_only_the_agencys_own(referred, client_as, persona, forces,
                                                      make_person, case_for):
    other = make_person(forename="Olive", surname="Other")
    do_refer_case(case_for(other), Agency.objects.get(force=forces["WARKS"],
                                                       kind=Agency.Kind.CHILDREN),
                  reason="Children at home", consent="given", actor=persona("hau"))
    idva_page = client_as("idva").get(reverse("safeguarding:referrals")).text
    assert "Dana Victim" in idva_page and "Olive Other" not in idva_page
    childrens_home = client_as("childrens_services").get(reverse("home")).text
    assert "Olive Other" in childrens_home and "Dana Victim" not in childrens_home
    assert client_as("snt_officer").get(reverse("safeguarding:referrals")).status_code == 404


def test_the_demo_refers_writes_and_sets_a_board_task_once(settings):
    from haven.safeguarding.models_partners import BoardTask, Letter
    from haven.web.demo import seed

    seed(people_per_force=8, password="demo-password-1")
    assert Referral.objects.filter(status="accepted").count() == 2  # one per force
    assert PartnerEntry.objects.count() == 2
    assert Letter.objects.filter(recipient="perpetrator", status="suppressed").exists()
    assert BoardTask.objects.count() == 2
    seed(people_per_force=8)
    assert Referral.objects.count() == 2 and BoardTask.objects.count() == 2


def test_the_hau_records_the_reply_of_an_agency_without_haven_users(victim_case, persona,
                                                                    client_as, forces):
    from haven.safeguarding.referrals import do_record_agency_answer

    health = Agency.objects.create(force=forces["WARKS"], kind=Agency.Kind.HEALTH,
                                   name="South Warwickshire health visitors")
    referral = do_refer_case(victim_case["case"], health, reason="Health visitor support",
                             consent="given", actor=persona("hau"))
    task = Task.objects.get(source_type="referral", source_id=referral.pk)
    assert task.title == ("Record the reply of South Warwickshire health visitors to the "
                          "referral of Dana Victim")
    assert (referral.answer_due_at - referral.referred_at).total_seconds() == 72 * 3600
    client = client_as("hau")
    page = client.get(reverse("safeguarding:case_partners", args=[victim_case["case"].pk]))
    assert "Record their reply" in page.text
    client.post(reverse("safeguarding:referral_recorded_answer", args=[referral.pk]),
                {"decision": "accept", "decision_reason": "Visit booked", "version": 1})
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.decided_by == persona("hau")
    entry = Entry.objects.get(kind="referral_accepted", source_id=str(referral.pk))
    assert "recorded by the police" in entry.summary
    # Not for an agency whose staff answer for themselves, nor for the other force.
    idva_referral = do_refer_case(victim_case["case"], idva_of(forces), reason="x",
                                  consent="given", actor=persona("hau"))
    with pytest.raises(Http404):
        do_record_agency_answer(idva_referral, accept=True, version=1, actor=persona("hau"))
    assert client_as("hau", "WMERC").post(
        reverse("safeguarding:referral_recorded_answer", args=[idva_referral.pk]),
        {"decision": "accept", "version": 1}).status_code == 404
    assert client_as("idva").post(
        reverse("safeguarding:referral_recorded_answer", args=[idva_referral.pk]),
        {"decision": "accept", "version": 1}).status_code == 404


def test_the_hau_home_page_shows_declined_and_overdue_referrals(referred, persona, client_as):
    client = client_as("hau")
    assert "Dana Victim: referral to" not in client.get(reverse("home")).text  # not yet due
    Referral.objects.filter(pk=referred["referral"].pk).update(
        answer_due_at=referred["referral"].referred_at - dt.timedelta(hours=1))
    assert "answer overdue since" in client.get(reverse("home")).text
    do_answer_referral(referred["referral"], accept=False, reason="Full caseload", version=1,
                       actor=persona("idva"))
    home = client.get(reverse("home")).text
    assert "Dana Victim: referral to Warwickshire IDVA service" in home
    assert "decide whether to stop sharing" in home
    assert "Dana Victim: referral to" not in client_as("hau", "WMERC").get(reverse("home")).text


def test_a_closed_case_is_not_referred(victim_case, persona, forces):
    case = victim_case["case"]
    case.status = "closed"
    case.save()
    with pytest.raises(ReferralRefused, match="closed"):
        do_refer_case(case, idva_of(forces), reason="x", consent="given", actor=persona("hau"))


def test_the_case_page_partial_links_to_referrals_and_letters_for_those_who_manage(
        victim_case):
    from django.template.loader import render_to_string

    case = victim_case["case"]
    url = reverse("safeguarding:case_partners", args=[case.pk])
    shown = render_to_string("safeguarding/partners/_case_links.html",
                             {"case": case, "manage": True, "own": True})
    assert f'href="{url}"' in shown and "Referrals and letters" in shown
    for manage, own in ((False, True), (True, False)):
        hidden = render_to_string("safeguarding/partners/_case_links.html",
                                  {"case": case, "manage": manage, "own": own})
        assert url not in hidden
