"""The protection room's rules as plain functions over plain values (policy passed in).

Sources: shared/reference/domain-rules.md §5 (DVPN/DVPO, DAPN/DAPO) and §6 (Clare's Law).
"""

from __future__ import annotations

import datetime as dt

from haven.access.roles import Role
from haven.core import calendar

CSA2010, DA2021 = "csa2010", "da2021"
NOTICE_OF_REGIME = {CSA2010: "dvpn", DA2021: "dapn"}
ORDER_OF_NOTICE = {"dvpn": "dvpo", "dapn": "dapo"}
REGIME_WORDS = {CSA2010: "DVPN/DVPO (Crime and Security Act 2010)",
                DA2021: "DAPN/DAPO (Domestic Abuse Act 2021)"}
# Ranks of the police roles that may authorise a notice, lowest first.
RANKS = [Role.SERGEANT, Role.INSPECTOR, Role.SUPERINTENDENT]
RANK_WORDS = {Role.SERGEANT: "a sergeant", Role.INSPECTOR: "an inspector",
              Role.SUPERINTENDENT: "a superintendent"}
MIN_AGE = 18  # CSA 2010 s.24(2); DA Act 2021 s.22(2) [V]
# Who a task for "the owner's supervisor" goes to.
SUPERVISOR_OF = {Role.RESPONSE_OFFICER: Role.SERGEANT, Role.SNT_OFFICER: Role.SERGEANT,
                 Role.DETECTIVE: Role.SERGEANT, Role.SERGEANT: Role.INSPECTOR,
                 Role.HAU: Role.SERGEANT, Role.DARM: Role.SERGEANT,
                 Role.INSPECTOR: Role.SUPERINTENDENT, Role.SUPERINTENDENT: Role.SUPERINTENDENT}


class Refused(ValueError):
    """A rule refused the change; `field` names the form field, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- the regime by force, area and date ---------------------------------------------------

def _dated(schedule: dict, day: dt.date):
    """The value of a {ISO date: value} schedule in force on `day` (None before the first)."""
    found, found_from = None, None
    for start, value in schedule.items():
        begins = dt.date.fromisoformat(start)
        if begins <= day and (found_from is None or begins > found_from):
            found, found_from = value, begins
    return found


def regime_on(day: dt.date, *, schedule: dict, areas: dict, area: str = "") -> str:
    """csa2010 or da2021 for a notice given on `day` in `area` (postcode district such as
    "BL9"): an area schedule (district, then its letters) overrides the force's."""
    area = (area or "").upper().replace(" ", "")
    letters = "".join(ch for ch in area if ch.isalpha())[:2]
    for key in (area, letters):
        if key and key in areas:
            found = _dated(areas[key], day)
            if found:
                return found
    return _dated(schedule, day) or CSA2010


# --- who may authorise -------------------------------------------------------------------

