"""The IDVA's two-working-day clock on the England & Wales calendar, and the measures against
SafeLives' expectations, each against a value worked out by hand."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from haven.forces.models import Agency, PolicySetting
from haven.marac import measures, services
from haven.marac.models import Referral
from haven.marac.rules import Refused

pytestmark = pytest.mark.django_db


def at(y, m, d, h=10):
    return timezone.make_aware(dt.datetime(y, m, d, h, 0))


@pytest.mark.parametrize(("referred", "due"), [
    (at(2026, 3, 2), dt.date(2026, 3, 4)),     # Monday -> Wednesday
    (at(2026, 3, 6), dt.date(2026, 3, 10)),    # Friday -> Tuesday (weekend)
    (at(2026, 12, 24), dt.date(2026, 12, 30)),  # Christmas, Boxing Day substitute Monday 28th
    (at(2026, 4, 2), dt.date(2026, 4, 8)),     # Good Friday and Easter Monday
])
def test_the_idva_contact_clock_counts_working_days(refer, monkeypatch, referred, due):
    monkeypatch.setattr(timezone, "now", lambda: referred)
    made = refer()
    assert timezone.localtime(made.idva_due_at).date() == due


def test_the_idva_records_contact_and_whether_it_was_in_time(refer, persona):
    made = refer()
    idva = persona("idva")
    with pytest.raises(Refused) as error:
        services.do_record_idva_contact(made, outcome="engaged", actor=idva)
    assert error.value.field == "contacted_on"
    services.do_record_idva_contact(made, outcome="engaged",
                                    contacted_on=timezone.localdate(), actor=idva)
    assert made.idva_outcome == "engaged" and services.idva_in_time(made) is True
    late = refer()
    Referral.objects.filter(pk=late.pk).update(idva_due_at=timezone.now() - dt.timedelta(days=3))
    late.refresh_from_db()
    services.do_record_idva_contact(late, outcome="contacted",
                                    contacted_on=timezone.localdate(), actor=idva)
    assert services.idva_in_time(late) is False


@pytest.fixture
def heard(persona, refer, area, make_person, forces):
    """Warwick (population 5,000): four cases heard this year, one a repeat; children 3, 0, 2,
    1; IDVA engaged or contacted for two. Referrals: three by the police, one by the IDVA.
    Rugby (population 10,000): nothing heard. A case heard two years ago is outside."""
    PolicySetting.objects.create(force=forces["WARKS"], key="marac_area_population",
                                 value={"Warwick": 5000, "Rugby": 10000},
                                 effective_from=dt.date(2020, 1, 1))
    coordinator = persona("marac_coordinator")
    warwick, _rugby = area(), area(name="Rugby")
    idva_user = persona("idva")
    victim = make_person(forename="Ann")
    him = make_person(forename="Bob")
    from haven.people.models import PersonShare
    PersonShare.objects.create(person=victim, agency=idva_user.agency, reason="client",
                               granted_by=persona("hau"))
    referrals = [refer(where=warwick, children=3, victim=victim, perpetrator=him),
                 refer(where=warwick, children=0),
                 refer(where=warwick, children=2, actor=idva_user, victim=victim),
                 refer(where=warwick, children=1, victim=victim, perpetrator=him,
                       criterion="repeat")]
    services.do_record_idva_contact(referrals[0], outcome="engaged",
                                    contacted_on=timezone.localdate(), actor=idva_user)
    services.do_record_idva_contact(referrals[1], outcome="contacted",
                                    contacted_on=timezone.localdate(), actor=idva_user)
    services.do_record_idva_contact(referrals[2], outcome="declined", actor=idva_user)
    meeting = services.do_schedule_meeting(warwick, held_at=timezone.now(),
                                           agencies=Agency.objects.filter(force=warwick.force),
                                           actor=coordinator)
    for r in referrals:
        case = services.do_list_case(meeting, r, actor=coordinator)
        services.do_record_discussion(case, version=case.version, information_shared="",
                                      risk_summary="High", actor=coordinator)
    old = refer(where=warwick, children=5)
    old_meeting = services.do_schedule_meeting(warwick, held_at=at(2024, 1, 1),
                                               actor=coordinator)
    case = services.do_list_case(old_meeting, old, actor=coordinator)
    services.do_record_discussion(case, version=case.version, information_shared="",
                                  risk_summary="High", actor=coordinator)
    case.__class__.objects.filter(pk=case.pk).update(heard_at=at(2024, 1, 1))
    Referral.objects.filter(pk=old.pk).update(referred_at=at(2024, 1, 1))
    return forces["WARKS"]


def test_each_measure_against_a_hand_computed_value(heard):
    data = measures.measures(heard)
    warwick = next(a for a in data["areas"] if a.area == "Warwick")
    assert warwick.cases_heard == 4
    assert warwick.per_10000 == 8.0          # 4 / 5,000 x 10,000
    assert warwick.repeat_rate == 25.0       # 1 repeat of 4
    assert warwick.children == 6             # 3 + 0 + 2 + 1
    assert warwick.idva_share == 50.0        # engaged + contacted = 2 of 4
    assert warwick.referrals_by_agency["police"] == 3
    assert warwick.referrals_by_agency["idva"] == 1
    rugby = next(a for a in data["areas"] if a.area == "Rugby")
    assert (rugby.cases_heard, rugby.per_10000, rugby.repeat_rate) == (0, 0.0, None)
    total = data["total"]
    assert (total.cases_heard, total.population, total.per_10000) == (4, 15000, 2.7)
    assert data["expected_per_10000"] == 40 and data["expected_repeat"] == [28, 40]


def test_the_safelives_dataset_csv(heard):
    rows = list(csv.DictReader(io.StringIO(measures.csv_text(heard))))
    warwick = next(r for r in rows if r["marac"] == "Warwick")
    assert (warwick["adult_female_population"], warwick["cases_discussed"],
            warwick["cases_per_10000"], warwick["repeat_cases"],
            warwick["repeat_rate_percent"], warwick["children_in_households"],
            warwick["cases_with_idva"], warwick["referrals_police"],
            warwick["referrals_idva"]) == ("5000", "4", "8.0", "1", "25.0", "6", "2", "3", "1")
    assert warwick["bame_victims"] == ""  # not recorded yet: blank, not zero
