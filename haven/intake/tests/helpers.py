"""A complete DA checklist for tests (answers are Haven's own codes)."""

from haven.intake import rules


def full_checklist(**overrides) -> dict:
    answers = {}
    for question in rules.questions("domestic"):
        options = question.get("options", [])
        value = "Outside the house" if question["kind"] == "text" else next(
            o for o in ("no_children", "none", "no") if o in options)
        answers[question["code"]] = {"answer": value}
    for code, value in overrides.items():
        answers[code] = value if isinstance(value, dict) else {"answer": value}
    return answers


THRIVE = {part: "noted" for part in rules.THRIVE}