def rank_refusal(kind: str, role: str, min_rank: str) -> str | None:
    """None when `role` may authorise a notice of `kind`, else a message naming the rank."""
    if role in RANKS and RANKS.index(role) >= RANKS.index(min_rank):
        return None
    who = RANK_WORDS.get(role, f"a {Role(role).label.lower()}" if role in Role.values else role)
    return (f"A {kind.upper()} must be authorised by {RANK_WORDS[min_rank]} or above: "
            f"the authoriser named is {who}.")


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - (
        (day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_refusal(kind: str, date_of_birth: dt.date | None, day: dt.date) -> str | None:
    if date_of_birth is None:
        return (f"Record the subject's date of birth first: a {kind.upper()} can only be "
                f"given to someone aged {MIN_AGE} or over.")
    if age_on(date_of_birth, day) < MIN_AGE:
        return (f"The subject is {age_on(date_of_birth, day)}: a {kind.upper()} can only be "
                f"given to someone aged {MIN_AGE} or over. Consider safeguarding for a child "
                "instead.")
    return None


# --- the magistrates' hearing clock ---------------------------------------------------------

def disregarded(day: dt.date, overrides: dict | None = None) -> bool:
    """Sundays, Christmas Day, Good Friday and England & Wales bank holidays are disregarded
    (CSA 2010 s.27; DA Act 2021 s.29(3)); `overrides` (ISO date -> "holiday" /
    "working_day") adds a one-off bank holiday."""
    setting = (overrides or {}).get(day.isoformat())
    if setting == "holiday":
        return True
    if day.weekday() == 6 or (day.month, day.day) == (12, 25):
        return True
    if setting == "working_day":
        return False
    return calendar.is_bank_holiday(day)


def hearing_deadline(served_at: dt.datetime, hours: int, overrides: dict | None = None
                     ) -> dt.datetime:
    """When the DVPO/DAPO application must be heard: `hours` after the notice was served,
    counting only the time on days that are not disregarded (local time; aware in, aware
    out)."""
    from django.utils import timezone  # keeps the rules importable without settings

    local = timezone.localtime(served_at)
    tz = local.tzinfo
    remaining = dt.timedelta(hours=hours)
    cursor = local.replace(tzinfo=None)
    while True:
        midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time())
        if disregarded(cursor.date(), overrides):
            cursor = midnight
            continue
        left_today = midnight - cursor
        if remaining <= left_today:
            end = cursor + remaining
            return timezone.make_aware(end, timezone.get_default_timezone()) if tz else end
        remaining -= left_today
        cursor = midnight


# --- DVPO / DAPO duration ------------------------------------------------------------------

def order_last_day(made_on: dt.date, days: int, *, min_days: int, max_days: int) -> dt.date:
    """The last day of a DVPO lasting `days`, beginning with the day it is made."""
    if not min_days <= days <= max_days:
        raise Refused("days", f"A DVPO lasts between {min_days} and {max_days} days "
                              f"(beginning with the day it is made); {days} was given.")
    return made_on + dt.timedelta(days=days - 1)


STATUTORY_NOTIFICATION = ("Name (and any other names used) and home address, and any change "
                          "to them (Domestic Abuse Act 2021 s.41)")


def notification_last_day(made_on: dt.date, days: int) -> dt.date:
    """The last day for a DAPO's subject to notify the police: the period of `days` days
    beginning with the day the order is made (DA Act 2021 s.41(2): three days)."""
    return made_on + dt.timedelta(days=days - 1)


# --- breaches ------------------------------------------------------------------------------

BREACH_PROMPTS = {
    "dvpn": "Breach of a DVPN: arrest without warrant; the subject is brought before the "
            "magistrates (within 24 hours of arrest, or at the DVPO hearing). Not itself a "
            "criminal offence.",
    "dvpo": "Breach of a DVPO is contempt (a breach of a magistrates' order, Magistrates' "
            "Courts Act 1980 s.63(3)), not a criminal offence: arrest and put before the "
            "court. Record any other offence committed as a crime.",
    "dapn": "Breach of a DAPN: arrest without warrant and put before the magistrates; the "
            "DAPO application continues.",
    "dapo": "Breach of a DAPO is a criminal offence (up to 5 years' imprisonment): record a "
            "crime for the breach.",
    "restraining_order": "Breach of a restraining order is a criminal offence: record a "
                         "crime for the breach.",
    "non_molestation_order": "Breach of a non-molestation order is a criminal offence "
                             "(Family Law Act 1996 s.42A): record a crime for the breach.",
    "bail_conditions": "Breach of bail conditions: arrest (Bail Act 1976 s.7) and put before "
                       "the court; record any offence committed as a crime.",
}
CRIME_KINDS = {"dapo", "restraining_order", "non_molestation_order"}


def breach_prompt(kind: str) -> str:
    return BREACH_PROMPTS.get(kind, "Record the breach and any offence committed as a crime.")


# --- Clare's Law ---------------------------------------------------------------------------

DISCLOSURE_TESTS = {
    "lawful": "A lawful basis (common-law power to disclose)",
    "necessary": "A pressing need: disclosure is necessary to prevent crime or protect",
    "proportionate": "Proportionate to the risk",
    "hra_article_8": "Compatible with the Human Rights Act (article 8, private life)",
    "data_protection": "Compliant with data protection law",
    "rehabilitation": "Rehabilitation of Offenders Act considered (spent convictions)",
}


def dvds_days(received_on: dt.date, *, max_days: int, before: dict) -> int:
    """The clock for an application received on `received_on`: the earliest `before` date
    it precedes gives its days (35 before 2023), otherwise `max_days`."""
    for start in sorted(before):
        if received_on < dt.date.fromisoformat(start):
            return before[start]
    return max_days


def decision_refusal(decision: str, tests: dict) -> tuple[str, str] | None:
    """To disclose, every legal test must be met; a decision not to disclose needs a
    rationale only. Returns (field, message) or None."""
    if decision == "disclose":
        unmet = [label for key, label in DISCLOSURE_TESTS.items() if not tests.get(key)]
        if unmet:
            return ("tests", "To disclose, every test must be met. Not met: "
                    + "; ".join(unmet) + ".")
    return None
