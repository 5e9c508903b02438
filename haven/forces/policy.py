"""Policy numbers in one place: defaults here, per-force overrides with effective dates.

Read every threshold, window and deadline through `policy(force, key, at=...)` (or the whole
set at once with `policy_for(force, at)`); never write the number in code. Defaults and their
basis come from shared/reference/domain-rules.md §14; [R]/[S] items are local practice that a
force is expected to set for itself.

Each setting declares its shape (`Setting`: type, bounds, unit; a dict policy its keys), so an
override is checked when it is saved (`check`), and a dict override is merged key by key with
the defaults: the force's own value wins per key, then the alliance's, then the default.

Reads are served from a snapshot: `policy_for(force, at)` resolves every key with one query,
and while a snapshot scope is open (`PolicySnapshotMiddleware` for each request,
`with policy_snapshot():` for a job) the same (force, day) is never asked twice. The published
table is docs/policy.md (`haven policy`).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Setting:
    """The shape of one policy value (or of one key/item inside a dict or list policy).

    kind: "int", "float", "time" ("HH:MM"), "choice" (one of `choices`), "list" (of `item`),
    "band" ([low, high] of `item`), "dict" (fixed `keys`, or any key with `item` values).
    """

    default: Any
    basis: str = ""
    kind: str = "int"
    min: float | None = None
    max: float | None = None
    unit: str = ""
    keys: Mapping[str, Setting] | None = None
    item: Setting | None = None
    choices: tuple[str, ...] = ()
    nullable: bool = False

    @property
    def value(self) -> Any:
        """The default (the name older code and tests use)."""
        return self.default

    def describe(self) -> str:
        """The type and bounds in words, for docs/policy.md and error messages."""
        if self.kind == "dict":
            if self.keys:
                inner = "; ".join(f"`{k}`: {s.describe()}" for k, s in self.keys.items())
                return f"keys {inner}"
            return f"any key → {self.item.describe()}"
        if self.kind == "list":
            return f"list of {self.item.describe()}"
        if self.kind == "band":
            text = f"[low, high] of {self.item.describe()}"
            return text + (", or empty" if self.nullable else "")
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "time":
            return "time of day HH:MM"
        word = "whole number" if self.kind == "int" else "number"
        text = f"{word} {_fmt(self.min)}–{_fmt(self.max)}"
        return text + (f" {self.unit}" if self.unit else "")


def _fmt(number) -> str:
    return "…" if number is None else f"{number:g}"


def _whole(unit, default, basis, *, min=1, max=None):  # noqa: A002 (bounds read as min/max)
    return Setting(default, basis, "int", min, max, unit)


def days(default, basis, *, min=1, max=3650):  # noqa: A002
    return _whole("days", default, basis, min=min, max=max)


def hours(default, basis, *, min=1, max=168):  # noqa: A002
    return _whole("hours", default, basis, min=min, max=max)


HOURS = Setting(None, kind="int", min=1, max=720, unit="hours")
PROBABILITY = Setting(None, kind="float", min=0, max=1)
GRADE = Setting(None, kind="choice", choices=("standard", "medium", "high"))
DASH_ANSWERS = Setting(None, kind="int", min=0, max=27, unit="answers")


DEFAULTS: dict[str, Setting] = {
    "repeat_window_days": days(
        365, "Repeat victim: second DA incident within 12 months (HMIC)"),
    "dash_high_threshold": _whole(
        "answers", 14, "Visible high risk: 14 or more 'yes' (SafeLives)", max=27),
    "dash_medium_band": Setting(
        None, "No national medium band; judgement below threshold", "band",
        item=DASH_ANSWERS, nullable=True),
    "escalation_incidents": _whole(
        "incidents", 3, "Potential escalation: 3 incidents (SafeLives)", min=2, max=20),
    "escalation_window_days": days(365, "Potential escalation window (SafeLives)"),
    "marac_repeat_window_days": days(365, "Repeat MARAC: within 12 months of last referral"),
    "marac_lookback_days": days(365, "Call-time history: MARAC within 12 months"),
    "history_lookback_days": days(365, "Call-time history summaries: last 12 months"),
    "dash_due_hours_after_attendance": hours(24, "DASH expected after attendance [D]"),
    "hau_review_due_hours": hours(24, "HAU reviews each assessment within a day [D]"),
    "cross_force_answer_due_hours": hours(
        72, "Cross-force match: the other force answers within three days of the first [D]"),
    "dash_high_threshold_by_instrument": Setting(
        {}, "Per-instrument override of dash_high_threshold, e.g. {\"dash-2009-police\": 14}: "
        "14 is SafeLives' 24-q figure [V]; forces set their own for the 27-q form [S]",
        "dict", item=Setting(None, kind="int", min=1, max=100, unit="answers")),
    "stalking_screen_min_incidents": _whole(
        "incidents", 2, "Stalking screen: two or more incidents [V]", max=20),
    "idva_offer_grades": Setting(
        ["high"], "IDVA offered to high-risk victims (SafeLives) [V]", "list", item=GRADE),
    "reassessment_due_hours": hours(24, "Live risk: re-assess within a day of a new event [D]"),
    "hau_followup_due_hours": Setting(
        {"case_update": 24, "marac_referral": 24, "idva_offer": 48, "childrens_referral": 24},
        "Follow-up after HAU review; IDVA contact within 2 working days (local) [S]/[D]",
        "dict", keys={"case_update": HOURS, "marac_referral": HOURS, "idva_offer": HOURS,
                      "childrens_referral": HOURS}),
    "victim_update_working_days_enhanced": _whole(
        "working days", 1, "Victims' Code enhanced [S]", max=30),
    "victim_update_working_days_standard": _whole(
        "working days", 5, "Victims' Code standard [S]", max=30),
    "dvpo_hearing_hours": hours(48, "CSA 2010 s.27: DVPO hearing within 48 hours [V]", max=48),
    "dvpo_min_days": days(14, "DVPO minimum duration [V]", min=14, max=28),
    "dvpo_max_days": days(28, "DVPO maximum duration [V]", min=14, max=28),
    "dvds_max_days": days(28, "Clare's Law disclosure within 28 days [S]", max=365),
    "serial_lookback_years": _whole(
        "years", 3, "Serial perpetrator window (Northumbria MATAC) [S]", max=20),
    "serial_min_victims": _whole(
        "victims", 2, "Serial perpetrator: 2 or more victims [S]", min=2, max=20),
    "serial_min_age": _whole("years of age", 16, "Serial perpetrator minimum age [S]",
                             min=10, max=25),
    "response_target_minutes": Setting(
        {"immediate": 15, "priority": 60, "scheduled": 1440},
        "Response grade targets (force-defined; Suffolk example) [S]",
        "dict", keys={grade: Setting(None, kind="int", min=1, max=20160, unit="minutes")
                      for grade in ("immediate", "priority", "scheduled")}),
    "encompass_school_day_start": Setting(
        "08:30", "Operation Encompass: before next school day [S]", "time"),
    "mopi_min_retention_years": _whole("years", 6, "MoPI minimum retention [V]", max=100),
    "linkage_link_threshold": Setting(
        0.98, "Linkage: probability to join records (measured: docs/benchmarks.md) [D]",
        "float", 0, 1),
    "linkage_own_phone_threshold": Setting(
        0.8, "Linkage: probability to join two records that give one phone no one else gives"
        " (a phone given under two forename initials or two generations is a household's);"
        " at or above the link threshold it adds nothing (measured: docs/benchmarks.md) [D]",
        "float", 0, 1),
    "linkage_dated_threshold": Setting(
        0.9, "Linkage: probability to join two records that both give a date of birth, the"
        " same or one slip apart (day and month swapped, one digit of the day, the month or"
        " the year's last digit); at or above the link threshold it adds nothing (measured:"
        " docs/benchmarks.md) [D]",
        "float", 0, 1),
    "linkage_counterpart_threshold": Setting(
        0.05, "Linkage: probability to join two records that met one person on the other"
        " side of an incident (the suspect of a victim both are, the victim of a suspect both"
        " are), with no conflict between the two persons; a relink keeps pairs down to it"
        " (other pairs from 0.2); at or above the link threshold it adds nothing (measured:"
        " docs/benchmarks.md, \"Met one person, scored low\") [D]",
        "float", 0, 1),
    "linkage_counterpart_names_alone": Setting(
        "on", "Linkage: \"on\" joins two records of one surname and one forename (or"
        " nickname) that met one person on the other side of an incident however low they"
        " scored, with no conflict between the two persons; \"off\" leaves them to"
        " linkage_counterpart_threshold (measured: docs/benchmarks.md, \"Met one person,"
        " scored low\") [D]",
        "choice", choices=("on", "off")),
    "linkage_review_band": Setting(
        [0.5, 0.98], "Linkage: clerical review band, up to the link threshold [D]", "band",
        item=PROBABILITY),
    "lookup_match_bands": Setting(
        {"very_likely": 0.95, "possible": 0.2},
        "Call screen: a candidate's match score from which it reads 'Very likely' / 'Possible'"
        " (below: 'Unlikely'); calibrate against clerical review decisions [D]",
        "dict", keys={"very_likely": PROBABILITY, "possible": PROBABILITY}),
    # safeguarding: referrals, letters, meetings, board
    "referral_answer_due_hours": Setting(
        {"idva": 48, "children": 24, "health": 72, "housing": 72, "probation": 72},
        "A partner agency accepts or declines a referral within this many hours; IDVA "
        "contact within 2 working days (local protocol) [S]/[D]",
        "dict", keys={kind: HOURS for kind in ("idva", "children", "health", "housing",
                                               "probation")}),
    "board_window_hours": hours(
        24, "Daily management meeting: high-risk victims and suspects at large from the "
        "last 24 hours [D]", max=168),
    "board_task_due_hours": hours(
        24, "Daily management meeting: a task the chair allocates is due by the next "
        "meeting unless the chair says otherwise [D]", max=720),
    "meeting_grades": Setting(
        ["medium", "standard"], "Vulnerable people meeting: the risk levels discussed "
        "locally (high risk goes to MARAC) [D]", "list", item=GRADE),
    "meeting_window_days": days(
        28, "Vulnerable people meeting: open cases opened or re-opened within this many "
        "days are listed [D]", max=365),
    "draft_retention_hours": hours(
        24, "Unsent form drafts (DASH, call) kept on the server for a shift, then deleted [D]",
        max=720),
    # investigation
    "crime_allocation_offences": Setting(
        {"assault_intent_serious_harm": "detective", "sexual_offence": "detective",
         "non_fatal_strangulation": "detective", "threats_to_kill": "detective",
         "homicide": "detective", "stalking": "detective"},
        "Crimes whose injury or offending warrants a more skilled investigation go to "
        "detectives; any offence not named goes to local officers (HMIC 2014) [S]/[D]",
        "dict", item=Setting(None, kind="choice", choices=("detective", "hau", "local"))),
    "crime_allocation_high_risk_team": Setting(
        "hau", "Crimes of high-risk victims go to the HAU's detectives (HMIC 2014) [S]",
        "choice", choices=("detective", "hau", "local")),
    "crime_allocation_high_risk_grades": Setting(
        ["high"], "Victim grades whose crimes go to the high-risk team (HMIC 2014) [S]", "list",
        item=GRADE),
    "arrests_per_100_national_range": Setting(
        [45, 90], "Arrests per 100 DA crimes: most forces between 45 and 90 (HMIC 2014) [V]",
        "band", item=Setting(None, kind="int", min=0, max=1000, unit="arrests")),
    "arrests_per_100_inspection_figure": Setting(
        63, "Arrests per 100 DA crimes the inspection found here (Warwickshire 63, HMIC 2014)"
        " [V]", "int", 0, 1000, "arrests", nullable=True),
    "investigation_measures_days": days(
        365, "Inspection figures over the last 12 months (HMIC 2014: 12 months to August)"),
    "evidence_max_megabytes": _whole(
        "MB", 200, "Largest evidence file accepted from a phone (local) [D]", max=4000),
    "working_day_overrides": Setting(
        {}, "Victims' Code clock: England & Wales bank holidays (holidays package) plus these "
        "ISO dates as \"holiday\" or \"working_day\" (e.g. a one-off bank holiday) [D]",
        "dict", item=Setting(None, kind="choice", choices=("holiday", "working_day"))),
    # safeguarding (B1): the victim's case, its plan, allocation and break-glass
    "safeguarding_allocation": Setting(
        {"high": "darm", "medium": "neighbourhood", "standard": "neighbourhood"},
        "Who holds a case by grade: high to a domestic abuse risk manager, medium and "
        "standard to the neighbourhood team for the victim's area (HMIC 2014) [S]",
        "dict", keys={g: Setting(None, kind="choice", choices=("darm", "neighbourhood"))
                      for g in ("high", "medium", "standard")}),
    "safeguarding_neighbourhood_teams": Setting(
        {"Nuneaton and Bedworth SNT": {"CV10": 1, "CV11": 1, "CV12": 1, "CV13": 1},
         "North Warwickshire SNT": {"CV9": 1, "B46": 1, "B78": 1},
         "Rugby SNT": {"CV21": 1, "CV22": 1, "CV23": 1},
         "Warwick and Leamington SNT": {"CV31": 1, "CV32": 1, "CV33": 1, "CV34": 1,
                                        "CV35": 1},
         "Stratford SNT": {"CV36": 1, "CV37": 1, "B49": 1, "B50": 1},
         "Worcester SNT": {"WR1": 1, "WR2": 1, "WR3": 1, "WR4": 1, "WR5": 1},
         "Hereford SNT": {"HR1": 1, "HR2": 1, "HR4": 1},
         "Shrewsbury SNT": {"SY1": 1, "SY2": 1, "SY3": 1},
         "Telford SNT": {"TF1": 1, "TF2": 1, "TF3": 1, "TF7": 1}},
        "Neighbourhood team -> the postcode districts (outward codes) it covers, each with "
        "the value 1; a district may also be given by its letters alone (\"CV\") [S]",
        "dict", item=Setting(None, kind="dict",
                             item=Setting(None, kind="int", min=1, max=1))),
    "safeguarding_review_days": Setting(
        {"high": 14, "medium": 28, "standard": 56},
        "Harm reduction plan review: how often by grade (local practice) [D]",
        "dict", keys={g: Setting(None, kind="int", min=1, max=365, unit="days")
                      for g in ("high", "medium", "standard")}),
    "safeguarding_break_glass_minutes": _whole(
        "minutes", 60, "Break-glass full view of a case lasts this long [D]", max=480),
    # protection: DVPN/DVPO or DAPN/DAPO by force, area and date; orders; Clare's Law
    # (dvpo_hearing_hours, dvpo_min_days, dvpo_max_days and dvds_max_days are above)
    "protection_regime": Setting(
        {"2014-03-08": "csa2010"},
        "Which notices the force gives, from each ISO date: csa2010 (DVPN/DVPO, Crime and "
        "Security Act 2010, from 8 March 2014) or da2021 (DAPN/DAPO, Domestic Abuse Act 2021; "
        "pilot forces from 27 November 2024) [V]",
        "dict", item=Setting(None, kind="choice", choices=("csa2010", "da2021"))),
    "protection_regime_areas": Setting(
        {}, "Pilot areas inside a force: postcode district (\"BL9\") or letters (\"BL\") -> "
        "{ISO date: csa2010 or da2021}; an area listed here overrides protection_regime "
        "(e.g. Bury first in Greater Manchester) [V]",
        "dict", item=Setting(None, kind="dict", item=Setting(
            None, kind="choice", choices=("csa2010", "da2021")))),
    "dvpn_min_rank": Setting(
        "superintendent", "DVPN authorised by an officer not below superintendent "
        "(CSA 2010 s.24(1)) [V]", "choice", choices=("superintendent",)),
    "dapn_min_rank": Setting(
        "inspector", "DAPN given by an officer of at least inspector rank (DA Act 2021 "
        "s.22(8)); a force may require a superintendent [V]", "choice",
        choices=("inspector", "superintendent")),
    "dapo_notification_days": days(
        3, "DAPO notification: the subject notifies the police of their name(s) and home "
        "address within the period of this many days beginning with the day the order is "
        "made (DA Act 2021 s.41(2), legislation.gov.uk/ukpga/2021/17/section/41/enacted) [V]",
        max=30),
    "order_expiry_warning_days": days(
        7, "A task to review protection when a live order ends within this many days [D]",
        max=90),
    "dvds_clock_before": Setting(
        {"2023-04-05": 35},
        "Clare's Law applications received before each ISO date have this many days (35 "
        "under the 2016 guidance); later ones dvds_max_days (28 under the statutory "
        "guidance, which took effect when DA Act 2021 s.77 came into force on 5 April 2023: "
        "SI 2023/406 reg. 2(b), verified; 28 down from 35: reducingtherisk.org.uk on the new "
        "guidance) [S]",
        "dict", item=Setting(None, kind="int", min=1, max=365, unit="days")),
    "dvds_immediate_risk_due_hours": hours(
        1, "Clare's Law: immediate risk at any stage means act now, not wait [S]", max=24),
    # marac (visible high risk: dash_high_threshold; potential escalation:
    # escalation_incidents / escalation_window_days; repeat: marac_repeat_window_days, above)
    "marac_repeat_definition": Setting(
        "any_instance", "Repeat MARAC: any_instance (current SafeLives definition: any abuse "
        "between the same victim and perpetrator) or violence_stalking_sexual (the earlier, "
        "narrower one) [V]", "choice", choices=("any_instance", "violence_stalking_sexual")),
    "marac_list_circulation_days": days(
        5, "MARAC case list (no narrative) goes to the agencies this many days before the "
        "meeting; lead time is set locally [R]", max=28),
    "marac_minutes_per_case": _whole(
        "minutes", 12, "Agenda time per case: about 12-15 minutes (SafeLives toolkit) [S]",
        min=5, max=60),
    "marac_idva_contact_working_days": _whole(
        "working days", 2, "IDVA contacts a high-risk victim within 2 working days (local "
        "protocol) [S]", max=10),
    "marac_expected_cases_per_10000": _whole(
        "cases", 40, "Cases heard a year per 10,000 adult women: SafeLives recommends 40 [R]",
        max=1000),
    "marac_expected_repeat_rate": Setting(
        [28, 40], "Repeat rate expected by SafeLives: 28-40 % of cases heard [R]", "band",
        item=Setting(None, kind="int", min=0, max=100, unit="%")),
    "marac_area_population": Setting(
        {}, "Adult (16+) female population covered by each MARAC area, by the area's name "
        "(configuration; e.g. {\"Warwick\": 60000}) [D]",
        "dict", item=Setting(None, kind="int", min=1, max=10000000, unit="women")),
    "marac_measures_days": days(
        365, "MARAC measures over the last 12 months (SafeLives volume formula) [V]"),
    # perpetrators (issue 15): serial / repeat identification, RFGV ranking, programme
    # (serial_lookback_years, serial_min_victims, serial_min_age: above, with the protection
    # settings)
    "repeat_perpetrator_window_days": days(
        365, "Repeat perpetrator: more than one DA incident or crime against the same victim "
        "within 12 months; no national definition [R] UNVERIFIED"),
    "rfgv_window_days": days(730, "RFGV ranking over the last 2 years (MATAC) [S]"),
    "rfgv_recency_points": Setting(
        {"30": 100, "90": 60, "180": 40, "365": 20, "730": 5},
        "RFGV recency: {up to this many days since the last incident: points}; none beyond "
        "the last. MATAC's matrix is not public [D]", "dict",
        item=Setting(None, kind="int", min=0, max=100000, unit="points")),
    "rfgv_frequency_points": _whole(
        "points", 10, "RFGV frequency: points per DA incident or crime in the window [D]",
        min=0, max=10000),
    "rfgv_frequency_cap": _whole(
        "incidents", 20, "RFGV frequency: incidents counted at most [D]", max=1000),
    "rfgv_gravity_points_per_day": _whole(
        "points", 1, "RFGV gravity: points per day of custody in the crime-harm table "
        "(Cambridge Crime Harm Index style) [D]", min=0, max=1000),
    "rfgv_incident_gravity_days": _whole(
        "days", 1, "RFGV gravity of a DA incident with no crime recorded [D]", min=0, max=365),
    "rfgv_victim_percent": Setting(
        [100, 150, 200], "RFGV victims multiplier (per cent) for 1, 2, 3 or more victims in "
        "the window; serial offending weighted higher (MATAC) [D]", "list",
        item=Setting(None, kind="int", min=100, max=1000, unit="%")),
    "rfgv_bands": Setting(
        {"high": 500, "medium": 150}, "RFGV priority bands: lowest score of each [D]", "dict",
        keys={"high": Setting(None, kind="int", min=0, max=10000000, unit="points"),
              "medium": Setting(None, kind="int", min=0, max=10000000, unit="points")}),
    "matac_meeting_interval_weeks": _whole(
        "weeks", 4, "MATAC multi-agency meeting every 4 weeks [V]", max=26),
    "new_partner_alert_due_hours": hours(
        24, "HAU considers a right-to-know disclosure when a serial perpetrator appears with "
        "a new, unconnected person (R-PERP-08) [D]"),
    "perpetrator_outcome_months": _whole(
        "months", 6, "Programme outcome: harm in the months after adoption against as many "
        "before [D]", max=36),
    # insight (issue 16): the problem profile's event days, control days and seasons
    "insight_event_days": Setting(
        {"2014-06-14": "lost", "2014-06-19": "lost", "2014-06-24": "drew",
         "2024-06-16": "won", "2024-06-20": "drew", "2024-06-25": "drew",
         "2024-06-30": "won", "2024-07-06": "drew", "2024-07-10": "won",
         "2024-07-14": "lost"},
        "Event days compared with matched control days (YYYY-MM-DD: result): England men's "
        "World Cup 2014 and Euro 2024 match days (+26 % won or drew, +38 % lost: Kirby et "
        "al. 2014) [D]", "dict",
        item=Setting(None, kind="choice", choices=("won", "drew", "lost", "event"))),
    "insight_control_weeks": _whole(
        "weeks", 4, "Control days for an event day: the same weekday this many weeks either "
        "side, not themselves event days [D]", max=12),
    "insight_summer_months": Setting(
        [6, 7, 8], "Months counted as summer for the seasonal rise (June-August) [D]", "list",
        item=Setting(None, kind="int", min=1, max=12, unit="month")),
    "insight_confidence": Setting(
        0.95, "Confidence level of the profile's intervals [D]", "float", 0.5, 0.999),
    "insight_revictimisation_window_days": days(
        365, "What works: a victim counts as re-victimised when they are the victim in another "
        "DA incident within this many days after an intervention (12 months, as the repeat "
        "victim window) [D]"),
    "insight_suppress_below": _whole(
        "people", 5, "Small numbers: a count from 1 to one below this is shown as 'fewer than "
        "N' and a rate built on it is withheld, on the measures page and the map "
        "(statistical disclosure control; the force's own rule) [D]", max=100),
    # learning (issue 17 items 4-5): required training per role, capacity, the plan
    "training_requirements": Setting(
        {"call_handler": {"call_handling_da": 24, "dash": 36, "stalking": 36,
                          "coercive_control": 36},
         "occ_supervisor": {"call_handling_da": 24, "dash": 36, "stalking": 36,
                            "coercive_control": 36},
         "response_officer": {"dash": 36, "coercive_control": 36, "stalking": 36,
                              "evidence_gathering": 36, "children": 36},
         "sergeant": {"dash": 36, "coercive_control": 36, "stalking": 36,
                      "evidence_gathering": 36, "children": 36},
         "inspector": {"dash": 36, "coercive_control": 36},
         "snt_officer": {"dash": 36, "coercive_control": 36, "honour_based_abuse": 36,
                         "victim_care": 36},
         "detective": {"dash": 36, "coercive_control": 36, "stalking": 36,
                       "evidence_gathering": 24, "honour_based_abuse": 36},
         "hau": {"dash": 24, "coercive_control": 24, "stalking": 24,
                 "honour_based_abuse": 24, "children": 24},
         "darm": {"dash": 24, "coercive_control": 24, "stalking": 24,
                  "honour_based_abuse": 24, "victim_care": 24},
         "marac_coordinator": {"dash": 36, "victim_care": 36}},
        "Training a role must hold: role -> {module code: refresh period in months, 0 for "
        "once}; a force's entry for a role replaces the default for that role. HMIC 2014 "
        "found training inconsistent across roles; the periods are local practice [D]",
        "dict", item=Setting(None, kind="dict",
                             item=Setting(None, kind="int", min=0, max=120, unit="months"))),
    "training_places_per_month": Setting(
        {"dash": 20, "coercive_control": 20, "stalking": 15, "honour_based_abuse": 10,
         "call_handling_da": 12, "evidence_gathering": 12, "children": 10,
         "victim_care": 10},
        "Training capacity: places each module offers a month (module code -> places); a "
        "module not listed has none [D]",
        "dict", item=Setting(None, kind="int", min=0, max=10000, unit="places")),
    "training_hours_per_month": _whole(
        "hours", 200, "Training capacity: hours of training the force can release staff for "
        "in a month, over every module [D]", max=100000),
    "training_plan_horizon_months": _whole(
        "months", 12, "The training plan schedules gaps over this many months from next "
        "month; the rest are reported beyond the plan [D]", max=60),
    "training_expiring_soon_days": days(
        90, "A module whose refresh falls due within this many days is a gap (expiring "
        "soon) [D]", min=0, max=730),
    "training_audit_lookback_days": days(
        365, "Training needs from audits completed within this many days [D]"),
    # assurance (issue 17 items 1-3): audits of calls and risk assessments
    "qa_calls_per_handler": _whole(
        "calls", 5, "Call audits: calls sampled per call handler per month (HMIC 2014 found "
        "no set number of calls to review; local practice) [D]", max=100),
    "qa_dash_per_officer": _whole(
        "assessments", 2, "DASH audits: assessments sampled per officer per month [D]",
        max=100),
    "qa_oversample_weights": Setting(
        {"repeat": 2.0, "high_risk": 3.0},
        "Sample weights: a repeat-victim or high-risk call is this many times as likely to "
        "be drawn as another (both: the product) [D]", "dict",
        keys={k: Setting(None, kind="float", min=1, max=100) for k in ("repeat", "high_risk")}),
    "qa_double_mark_share": Setting(
        0.1, "Share of each sample marked again, blind, by a second auditor (rounded up) "
        "[D]", "float", 0, 1),
    "qa_pass_mark": Setting(
        0.8, "An audit passes at this weighted share of 'yes' among yes/no answers [D]",
        "float", 0, 1),
    "qa_kappa_min_pairs": _whole(
        "pairs", 10, "Agreement (Cohen's kappa) reported per question from this many "
        "double-marked pairs [D]", min=2, max=1000),
    "qa_reaudit_extra": _whole(
        "calls", 1, "A member of staff who failed an audit gets this many extra calls in the "
        "next sample (re-audit) [D]", min=0, max=20),
    "qa_training_need_min_failures": _whole(
        "audits", 1, "A training need when a question naming a module is failed in at "
        "least this many audits in the period [D]", max=50),
}

# Older name for a default's record (its `.value` and `.basis` still read the same).
Default = Setting


class UnknownPolicy(KeyError):
    pass


# ---- Checking a value against its shape ------------------------------------------------


def _refuse(key: str, message: str):
    raise ValidationError(f"Policy {key}: {message}", code="invalid_policy")


def _check(key: str, shape: Setting, value) -> Any:
    """The value, normalised (a TOML time becomes "HH:MM"), or ValidationError naming the key
    and the bound it breaks."""
    if value is None or (shape.nullable and value == []):
        if shape.nullable:
            return value
        _refuse(key, "a value is required")
    if shape.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            _refuse(key, f"{value!r} is not a number ({shape.describe()})")
        if shape.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                _refuse(key, f"{value!r} is not a whole number ({shape.describe()})")
            value = int(value)
        unit = f" {shape.unit}" if shape.unit else ""
        if shape.min is not None and value < shape.min:
            _refuse(key, f"{value!r} is below the minimum {_fmt(shape.min)}{unit}")
        if shape.max is not None and value > shape.max:
            _refuse(key, f"{value!r} is above the maximum {_fmt(shape.max)}{unit}")
        return value
    if shape.kind == "time":
        if isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        if not isinstance(value, str) or not _TIME.match(value):
            _refuse(key, f"{value!r} is not a time of day written HH:MM (e.g. \"08:30\")")
        return value
    if shape.kind == "choice":
        if value not in shape.choices:
            _refuse(key, f"{value!r} is not one of {', '.join(shape.choices)}")
        return value
    if shape.kind in ("list", "band"):
        if not isinstance(value, list | tuple):
            _refuse(key, f"{value!r} is not a list ({shape.describe()})")
        items = [_check(f"{key}[{i}]", shape.item, v) for i, v in enumerate(value)]
        if shape.kind == "band":
            if len(items) != 2:
                _refuse(key, f"{value!r} is not a pair [low, high]")
            if items[0] > items[1]:
                _refuse(key, f"low {items[0]!r} is above high {items[1]!r}")
        return items
    if shape.kind == "dict":
        if not isinstance(value, dict):
            _refuse(key, f"{value!r} is not a table of keys and values ({shape.describe()})")
        checked = {}
        for name, inner in value.items():
            if not isinstance(name, str) or not name:
                _refuse(key, f"key {name!r} is not a name")
            if shape.keys is not None:
                if name not in shape.keys:
                    _refuse(key, f"unknown key {name!r}; its keys are "
                            + ", ".join(shape.keys))
                checked[name] = _check(f"{key}.{name}", shape.keys[name], inner)
            else:
                checked[name] = _check(f"{key}.{name}", shape.item, inner)
        return checked
    raise AssertionError(f"Setting {key} has an unknown kind {shape.kind!r}")


def check(key: str, value) -> Any:
    """Check one override before it is saved: the value normalised, or ValidationError."""
    if key not in DEFAULTS:
        raise ValidationError(
            f"No policy called {key!r}: the known policies are in docs/policy.md "
            "(haven/forces/policy.py DEFAULTS).", code="unknown_policy")
    return _check(key, DEFAULTS[key], value)


# ---- Resolving: one snapshot per force and day ------------------------------------------


def _day(at) -> dt.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, dt.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    return at


class PolicyValues(Mapping):
    """Every policy value for one force on one day (read-only).

    `values["repeat_window_days"]` or `values.repeat_window_days`; an unknown name raises
    UnknownPolicy. Lists and dicts are handed out as copies, so a caller cannot change the
    snapshot that other reads share."""

    def __init__(self, force_id: int | None, day: dt.date, values: dict[str, Any]):
        self.force_id, self.day, self._values = force_id, day, values

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            raise UnknownPolicy(
                f"No policy called {key!r}; add it to haven.forces.policy.DEFAULTS")
        value = self._values[key]
        return copy.deepcopy(value) if isinstance(value, dict | list) else value

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except UnknownPolicy as error:
            raise AttributeError(key) from error

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"<PolicyValues force={self.force_id} on {self.day}>"


def _resolve(force_id: int | None, day: dt.date) -> dict[str, Any]:
    """Defaults, then the alliance's rows, then the force's own, the latest row on or before
    `day` at each level; dict policies merge key by key. One query (none without a force)."""
    # Function-local: haven.forces.models imports this module (to check rows on save).
    from haven.forces.models import PolicySetting

    values = {key: copy.deepcopy(s.default) for key, s in DEFAULTS.items()}
    if force_id is None:
        return values
    rows = (PolicySetting.objects
            .filter(Q(force_id=force_id) | Q(force__isnull=True, alliance__force__id=force_id),
                    effective_from__lte=day)
            .order_by("effective_from", "id")
            .values_list("key", "value", "force_id"))
    shared: dict[str, Any] = {}
    own: dict[str, Any] = {}
    for key, value, row_force in rows:  # later rows replace earlier ones at each level
        (own if row_force is not None else shared)[key] = value
    for level in (shared, own):
        for key, value in level.items():
            if key not in DEFAULTS:
                continue  # a row for a policy since retired: ignored, as it always was
            if DEFAULTS[key].kind == "dict" and isinstance(value, dict) \
                    and isinstance(values[key], dict):
                values[key] = {**values[key], **value}
            else:
                values[key] = value
    return values


_snapshots: ContextVar[dict | None] = ContextVar("haven_policy_snapshots", default=None)


def policy_for(force, at: dt.date | dt.datetime | None = None) -> PolicyValues:
    """Every policy value for `force` (a Force, its id, or None for the defaults) on `at`.

    One query; inside a snapshot scope (each request, `policy_snapshot()` for jobs) none
    after the first for the same force and day."""
    force_id = getattr(force, "pk", force)
    day = _day(at)
    cache = _snapshots.get()
    if cache is not None and (force_id, day) in cache:
        return cache[(force_id, day)]
    found = PolicyValues(force_id, day, _resolve(force_id, day))
    if cache is not None:
        cache[(force_id, day)] = found
    return found


def policy(force, key: str, at: dt.date | dt.datetime | None = None) -> Any:
    """The value of `key` for `force` in force on `at` (today when omitted).

    Order: the force's own setting, then its alliance's, then the default (dicts key by
    key). A thin wrapper over `policy_for`, so it reads the current snapshot when one is open.
    """
    if key not in DEFAULTS:
        raise UnknownPolicy(f"No policy called {key!r}; add it to haven.forces.policy.DEFAULTS")
    return policy_for(force, at)[key]


@contextlib.contextmanager
def policy_snapshot():
    """Within this block each (force, day) is resolved once: for a request (the middleware)
    or a job (`with policy_snapshot(): ...`). Nested blocks share the outer snapshot."""
    if _snapshots.get() is not None:
        yield
        return
    token = _snapshots.set({})
    try:
        yield
    finally:
        _snapshots.reset(token)


def forget_snapshots() -> None:
    """Drop what the open snapshot holds (a policy row was saved inside it)."""
    cache = _snapshots.get()
    if cache is not None:
        cache.clear()


class PolicySnapshotMiddleware:
    """One policy snapshot per request, dropped when the response is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with policy_snapshot():
            return self.get_response(request)


# ---- Words for a window, for labels ("in the last 12 months") ----------------------------


def period_words(days_: int) -> str:
    """365 -> "12 months", 730 -> "2 years", 180 -> "180 days", 28 -> "4 weeks"."""
    days_ = int(days_)
    if days_ in (365, 366):
        return "12 months"
    if days_ % 365 == 0:
        return f"{days_ // 365} years"
    if days_ % 7 == 0 and days_ <= 70:
        weeks = days_ // 7
        return "1 week" if weeks == 1 else f"{weeks} weeks"
    return "1 day" if days_ == 1 else f"{days_} days"
