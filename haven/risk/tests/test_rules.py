"""Table-driven tests of the grading rules: every threshold and every override path."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from haven.forces.policy import DEFAULTS
from haven.risk import rules
from haven.risk.rules import GradingRefused

LONDON = ZoneInfo("Europe/London")
CODES = [f"PD{n:02d}" for n in range(1, 28)]


def answers(yes, rest="no"):
    return {code: ("yes" if i < yes else rest) for i, code in enumerate(CODES)}


def scored(yes, **kw):
    kw.setdefault("threshold", 14)
    return rules.assess_score(answers(yes), **kw)


@pytest.mark.parametrize("yes, visible_high, guidance", [
    (0, False, ""), (13, False, ""), (14, True, "high"), (15, True, "high"), (27, True, "high"),
])
def test_score_is_the_number_of_yes_and_14_is_the_high_boundary(yes, visible_high, guidance):
    result = scored(yes)
    assert (result.score, result.visible_high, result.guidance) == (yes, visible_high, guidance)


@pytest.mark.parametrize("value", ["no", "not_known", "not_asked"])
def test_only_yes_scores(value):
    assert rules.score_answers({"PD01": value, "PD02": "yes"}) == 1


@pytest.mark.parametrize("threshold, yes, high", [(14, 13, False), (14, 14, True),
                                                  (12, 12, True), (12, 11, False)])
def test_the_threshold_is_whatever_the_force_policy_says(threshold, yes, high):
    assert scored(yes, threshold=threshold).visible_high is high


@pytest.mark.parametrize("band, yes, guidance", [
    (None, 11, ""), ([10, 13], 9, ""), ([10, 13], 10, "medium"), ([10, 13], 13, "medium"),
    ([10, 13], 14, "high"),
])
def test_medium_band_is_guidance_only_when_configured(band, yes, guidance):
    assert scored(yes, medium_band=band).guidance == guidance


@pytest.mark.parametrize("yes, proposed, rationale, expected", [
    # (answers yes, officer's grade, rationale, (grade, basis) or the field refused)
    (13, "standard", "", ("standard", "judgement")),
    (13, "medium", "", ("medium", "judgement")),
    (13, "high", "Threats to kill believed", ("high", "judgement")),   # judgement raise
    (13, "high", "", "rationale"),                                      # raise needs rationale
    (0, "high", "", "rationale"),                                       # at any score
    (0, "high", "Strangulation disclosed", ("high", "judgement")),
    (14, "high", "", ("high", "score")),
    (14, "medium", "Seems calmer", "grade"),                           # officer cannot lower
    (20, "standard", "x", "grade"),
    (5, "critical", "", "grade"),
])
def test_officer_grade(yes, proposed, rationale, expected):
    result = scored(yes)
    if isinstance(expected, str):
        with pytest.raises(GradingRefused) as exc:
            rules.initial_grade(result, proposed, rationale)
        assert exc.value.field == expected
    else:
        assert rules.initial_grade(result, proposed, rationale) == expected


def test_below_the_medium_band_guidance_needs_a_reason():
    result = scored(11, medium_band=[10, 13])
    with pytest.raises(GradingRefused) as exc:
        rules.initial_grade(result, "standard", "")
    assert exc.value.field == "rationale"
    assert rules.initial_grade(result, "standard", "No current threat") == ("standard",
                                                                             "judgement")


@pytest.mark.parametrize("response, reason, rationale, outcome", [
    ("refused", "", "", "response_reason"),
    ("unable", "", "", "response_reason"),
    ("refused", "Would not engage", "", "rationale"),
    ("refused", "Would not engage", "Injuries seen; two call-outs this month", "ok"),
    ("unable", "Intoxicated", "From records: previous strangulation", "ok"),
])
def test_refusal_or_unable_never_scores_zero_silently(response, reason, rationale, outcome):
    def run():
        result = rules.assess_score(answers(0, rest="not_asked") | {"PD01": "yes"},
                                    threshold=14, victim_response=response,
                                    response_reason=reason)
        assert result.partial is True
        assert "Victim did not answer" in " ".join(result.review_reasons)
        return rules.initial_grade(result, "standard", rationale)

    if outcome == "ok":
        assert run() == ("standard", "judgement")
    else:
        with pytest.raises(GradingRefused) as exc:
            run()
        assert exc.value.field == outcome


def test_an_answered_assessment_with_nothing_asked_is_refused():
    with pytest.raises(GradingRefused) as exc:
        rules.assess_score(answers(0, rest="not_asked"), threshold=14)
    assert exc.value.field == "victim_response"


@pytest.mark.parametrize("method, flagged", [("telephone", True), ("in_person", False)])
def test_telephone_assessment_is_flagged_for_review(method, flagged):
    reasons = scored(3, method=method).review_reasons
    assert any("telephone" in r for r in reasons) is flagged


@pytest.mark.parametrize("current, proposed, score, rationale, senior, outcome", [
    ("standard", "standard", 3, "", False, False),              # confirmation
    ("standard", "medium", 3, "", False, "rationale"),           # any change needs a reason
    ("standard", "high", 3, "Stalking pattern", False, True),    # sergeant raises
    ("high", "medium", 10, "Perpetrator remanded", False, True),  # judgement high may be lowered
    ("high", "medium", 14, "Victim moved away", False, "grade"),  # score-based: senior only
    ("high", "standard", 18, "x", False, "grade"),
    ("high", "medium", 14, "Victim moved away", True, True),     # inspector and above
    ("high", "medium", 14, "", True, "rationale"),               # still needs a rationale
    ("medium", "high", 14, "Score reached", False, True),
    ("medium", "urgent", 14, "x", True, "grade"),
])
def test_regrade(current, proposed, score, rationale, senior, outcome):
    def run():
        return rules.regrade(current=current, proposed=proposed, score=score, threshold=14,
                             rationale=rationale, may_downgrade_high=senior)

    if isinstance(outcome, str):
        with pytest.raises(GradingRefused) as exc:
            run()
        assert exc.value.field == outcome
    else:
        assert run() is outcome


AT = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize("days_ago, incidents, expected", [
    ([1, 100], 3, False),
    ([1, 100, 364], 3, True),
    ([1, 100, 366], 3, False),   # one outside the 12 months
    ([1, 2, 3, 4], 3, True),
    ([1, 100], 2, True),         # a force that sets 2
])
def test_escalation_at_three_incidents_in_the_window(days_ago, incidents, expected):
    times = [AT - dt.timedelta(days=d) for d in days_ago]
    window = DEFAULTS["escalation_window_days"].value
    assert rules.escalation(times, at=AT, window_days=window, incidents=incidents) is expected


INDICATORS = {"PD02": "very_frightened", "PD04": "isolation", "PD08": "stalking",
              "PD15": "control", "PD18": "strangulation", "PD17": "threats_to_kill"}


@pytest.mark.parametrize("yes_codes, incidents, expected", [
    ([], 1, False),
    (["PD08"], 1, True),      # stalking question yes
    (["PD02"], 1, True),      # very frightened
    ([], 2, True),            # two or more incidents
    (["PD18"], 1, False),
])
def test_stalking_screen_trigger(yes_codes, incidents, expected):
    given = {code: ("yes" if code in yes_codes else "no") for code in INDICATORS}
    assert rules.stalking_triggered(given, INDICATORS, incident_count=incidents,
                                    min_incidents=2) is expected


@pytest.mark.parametrize("yes_codes, concern, expected", [
    ([], False, False), (["PD04"], False, True), (["PD15"], False, True), ([], True, True),
    (["PD18"], False, False),
])
def test_hba_screen_trigger(yes_codes, concern, expected):
    given = {code: ("yes" if code in yes_codes else "no") for code in INDICATORS}
    assert rules.hba_triggered(given, INDICATORS, hba_concern=concern) is expected


def test_high_risk_prompts_show_whatever_the_score():
    given = {"PD18": "yes", "PD17": "yes", "PD08": "no"}
    assert rules.prompts(given, INDICATORS, escalation_flag=True, hba_concern=True) == [
        "strangulation", "threats_to_kill", "escalation", "hba"]


@pytest.mark.parametrize("grade, escalation, children, kinds", [
    ("standard", False, [], ["case_update"]),
    ("high", False, [], ["case_update", "marac_referral", "idva_offer"]),
    ("medium", True, [], ["case_update", "marac_referral"]),
    ("medium", False, [{"name": "A", "school": ""}], ["case_update", "childrens_referral"]),
    ("standard", False, [{"name": "A", "school": "Oak Primary"}],
     ["case_update", "childrens_referral", "encompass_notification"]),
])
def test_next_steps_after_hau_review(grade, escalation, children, kinds):
    steps = rules.next_steps(grade=grade, escalation_flag=escalation, children=children,
                             idva_grades=["high"])
    assert [s.kind for s in steps] == kinds


@pytest.mark.parametrize("now, expected", [
    ("2026-11-23 22:00", "2026-11-24 08:30"),  # Monday night -> Tuesday
    ("2026-11-24 07:00", "2026-11-24 08:30"),  # before school the same day
    ("2026-11-24 08:30", "2026-11-25 08:30"),  # at the start -> next day
    ("2026-11-27 18:00", "2026-11-30 08:30"),  # Friday evening -> Monday
    ("2026-11-28 10:00", "2026-11-30 08:30"),  # Saturday -> Monday
])
def test_encompass_is_due_before_the_next_school_day(now, expected):
    parse = lambda s: dt.datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON)  # noqa: E731
    assert rules.next_school_day_start(parse(now), "08:30") == parse(expected)
