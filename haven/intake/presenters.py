"""What the log and briefing pages show, assembled from the models (no writes here)."""

from __future__ import annotations

from haven.access.capabilities import can
from haven.forces.policy import period_words, policy_for
from haven.intake import history, rules, services
from haven.intake.grading import response_due_at
from haven.intake.models import Incident, QuestionWording

# Labels whose window is the force's policy: {} is filled from `marker_labels(force, at)`.
WINDOWED_LABELS = {
    "repeat_victim": ("Repeat victim (last {})", "repeat_window_days"),
    "high_risk": ("High risk (DASH, last {})", "history_lookback_days"),
    "marac": ("MARAC in the last {}", "marac_lookback_days"),
}
MARKER_LABELS = {
    "live_order": "Live order or bail conditions",
    "weapons_marker": "Weapons or firearms marker",
    "open_case": "Open DA crime investigation (legacy record)",
}



def marker_labels(force, at=None) -> dict[str, str]:
    """Every marker's label, with the windows of `force`'s policy on `at` ("last 12 months")."""
    values = policy_for(force, at)
    return {**MARKER_LABELS, **{code: text.format(period_words(values[key]))
                                for code, (text, key) in WINDOWED_LABELS.items()}}


ROLE_ORDER = ["victim", "child", "suspect", "caller", "witness", "other"]

ON_ARRIVAL = [
    "Speak to the victim alone, away from the suspect and any family members.",
    "Take positive action: arrest where the grounds exist; record why if you do not.",
    "Secure evidence: body-worn video, photographs of injuries and the scene, "
    "first account, witnesses, 999 recording.",
    "Check every child at the address is seen, safe and recorded.",
    "Complete the DASH risk assessment with the victim before you leave.",
]


def wording_for(incident: Incident) -> dict:
    question_set = incident.progress.question_set or rules.question_set_for(incident.category)
    return dict(QuestionWording.objects.filter(force=incident.force, question_set=question_set)
                .values_list("code", "wording"))


def checklist_rows(incident: Incident) -> list[dict]:
    progress = incident.progress
    question_set = progress.question_set or rules.question_set_for(incident.category)
    wording = wording_for(incident)
    rows = []
    for question in rules.questions(question_set):
        item = progress.checklist.get(question["code"]) or {}
        rows.append({"code": question["code"],
                     "label": wording.get(question["code"], question["label"]),
                     "answer": item.get("answer", "").replace("_", " "),
                     "not_asked": item.get("not_asked", "")})
    return rows


def people_rows(incident: Incident) -> list[dict]:
    rows = []
    involvements = sorted(incident.involvements.select_related("person"),
                          key=lambda i: (ROLE_ORDER.index(i.role)
                                         if i.role in ROLE_ORDER else len(ROLE_ORDER), i.pk))
    # Their history apart from this log (so a first call shows no earlier incidents), now.
    summaries = history.history_summaries([i.person for i in involvements], excluding=incident)
    labels = marker_labels(incident.force_id)
    recognised = history.recognised_from(involvements)
    for involvement in involvements:
        summary = summaries[involvement.person_id]
        if (involvement.role == "victim" and incident.domestic_abuse
                and summary["recent_victim_incident"]):
            # This log plus an earlier one within the window: the one repeat rule.
            summary = {**summary, "repeat_victim": True}
        rows.append({
            "involvement": involvement, "person": involvement.person, "history": summary,
            "markers": [labels[m] for m in history.markers_from_history(summary)
                        if m in labels],
            "recognised_from": recognised.get(involvement.pk, []),
        })
    return rows


def warnings(incident: Incident) -> list[str]:
    progress = incident.progress
    labels = marker_labels(incident.force_id, at=incident.opened_at)
    found = [labels[m] for m in progress.risk_markers if m in labels]
    found += [rules.SERIOUS_LABELS[r] for r in progress.serious_reasons]
    if progress.counter_allegation:
        found.append("Counter-allegation: establish who is the primary victim")
    return found


def thrive_draft(incident: Incident) -> dict[str, str]:
    """A first draft of each THRIVE part from what the call recorded (the handler checks and
    edits it): the checklist's answers and the log's markers, in Haven's own words."""
    progress = incident.progress
    checklist = progress.checklist or {}

    def said(code):
        item = checklist.get(code) or {}
        value = item.get("answer") or (f"not asked ({item['not_asked']})"
                                       if item.get("not_asked") else "")
        return str(value).replace("_", " ") or "not recorded"

    if not checklist:
        return {}
    labels = marker_labels(incident.force_id, at=incident.opened_at)
    markers = ", ".join(labels[m].lower() for m in progress.risk_markers
                        if m in labels) or "no history flags"
    serious = ", ".join(rules.SERIOUS_LABELS[r].lower() for r in progress.serious_reasons)
    return {
        "threat": f"Weapons {said('weapons')}; threats to kill {said('threats_to_kill')}; "
                  f"strangulation {said('strangulation')}",
        "harm": f"Injury {said('injury')}; medical help {said('medical_help')}",
        "risk": f"History: {markers}" + (f"; serious: {serious}" if serious else ""),
        "investigation": f"Suspect location: {said('suspect_location')}; order breached "
                         f"{said('order_breached')}",
        "vulnerability": f"Children present {said('children_present')}; children safe "
                         f"{said('children_safe')}",
        "engagement": f"Caller {said('caller_identity')}, at {said('caller_location')}",
    }


