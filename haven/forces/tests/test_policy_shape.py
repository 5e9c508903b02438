"""Policy with a shape (issue 9 item 5): each setting declares its type and bounds, an override
is checked when saved, a table override merges key by key, and a request or job reads the
policy table once per force and day."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.forces.models import PolicySetting
from haven.forces.policy import (
    DEFAULTS,
    PolicySnapshotMiddleware,
    check,
    policy,
    policy_for,
    policy_snapshot,
)

LONG_AGO = dt.date(2000, 1, 1)
DOCS = Path(__file__).resolve().parents[3] / "docs"


def override(force=None, alliance=None, **values):
    for key, value in values.items():
        PolicySetting.objects.create(force=force, alliance=alliance, key=key, value=value,
                                     effective_from=LONG_AGO)


# ---- Checked when saved --------------------------------------------------------------------


def test_every_default_fits_its_own_shape():
    for key, setting in DEFAULTS.items():
        assert check(key, setting.default) == setting.default, key


@pytest.mark.parametrize("key, value, words", [
    ("repeat_window_days", 5000, ["repeat_window_days", "above the maximum 3650 days"]),
    ("repeat_window_days", 0, ["repeat_window_days", "below the minimum 1 days"]),
    ("repeat_window_days", "365", ["repeat_window_days", "'365' is not a number"]),
    ("repeat_window_days", 36.5, ["repeat_window_days", "not a whole number"]),
    ("dash_high_threshold", True, ["dash_high_threshold", "not a number"]),
    ("dash_high_threshold", 30, ["dash_high_threshold", "maximum 27 answers"]),
    ("lookup_match_bands", {"likely": 0.5},
     ["lookup_match_bands", "unknown key 'likely'", "very_likely, possible"]),
    ("lookup_match_bands", {"possible": 1.5}, ["lookup_match_bands.possible", "maximum 1"]),
    ("hau_followup_due_hours", {"idva_offer": -1},
     ["hau_followup_due_hours.idva_offer", "minimum 1 hours"]),
    ("idva_offer_grades", ["high", "urgent"], ["idva_offer_grades[1]", "standard, medium, high"]),
    ("linkage_review_band", [0.9, 0.5], ["linkage_review_band", "low 0.9 is above high 0.5"]),
    ("encompass_school_day_start", "8.30am", ["encompass_school_day_start", "HH:MM"]),
    ("no_such_rule", 1, ["No policy called 'no_such_rule'"]),
])
def test_an_override_of_the_wrong_shape_is_refused_naming_the_key_and_bound(
        forces, key, value, words):
    with pytest.raises(ValidationError) as refused:
        PolicySetting.objects.create(force=forces["WARKS"], key=key, value=value,
                                     effective_from=LONG_AGO)
    message = " ".join(refused.value.messages)
    for word in words:
        assert word in message
    assert not PolicySetting.objects.exists()


def test_a_row_for_both_a_force_and_an_alliance_is_refused(forces):
    warks = forces["WARKS"]
    with pytest.raises(ValidationError, match="give a force or an alliance"):
        PolicySetting.objects.create(force=warks, alliance=warks.alliance,
                                     key="repeat_window_days", value=180,
                                     effective_from=LONG_AGO)


def test_haven_setup_refuses_an_out_of_bounds_override_and_saves_none_of_it(db, tmp_path):
    path = tmp_path / "setup.toml"
    path.write_text('[[forces]]\ncode = "WARKS"\nname = "Warwickshire Police"\n\n'
                    '[[policy]]\nforce = "WARKS"\nkey = "draft_retention_hours"\nvalue = 0\n'
                    "effective_from = 2026-01-01\n")
    with pytest.raises(CommandError) as refused:
        call_command("setup", str(path), stdout=StringIO())
    assert "draft_retention_hours" in str(refused.value)
    assert "below the minimum 1 hours" in str(refused.value)
    assert not PolicySetting.objects.exists()


def test_a_toml_time_is_stored_as_hh_mm(forces):
    override(forces["WARKS"], encompass_school_day_start=dt.time(9, 0))
    assert PolicySetting.objects.get().value == "09:00"
    assert policy(forces["WARKS"], "encompass_school_day_start") == "09:00"


# ---- Tables merge key by key ----------------------------------------------------------------


def test_a_table_override_keeps_the_default_for_the_keys_it_leaves_out(forces):
    override(forces["WARKS"], hau_followup_due_hours={"idva_offer": 72})
    assert policy(forces["WARKS"], "hau_followup_due_hours") == {
        "case_update": 24, "marac_referral": 24, "idva_offer": 72, "childrens_referral": 24}


def test_force_then_alliance_then_default_per_key(forces):
    warks, wmerc = forces["WARKS"], forces["WMERC"]
    override(alliance=warks.alliance, response_target_minutes={"immediate": 10, "priority": 45})
    override(warks, response_target_minutes={"priority": 30})
    assert policy(warks, "response_target_minutes") == {
        "immediate": 10, "priority": 30, "scheduled": 1440}
    assert policy(wmerc, "response_target_minutes") == {
        "immediate": 10, "priority": 45, "scheduled": 1440}


def test_a_priority_call_keeps_its_due_time_when_the_force_changes_only_immediate(forces):
    """Before: an override naming only `immediate` dropped the other grades' targets, so a
    priority log showed no response-due time at all."""
    from haven.intake.grading import target_minutes
    from haven.intake.models import Incident

    override(forces["WARKS"], response_target_minutes={"immediate": 10})
    incident = Incident(force=forces["WARKS"], opened_at=timezone.now())
    assert target_minutes(incident, "immediate") == 10
    assert target_minutes(incident, "priority") == 60


def test_a_caller_cannot_change_the_shared_snapshot(forces):
    with policy_snapshot():
        policy(forces["WARKS"], "idva_offer_grades").append("standard")
        assert policy(forces["WARKS"], "idva_offer_grades") == ["high"]


# ---- One snapshot per request or job --------------------------------------------------------


def _read_everything(force, times=5):
    now = timezone.now()
    for _ in range(times):
        for key in DEFAULTS:
            policy(force, key)
            policy(force, key, at=now)
        policy_for(force.pk)["repeat_window_days"]


def test_many_policy_reads_in_one_request_cost_at_most_two_queries(
        forces, django_assert_max_num_queries):
    warks = forces["WARKS"]
    override(warks, repeat_window_days=180)
    override(alliance=warks.alliance, dash_high_threshold=15)
    seen = {}

    def view(request):
        _read_everything(warks)
        seen["window"] = policy(warks, "repeat_window_days")
        seen["threshold"] = policy(warks, "dash_high_threshold")
        return None

    middleware = PolicySnapshotMiddleware(view)
    with django_assert_max_num_queries(2):
        middleware(RequestFactory().get("/"))
    assert seen == {"window": 180, "threshold": 15}
    # The snapshot ends with the request: the next one sees a new row.
    PolicySetting.objects.create(force=warks, key="repeat_window_days", value=90,
                                 effective_from=dt.date(2001, 1, 1))
    middleware(RequestFactory().get("/"))
    assert seen["window"] == 90


def test_every_read_costs_a_query_without_a_snapshot_and_one_in_all_with_one(forces):
    warks = forces["WARKS"]
    with CaptureQueriesContext(connection) as outside:
        policy(warks, "repeat_window_days")
        policy(warks, "dash_high_threshold")
    with CaptureQueriesContext(connection) as inside, policy_snapshot():
        _read_everything(warks)
    assert len(outside) == 2  # one each (was one to three each)
    assert len(inside) == 1


def test_a_row_saved_inside_a_job_is_read_by_the_same_job(forces):
    warks = forces["WARKS"]
    with policy_snapshot():
        assert policy(warks, "repeat_window_days") == 365
        override(warks, repeat_window_days=200)
        assert policy(warks, "repeat_window_days") == 200


def test_each_day_is_its_own_snapshot(forces):
    warks = forces["WARKS"]
    PolicySetting.objects.create(force=warks, key="repeat_window_days", value=180,
                                 effective_from=dt.date(2026, 1, 1))
    with policy_snapshot():
        assert policy(warks, "repeat_window_days", at=dt.date(2025, 12, 31)) == 365
        assert policy(warks, "repeat_window_days", at=dt.date(2026, 1, 1)) == 180


def test_the_middleware_is_installed():
    from django.conf import settings

    assert "haven.forces.policy.PolicySnapshotMiddleware" in settings.MIDDLEWARE


# ---- Published -----------------------------------------------------------------------------


def test_the_published_policy_table_matches_the_code():
    """docs/policy.md is what forces read; regenerate it with `haven policy` when DEFAULTS
    change."""
    out = StringIO()
    call_command("policy", stdout=out)
    published = (DOCS / "policy.md").read_text()
    assert out.getvalue().strip() in published
    for key in DEFAULTS:
        assert f"| `{key}` |" in published
