"""The call screen's people panel: who is on the log so far, who might this caller be, and
the address's history. Shared by the page and its htmx partial; writes the access-log entry
naming every person it shows (ids only), in the same transaction as the read.
"""

from __future__ import annotations

from django.db import transaction
from django.http import QueryDict

from haven.access.log import Action, Outcome, record_access, record_list_access
from haven.core.api import DB_INT_MAX
from haven.intake import forms, history, presenters
from haven.intake.creation import details_errors
from haven.intake.models import Involvement

LOOKUP_KEYS = ("forename", "surname", "date_of_birth", "phone", "postcode")


def _new_rows(data, *, add_new: bool) -> tuple[list[dict], dict | None, bool]:
    """(new people rows, error, added?) — adding what is typed in the "who" fields."""
    rows = forms.new_people(data)
    if not add_new:
        return rows, None, False
    pending = forms.pending_new_person(data)
    if pending is None:
        return rows, {"field": "new_role", "message": "Type what the caller says about them "
                      "(a name, date of birth or phone) and choose their role on this log."}, False
    problems = details_errors(pending["details"])
    if problems:
        return rows, {"field": next(iter(problems)), "message": next(iter(problems.values()))
                      }, False
    pending["index"] = max([r["index"] for r in rows], default=-1) + 1
    return [*rows, pending], None, True


def _people_keys(data) -> bool:
    return any(key.startswith(("role_", "new_")) and key not in ("new_role", "new_at_address")
               for key in data)


def with_saved_people(data):
    """The form's values, plus the people on the log from `people_state` when the form itself
    names nobody (a server-side draft restored into a fresh page carries only that field)."""
    state = (data.get("people_state") or "").strip()
    if not state or _people_keys(data):
        return data
    merged = data.copy() if hasattr(data, "copy") else dict(data)
    for key, value in QueryDict(state).items():
        if key.startswith(("role_", "new_")):
            merged[key] = value
    return merged


def people_state(rows, new_rows) -> str:
    """The people on the log as one query string (kept in a draft; see `with_saved_people`)."""
    state = QueryDict(mutable=True)
    for row in rows:
        state[f"role_{row['person'].pk}"] = row["role"]
    for row in new_rows:
        state[f"new_{row['index']}_role"] = row["role"]
        for name, value in row["details"].items():
            if value:
                state[f"new_{row['index']}_{name}"] = value
        if row["at_address"]:
            state[f"new_{row['index']}_at_address"] = "yes"
    return state.urlencode()


def people_panel(user, data, *, add_new: bool = False, picked: bool = False) -> dict:
    """Context for `intake/_history.html` from the call form's current values."""
    data = with_saved_people(data)
    new_rows, add_error, added = _new_rows(data, add_new=add_new)
    cleared = added or picked
    values = {name: ("" if cleared and name in forms.WHO_FIELDS else
                     (data.get(name) or "").strip()) for name in LOOKUP_KEYS}
    chosen = dict(forms.chosen_people(data))
    with transaction.atomic():
        candidates, error = [], add_error
        if any(values[name] for name in forms.WHO_FIELDS):
            try:
                candidates = history.find_candidates(user, **values)
            except ValueError as exc:  # the people room's LookupCriteriaError names the field
                error = {"field": getattr(exc, "field", ""), "message": str(exc)}
        on_log = history.persons_in_scope(user, chosen) if chosen else []
        out_of_scope = sorted(set(chosen) - {p.pk for p in on_log})
        if out_of_scope:
            # Picked by id but missing or not the user's to see: shown as nothing, logged as
            # refused like any other forbidden read (ADR 0002).
            record_refused_people(user, out_of_scope)
        earlier = _earlier_suspects(user, {p.pk: chosen[p.pk] for p in on_log}, set(chosen))
        summaries = history.history_summaries(on_log + earlier)
        shown = [p.pk for p in on_log + earlier] + [
            c.person.pk for c in candidates
            if c.person.pk not in chosen and c.person.pk not in {p.pk for p in earlier}]
        record_list_access(user, record_type="call_screen",
                           reason="call screen: people on the log and possible matches",
                           shown={pk: [] for pk in shown})
    force = user.force
    rows = [{"person": p, "role": chosen[p.pk], "history": summaries[p.pk],
             "flags": presenters.person_flags(summaries[p.pk],
                                              with_this_call=chosen[p.pk] == "victim",
                                              force=p.force_id)}
            for p in on_log]
    earlier_ids = {p.pk for p in earlier}
    matches = [{"candidate": c, "person": c.person, "history": c.history,
                "band": presenters.match_band(force, c.score, getattr(c, "band", "")),
                "evidence": presenters.evidence(c.explanation),
                "flags": presenters.person_flags(c.history, force=c.person.force_id)}
               for c in candidates if c.person.pk not in chosen and c.person.pk not in earlier_ids]
    suspects = [{"person": p, "history": summaries[p.pk],
                 "flags": presenters.person_flags(summaries[p.pk], with_this_call=False,
                                                  force=p.force_id)}
                for p in earlier]
    address = history.address_history(force, address_line=data.get("address_line", ""),
                                      postcode=values["postcode"]) if values["postcode"] else None
    return {
        "on_log": rows, "new_rows": new_rows, "matches": matches, "earlier_suspects": suspects,
        "people_state": people_state(rows, new_rows),
        "searched": any(values[name] for name in forms.WHO_FIELDS), "partial_error": error,
        "address_history": address, "roles": forms.PERSON_ROLES,
        # Where the match bands come from (the force's trained model or the default
        # weights), so a handler knows how far to trust a "Very likely".
        "scored_with": sorted({m["candidate"].scored_with for m in matches} - {""}),
        "new_roles": forms.PERSON_ROLES[1:], "cleared": cleared,
        "who": {name: values.get(name, "") if not cleared else "" for name in forms.WHO_FIELDS},
        "new_role": "" if cleared else data.get("new_role", ""),
        "new_at_address": "" if cleared else data.get("new_at_address", ""),
    }


def record_refused_people(user, person_ids) -> None:
    for person_id in person_ids[:20]:
        record_access(user, Action.CONSULTATION, record_type="call_screen",
                      person_id=person_id if person_id <= DB_INT_MAX else None,
                      outcome=Outcome.REFUSED, reason="call screen: person picked by id")


def _earlier_suspects(user, chosen: dict, exclude: set) -> list:
    """Suspects on earlier logs of the victim(s) named so far: in a repeat call it is often
    the same person, so they are offered without typing (in the user's scope only)."""
    victims = [pk for pk, role in chosen.items() if role == Involvement.Role.VICTIM]
    if not victims:
        return []
    ids = set(Involvement.objects.filter(
        role=Involvement.Role.SUSPECT, incident__force_id=user.force_id,
        incident__involvements__person_id__in=victims,
        incident__involvements__role=Involvement.Role.VICTIM,
    ).exclude(person_id__in=list(exclude)).values_list("person_id", flat=True)[:20])
    return history.persons_in_scope(user, ids) if ids else []