def incident_context(user, incident: Incident) -> dict:
    progress = incident.progress
    step = rules.next_step(incident.state, domestic_abuse=incident.domestic_abuse)
    address = history.address_history(incident.force, address_line=incident.address_line,
                                       postcode=incident.postcode, excluding=incident,
                                       at=incident.opened_at)
    return {
        "incident": incident,
        "progress": progress,
        "warnings": warnings(incident),
        "people": people_rows(incident),
        "address_history": address,
        "checklist": checklist_rows(incident),
        "question_set_label": rules.question_set_label(
            progress.question_set or rules.question_set_for(incident.category)),
        "gradings": list(incident.gradings.select_related("graded_by")),
        "state_changes": list(incident.state_changes.select_related("by")),
        "timings": [(rules.TIMING_LABELS[k], v) for k, v in rules.timings(
            incident.opened_at, progress.dispatched_at, progress.attended_at,
            progress.risk_assessed_at, progress.endorsed_at).items()],
        "response_due": response_due_at(incident, progress.grade) if progress.grade else None,
        "next_step": step[0] if step else None,
        "can_step": bool(step) and can(user, step[1]) and step[0] != rules.RISK_ASSESSED,
        "can_grade": (can(user, "incident.grade") or can(user, "incident.supervise"))
        and incident.state != rules.CLOSED,
        "can_brief": can(user, "briefing.view"),
        # The person's page is a way on from the log (opening it is logged there).
        "can_view_people": can(user, "person.view"),
        "can_supervise": can(user, "incident.supervise"),
        "can_edit_people": can(user, "incident.create") and incident.state != rules.CLOSED,
        "officers": (services.dispatchable_officers(incident.force)
                     if step and step[0] == rules.DISPATCHED and can(user, step[1]) else []),
        "can_start_dash": incident.state == rules.ATTENDED and incident.domestic_abuse
        and can(user, "risk.complete"),
        "victim_missing": incident.domestic_abuse and not incident.involvements.filter(
            role="victim").exists(),
        "thrive": rules.THRIVE,
        # The first grading starts from a draft of THRIVE (checked and edited by the handler);
        # a re-grade starts from the last grading's THRIVE.
        "grade_data": {f"thrive_{part}": text for part, text in (
            thrive_draft(incident) if not progress.grade
            else (incident.gradings.last().thrive if incident.gradings.exists() else {})
        ).items()},
        "thrive_drafted": not progress.grade,
        "on_arrival": ON_ARRIVAL,
        "states": [(s, s.replace("_", " ").capitalize()) for s in rules.STATES],
    }


# ---- The call screen's people panel -------------------------------------------------------

BANDS = [("very_likely", "Very likely the same person", "govuk-tag--green"),
         ("possible", "Possibly the same person", "govuk-tag--yellow"),
         ("unlikely", "Unlikely to be the same person", "govuk-tag--grey")]
FIELD_WORDS = {"forename": "first name", "surname": "last name", "date_of_birth": "date of birth",
               "gender": "gender", "postcode": "postcode", "phone": "phone", "email": "email",
               "pnc_id": "PNC id"}


def match_band(force, score: float, band: str = "") -> dict:
    """A calibrated band for a candidate, thresholds from policy `lookup_match_bands` (the
    handler sees what the score means, not "match 20%"). `band`: the one the people room's
    lookup worked out, when it gives one ("very likely", "possible", "unlikely")."""
    code = band.replace(" ", "_") if band else ""
    if code not in {c for c, *_ in BANDS}:
        limits = policy_for(force)["lookup_match_bands"]
        if score >= limits["very_likely"]:
            code = "very_likely"
        elif score >= limits["possible"]:
            code = "possible"
        else:
            code = "unlikely"
    label, css = next((label, css) for c, label, css in BANDS if c == code)
    return {"code": code, "label": label, "css": css}


def evidence(explanation: list[dict]) -> dict:
    """What agrees and what differs, in words: {"agrees": [...], "differs": [...]}."""
    agrees, differs = [], []
    for item in explanation:
        word = FIELD_WORDS.get(item["field"], item["field"].replace("_", " "))
        if item["level"] == "different":
            differs.append(word)
        elif item["weight"] > 0:
            level = "" if item["level"] in ("exact", "full postcode", "same PNC id") \
                else f" ({item['level']})"
            agrees.append(word + level)
        else:
            differs.append(f"{word} ({item['level']})")
    return {"agrees": agrees, "differs": differs}


def person_flags(summary: dict, *, with_this_call: bool = True, force=None) -> list[str]:
    """Short warnings for one person on the call screen, from their history; the windows in
    the labels are `force`'s (the person's force: a Force or its id)."""
    summary = dict(summary)
    if with_this_call and summary.get("recent_victim_incident"):
        summary["repeat_victim"] = True
    labels = marker_labels(force)
    return [labels[m] for m in history.markers_from_history(summary) if m in labels]
