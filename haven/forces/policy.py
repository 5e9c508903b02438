"""Policy numbers in one place: defaults here, per-force overrides with effective dates.

Read every threshold, window and deadline through `policy(force, key, at=...)`;
never write the number in code. Defaults and their basis come from
shared/reference/domain-rules.md §14; [R]/[S] items are local practice that a
force is expected to set for itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Default:
    value: Any
    basis: str


DEFAULTS: dict[str, Default] = {
    "repeat_window_days": Default(365, "Repeat victim: second DA incident within 12 months (HMIC)"),
    "dash_high_threshold": Default(14, "Visible high risk: 14 or more 'yes' (SafeLives)"),
    "dash_medium_band": Default(None, "No national medium band; judgement below threshold"),
    "escalation_incidents": Default(3, "Potential escalation: 3 incidents (SafeLives)"),
    "escalation_window_days": Default(365, "Potential escalation window (SafeLives)"),
    "marac_repeat_window_days": Default(365, "Repeat MARAC: within 12 months of last referral"),
    "marac_lookback_days": Default(365, "Call-time history: MARAC within 12 months"),
    "history_lookback_days": Default(365, "Call-time history summaries: last 12 months"),
    "dash_due_hours_after_attendance": Default(24, "DASH expected after attendance [D]"),
    "hau_review_due_hours": Default(24, "HAU reviews each assessment within a day [D]"),
    "dash_high_threshold_by_instrument": Default(
        {}, "Per-instrument override of dash_high_threshold, e.g. {\"dash-2009-police\": 14}: "
        "14 is SafeLives' 24-q figure [V]; forces set their own for the 27-q form [S]",
    ),
    "stalking_screen_min_incidents": Default(2, "Stalking screen: two or more incidents [V]"),
    "idva_offer_grades": Default(["high"], "IDVA offered to high-risk victims (SafeLives) [V]"),
    "reassessment_due_hours": Default(24, "Live risk: re-assess within a day of a new event [D]"),
    "hau_followup_due_hours": Default(
        {"case_update": 24, "marac_referral": 24, "idva_offer": 48, "childrens_referral": 24},
        "Follow-up after HAU review; IDVA contact within 2 working days (local) [S]/[D]",
    ),
    "victim_update_working_days_enhanced": Default(1, "Victims' Code enhanced [S]"),
    "victim_update_working_days_standard": Default(5, "Victims' Code standard [S]"),
    "dvpo_hearing_hours": Default(48, "CSA 2010 s.27: DVPO hearing within 48 hours [V]"),
    "dvpo_min_days": Default(14, "DVPO minimum duration [V]"),
    "dvpo_max_days": Default(28, "DVPO maximum duration [V]"),
    "dvds_max_days": Default(28, "Clare's Law disclosure within 28 days [S]"),
    "serial_lookback_years": Default(3, "Serial perpetrator window (Northumbria MATAC) [S]"),
    "serial_min_victims": Default(2, "Serial perpetrator: 2 or more victims [S]"),
    "serial_min_age": Default(16, "Serial perpetrator minimum age [S]"),
    "response_target_minutes": Default(
        {"immediate": 15, "priority": 60, "scheduled": 1440},
        "Response grade targets (force-defined; Suffolk example) [S]",
    ),
    "encompass_school_day_start": Default(
        "08:30", "Operation Encompass: before next school day [S]"
    ),
    "mopi_min_retention_years": Default(6, "MoPI minimum retention [V]"),
    "linkage_link_threshold": Default(0.99, "Linkage: probability to join records [D]"),
    "linkage_review_band": Default([0.5, 0.99], "Linkage: clerical review band [D]"),
    "lookup_match_bands": Default(
        {"very_likely": 0.95, "possible": 0.2},
        "Call screen: a candidate's match score from which it reads 'Very likely' / 'Possible'"
        " (below: 'Unlikely'); calibrate against clerical review decisions [D]",
    ),
    "draft_retention_hours": Default(
        24, "Unsent form drafts (DASH, call) kept on the server for a shift, then deleted [D]"
    ),
}


class UnknownPolicy(KeyError):
    pass


def policy(force, key: str, at: dt.date | dt.datetime | None = None) -> Any:
    """The value of `key` for `force` in force on `at` (today when omitted).

    Order: the force's own setting, then its alliance's, then the default.
    """
    from haven.forces.models import PolicySetting

    if key not in DEFAULTS:
        raise UnknownPolicy(f"No policy called {key!r}; add it to haven.forces.policy.DEFAULTS")
    if at is None:
        at = timezone.localdate()
    elif isinstance(at, dt.datetime):
        at = timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    if force is not None:
        rows = PolicySetting.objects.filter(key=key, effective_from__lte=at)
        own = rows.filter(force=force).order_by("-effective_from").first()
        if own is not None:
            return own.value
        if force.alliance_id:
            shared = (
                rows.filter(alliance_id=force.alliance_id, force__isnull=True)
                .order_by("-effective_from")
                .first()
            )
            if shared is not None:
                return shared.value
    return DEFAULTS[key].value
