"""The MARAC rules, table by table, without a database."""

import datetime as dt

import pytest

from haven.marac import rules
from haven.marac.rules import ReferralFacts, Refused


def facts(**kw):
    kw.setdefault("consent", "given")
    return ReferralFacts(**kw)


@pytest.mark.parametrize(("given", "refused_field"), [
    (facts(criterion="visible_high_risk", dash_yes_count=14), None),
    (facts(criterion="visible_high_risk", dash_yes_count=13), "dash_yes_count"),
    (facts(criterion="visible_high_risk"), "dash_yes_count"),
    (facts(criterion="professional_judgement", rationale="Threats to kill the children"), None),
    (facts(criterion="professional_judgement", rationale="   "), "rationale"),
    (facts(criterion="potential_escalation", incidents_in_window=3), None),
    (facts(criterion="potential_escalation", incidents_in_window=2), "incidents_in_window"),
    (facts(criterion="repeat", has_recent_referral=True), None),
    (facts(criterion="repeat", has_recent_referral=False), "criterion"),
    (facts(criterion="nonsense"), "criterion"),
    (facts(criterion="professional_judgement", rationale="x", consent=""), "consent"),
    (facts(criterion="professional_judgement", rationale="x", consent="refused"),
     "consent_basis"),
    (facts(criterion="professional_judgement", rationale="x", consent="refused",
           consent_basis="Risk of serious harm to the victim"), None),
    (facts(criterion="professional_judgement", rationale="x", consent="not_sought",
           consent_basis="Unsafe to ask while he is at home"), None),
])
def test_each_referral_criterion_and_consent(given, refused_field):
    if refused_field is None:
        rules.check_referral(given, threshold=14, escalation_incidents=3)
    else:
        with pytest.raises(Refused) as error:
            rules.check_referral(given, threshold=14, escalation_incidents=3)
        assert error.value.field == refused_field


def test_the_threshold_is_the_forces_not_fourteen():
    rules.check_referral(facts(criterion="visible_high_risk", dash_yes_count=12), threshold=12,
                         escalation_incidents=3)


D = dt.date


@pytest.mark.parametrize(("referred", "incident", "repeat"), [
    (D(2025, 6, 1), D(2026, 6, 1), True),     # 365 days
    (D(2025, 6, 1), D(2026, 6, 2), False),    # 366 days: a new referral
    (D(2027, 3, 1), D(2028, 2, 29), True),    # over the leap day: 365 days
    (D(2027, 3, 1), D(2028, 3, 1), False),    # a calendar year later, but 366 days
    (D(2028, 2, 29), D(2029, 2, 28), True),   # from the leap day: 365 days
    (D(2028, 2, 29), D(2029, 3, 1), False),   # 366 days
    (D(2025, 6, 1), D(2025, 6, 1), True),     # the same day
    (D(2025, 6, 1), D(2025, 5, 31), False),   # before the referral
])
def test_repeat_window_in_whole_days(referred, incident, repeat):
    assert rules.is_repeat(incident_on=incident, referred_on=referred,
                           window_days=365) is repeat


@pytest.mark.parametrize(("definition", "category", "repeat"), [
    ("any_instance", "other", True),
    ("violence_stalking_sexual", "other", False),
    ("violence_stalking_sexual", "stalking", True),
    ("violence_stalking_sexual", "domestic", True),
])
def test_the_older_narrower_definition_is_selectable(definition, category, repeat):
    assert rules.is_repeat(incident_on=D(2026, 1, 10), referred_on=D(2026, 1, 1),
                           window_days=365, definition=definition, category=category) is repeat


def test_agenda_times_each_case():
    start = dt.datetime(2026, 3, 4, 10, 0)
    assert rules.agenda_times(start, 3, 12) == [
        start, dt.datetime(2026, 3, 4, 10, 12), dt.datetime(2026, 3, 4, 10, 24)]


def test_measure_arithmetic():
    assert rules.cases_per_10000(30, 7500) == 40.0
    assert rules.cases_per_10000(30, None) is None
    assert rules.rate(1, 3) == 33.3
    assert rules.rate(0, 0) is None
    assert rules.list_due_on(D(2026, 3, 10), 5) == D(2026, 3, 5)
