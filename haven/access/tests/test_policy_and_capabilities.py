import datetime as dt

import pytest

from haven.access.capabilities import MATRIX, can
from haven.access.roles import Role
from haven.forces.models import PolicySetting
from haven.forces.policy import UnknownPolicy, policy


def test_policy_falls_back_to_the_default(forces):
    assert policy(forces["WARKS"], "repeat_window_days") == 365


def test_a_force_setting_applies_from_its_effective_date_only(forces):
    warks = forces["WARKS"]
    PolicySetting.objects.create(force=warks, key="repeat_window_days", value=180,
                                 effective_from=dt.date(2026, 1, 1))
    assert policy(warks, "repeat_window_days", at=dt.date(2025, 12, 31)) == 365
    assert policy(warks, "repeat_window_days", at=dt.date(2026, 1, 1)) == 180
    assert policy(forces["WMERC"], "repeat_window_days", at=dt.date(2026, 6, 1)) == 365


def test_an_alliance_setting_applies_to_both_forces_unless_one_overrides(forces):
    warks, wmerc = forces["WARKS"], forces["WMERC"]
    PolicySetting.objects.create(alliance=warks.alliance, key="dash_high_threshold", value=15,
                                 effective_from=dt.date(2020, 1, 1))
    PolicySetting.objects.create(force=wmerc, key="dash_high_threshold", value=13,
                                 effective_from=dt.date(2021, 1, 1))
    assert policy(warks, "dash_high_threshold") == 15
    assert policy(wmerc, "dash_high_threshold") == 13


def test_an_unknown_policy_name_is_an_error_not_a_silent_default(forces):
    with pytest.raises(UnknownPolicy, match="no_such_rule"):
        policy(forces["WARKS"], "no_such_rule")


def test_every_role_in_the_matrix_exists():
    for action, roles in MATRIX.items():
        assert roles <= set(Role.values), action


def test_only_senior_officers_may_lower_a_score_based_high(persona):
    assert can(persona("inspector"), "risk.downgrade_high")
    assert not can(persona("sergeant"), "risk.downgrade_high")


def test_an_unknown_action_is_a_programming_error(persona):
    with pytest.raises(KeyError):
        can(persona("sergeant"), "person.teleport")


def test_the_published_roles_matrix_matches_the_code():
    """docs/roles.md is what users read; regenerate it with `haven roles` when MATRIX changes."""
    from io import StringIO
    from pathlib import Path

    from django.core.management import call_command

    out = StringIO()
    call_command("roles", stdout=out)
    published = (Path(__file__).resolve().parents[3] / "docs" / "roles.md").read_text()
    assert out.getvalue().strip() in published
