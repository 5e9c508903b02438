"""Turn the officer's and reviewers' posted forms into service inputs (no validation rules here:
the rules and services refuse bad input and name the field)."""

from __future__ import annotations

from haven.risk.models import Answer
from haven.risk.services import AssessmentInput

CHILD_ROWS = 3


def assessment_input(post, questions) -> AssessmentInput:
    answers = {}
    for question in questions:
        code = question.code
        answers[code] = (post.get(f"answer_{code}", ""),
                         post.get(f"source_{code}", Answer.Source.VICTIM),
                         post.get(f"comment_{code}", ""))
    children = [
        {"name": post.get(f"child_{n}_name", ""), "age": post.get(f"child_{n}_age", ""),
         "school": post.get(f"child_{n}_school", ""),
         "present": post.get(f"child_{n}_present") == "yes"}
        for n in range(1, CHILD_ROWS + 1)
    ]
    return AssessmentInput(
        answers=answers, grade=post.get("grade", ""), rationale=post.get("rationale", ""),
        method=post.get("method", ""), victim_response=post.get("victim_response", ""),
        response_reason=post.get("response_reason", ""), victim_view=post.get("victim_view", ""),
        other_information=post.get("other_information", ""),
        hba_concern=post.get("hba_concern") == "yes", children=children,
    )


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")
