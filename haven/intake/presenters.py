"""What the log and briefing pages show, assembled from the models (no writes here)."""

from __future__ import annotations

from haven.access.capabilities import can
from haven.intake import history, rules
from haven.intake.grading import response_due_at
from haven.intake.models import Incident, QuestionWording

MARKER_LABELS = {
    "repeat_victim": "Repeat victim",
    "high_risk": "High risk (DASH, last 12 months)",
    "marac": "MARAC in the last 12 months",
    "live_order": "Live order or bail conditions",
    "weapons_marker": "Weapons or firearms marker",
    "open_case": "Open case",
}

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
    summaries = history.history_summaries([i.person for i in involvements])
    for involvement in involvements:
        summary = summaries[involvement.person_id]
        rows.append({
            "involvement": involvement, "person": involvement.person, "history": summary,
            "markers": [MARKER_LABELS[m] for m in history.markers_from_history(summary)
                        if m in MARKER_LABELS],
        })
    return rows


def warnings(incident: Incident) -> list[str]:
    progress = incident.progress
    found = [MARKER_LABELS[m] for m in progress.risk_markers if m in MARKER_LABELS]
    found += [rules.SERIOUS_LABELS[r] for r in progress.serious_reasons]
    if progress.counter_allegation:
        found.append("Counter-allegation: establish who is the primary victim")
    return found


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
        "can_supervise": can(user, "incident.supervise"),
        "thrive": rules.THRIVE,
        "on_arrival": ON_ARRIVAL,
        "states": [(s, s.replace("_", " ").capitalize()) for s in rules.STATES],
    }
