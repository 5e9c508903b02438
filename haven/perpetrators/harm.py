"""The crime-harm weight of each offence: days of custody at the sentencing starting point
(Cambridge Crime Harm Index style). Haven ships a default table for the offences of the
investigation room's list; a force replaces it with the published index by loading a CSV
(`haven perpetrators harm-table FILE.csv`, columns `offence,days[,source]`).

The defaults below are [D] approximations for a first offender at the lowest starting point
of the Sentencing Council guideline for the offence, with community orders and fines
converted to a few days; they are NOT the published Cambridge index and must be replaced
before the ranking is used operationally (docs/perpetrators.md).
"""

from __future__ import annotations

import csv
import io

DEFAULT_HARM_DAYS: dict[str, tuple[int, str]] = {
    "homicide": (5475, "Murder: 15-year minimum term starting point [D]"),
    "assault_intent_serious_harm": (1460, "s.18 wounding/GBH with intent: 4 years [D]"),
    "sexual_offence": (1825, "Rape, lowest category: 5 years [D]"),
    "non_fatal_strangulation": (182, "Non-fatal strangulation: about 6 months [D]"),
    "controlling_coercive_behaviour": (182, "Controlling or coercive behaviour: 6 months [D]"),
    "threats_to_kill": (182, "Threats to kill: 6 months [D]"),
    "stalking": (84, "Stalking (s.2A): 12 weeks [D]"),
    "breach_of_order": (84, "Breach of a protective or restraining order: 12 weeks [D]"),
    "assault_with_injury": (36, "ABH (s.47), lowest category: community order, 36 days [D]"),
    "harassment": (14, "Harassment (s.2): community order, 14 days [D]"),
    "common_assault": (9, "Common assault: community order, 9 days [D]"),
    "criminal_damage": (2, "Criminal damage under £5,000: fine, 2 days [D]"),
    "other": (1, "Any other offence: 1 day [D]"),
}


class HarmTableInvalid(ValueError):
    pass


def parse_harm_table(text: str, known: set[str]) -> list[tuple[str, int, str]]:
    """Rows (offence, days, source) of a CSV; every error at once, naming the line."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"offence", "days"} <= set(reader.fieldnames):
        raise HarmTableInvalid("The file needs a header with the columns offence,days[,source]")
    rows, errors = [], []
    for n, row in enumerate(reader, start=2):
        offence = (row.get("offence") or "").strip()
        if offence not in known:
            errors.append(f"line {n}: unknown offence {offence!r}")
            continue
        try:
            days = int((row.get("days") or "").strip())
        except ValueError:
            errors.append(f"line {n}: days must be a whole number")
            continue
        if not 0 <= days <= 36500:
            errors.append(f"line {n}: days must be between 0 and 36500")
            continue
        rows.append((offence, days, (row.get("source") or "").strip()[:200]))
    if errors:
        raise HarmTableInvalid("; ".join(errors))
    return rows
