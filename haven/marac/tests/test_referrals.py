"""Referrals: each criterion through the action, consent, transfer, the HAU review's referral."""

import pytest
from django.http import Http404

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.marac.models import Referral
from haven.marac.rules import Refused
from haven.marac.services import do_make_referral, do_transfer_referral

pytestmark = pytest.mark.django_db


def test_visible_high_risk_at_the_threshold_is_accepted_below_it_refused(refer):
    ok = refer(criterion="visible_high_risk", dash_yes_count=14, rationale="")
    assert ok.criterion == "visible_high_risk" and ok.status == "awaiting"
    with pytest.raises(Refused) as error:
        refer(criterion="visible_high_risk", dash_yes_count=13, rationale="")
    assert error.value.field == "dash_yes_count"
    assert Referral.objects.count() == 1


def test_the_threshold_follows_the_forces_policy(refer, forces):
    import datetime as dt

    from haven.forces.models import PolicySetting
    PolicySetting.objects.create(force=forces["WARKS"], key="dash_high_threshold", value=12,
                                 effective_from=dt.date(2020, 1, 1))
    assert refer(criterion="visible_high_risk", dash_yes_count=12).dash_yes_count == 12


def test_professional_judgement_needs_its_reasons(refer):
    with pytest.raises(Refused) as error:
        refer(criterion="professional_judgement", rationale=" ")
    assert error.value.field == "rationale"
    assert refer().rationale == "Escalating threats after separation"


def test_potential_escalation_needs_three_incidents_in_the_window(refer):
    with pytest.raises(Refused) as error:
        refer(criterion="potential_escalation", incidents_in_window=2)
    assert error.value.field == "incidents_in_window"
    assert refer(criterion="potential_escalation", incidents_in_window=3).incidents_in_window == 3


def test_repeat_needs_a_referral_of_the_same_pair_within_the_window(refer, make_person):
    victim, him = make_person(forename="Ann"), make_person(forename="Ben")
    with pytest.raises(Refused):
        refer(victim=victim, perpetrator=him, criterion="repeat")
    first = refer(victim=victim, perpetrator=him)
    second = refer(victim=victim, perpetrator=him, criterion="repeat", where=first.area)
    assert second.repeat_of == first and second.is_repeat


def test_without_consent_the_basis_is_recorded(refer):
    with pytest.raises(Refused) as error:
        refer(consent="refused")
    assert error.value.field == "consent_basis"
    made = refer(consent="refused", consent_basis="Risk of serious harm; victim told")
    assert made.get_consent_display().startswith("The victim refused")


def test_a_referral_is_logged_and_on_the_victims_chronology_and_offers_an_idva(refer, persona):
    made = refer()
    assert AccessLogEntry.objects.filter(record_type="marac_referral", person_id=made.victim_id,
                                         action="collection").exists()
    assert "Referred to the Warwick MARAC" in Entry.objects.get(kind="marac_referral").summary
    assert made.idva_offered and made.idva_due_at is not None
    # the IDVA service now sees the victim (a people share) and the referral
    from haven.marac.services import scoped_referrals
    assert list(scoped_referrals(persona("idva"))) == [made]


def test_a_partner_agency_refers_and_is_counted_as_that_agency(persona, make_person, area,
                                                               refer):
    from haven.people.models import PersonShare
    idva = persona("idva")
    victim = make_person(forename="Cara")
    PersonShare.objects.create(person=victim, agency=idva.agency, reason="client",
                               granted_by=persona("hau"))
    made = refer(victim=victim, actor=idva)
    assert made.referring_agency == "idva"


def test_a_victim_the_referrer_may_not_see_is_refused(refer, make_person):
    other = make_person("WMERC", forename="Dee")
    with pytest.raises(Refused) as error:
        refer(victim=other)
    assert error.value.field == "victim_id"


def test_a_role_without_referral_is_refused_with_404(area, make_person, persona):
    with pytest.raises(Http404):
        do_make_referral(area=area(), victim_id=make_person().pk, criterion="repeat",
                         consent="given", actor=persona("call_handler"))


def test_transfer_to_another_area_and_across_the_alliance(refer, area, persona):
    made = refer()
    rugby = area(name="Rugby")
    coordinator = persona("marac_coordinator")
    moved = do_transfer_referral(made, area=rugby, reason="Victim moved to Rugby",
                                 actor=coordinator)
    made.refresh_from_db()
    assert made.status == "transferred"
    assert (moved.area, moved.transferred_from, moved.status) == (rugby, made, "awaiting")
    worcester = area("WMERC", name="Worcester")
    onward = do_transfer_referral(moved, area=worcester, reason="Moved to Worcester",
                                  actor=coordinator)
    assert onward.force == worcester.force
    # now the receiving force's coordinator's case, not ours
    from haven.marac.services import scoped_referrals
    assert onward in scoped_referrals(persona("marac_coordinator", "WMERC"))
    with pytest.raises(Http404):
        do_transfer_referral(onward, area=rugby, reason="Back again", actor=coordinator)


def test_a_transfer_outside_the_alliance_is_refused(refer, area, persona):
    from haven.forces.models import Force
    from haven.marac.models import Area
    lone = Force.objects.create(code="LONE", name="Lone Constabulary")
    far = Area.objects.create(force=lone, name="Far")
    with pytest.raises(Refused) as error:
        do_transfer_referral(refer(), area=far, reason="Moved", actor=persona("marac_coordinator"))
    assert error.value.field == "area"


def test_the_hau_review_of_a_high_risk_refers_to_marac_not_a_task(complete_dash, persona,
                                                                  area):
    from haven.risk.review import do_review_hau
    from haven.tasks.models import Task
    where = area(districts=["CV34"])
    a = complete_dash(yes=15, grade="high")
    do_review_hau(a, version=a.version, grade="high", response_matched=True,
                  actor=persona("hau"))
    referral = Referral.objects.get(assessment_id=a.pk)
    assert (referral.criterion, referral.dash_yes_count, referral.area) == (
        "visible_high_risk", 15, where)
    assert referral.perpetrator is not None  # the incident's suspect: the repeat key
    assert not Task.objects.filter(kind="marac_referral").exists()


def test_a_high_grade_below_the_threshold_is_professional_judgement(complete_dash, persona):
    from haven.risk.review import do_review_hau
    a = complete_dash(yes=6, grade="standard")
    from haven.risk.services import do_review_sergeant
    do_review_sergeant(a, version=a.version, grade="high", rationale="Threats to kill",
                       guidance="Refer to MARAC", actor=persona("sergeant"))
    do_review_hau(a, version=a.version, grade="high", response_matched=True,
                  actor=persona("hau"))
    referral = Referral.objects.get(assessment_id=a.pk)
    assert referral.criterion == "professional_judgement" and referral.rationale
    assert referral.area is None  # no area set up yet: chosen when the case is listed
