"""Questionnaires as versioned data: install Haven's short labels, load a force's licensed wording.

A loaded file must carry exactly the codes of the version it replaces: the wording may
change, the questions may not (that would be a new instrument, e.g. DARA). The new labels
become a NEW version; assessments already made keep the version they were asked with.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db.models import Q, prefetch_related_objects

from haven.access.log import Action, record_access, via
from haven.core.actions import action
from haven.risk.models import Question, QuestionnaireVersion

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILES = ["dash-2009-police.json", "stalking-screen-2009.json", "hba-screen.json"]
DASH = "dash-2009-police"
STALKING = "stalking-screen-2009"
HBA = "hba-screen"
# A screen's question that repeats one the DASH has just asked, by code (codes never change
# between wordings): asked once in a sitting, the DASH answer is recorded for both.
REPEATED = {STALKING: {"SD01": "PD02"}}  # "very frightened"


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be loaded; the message names what is wrong."""


def read_file(path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise QuestionnaireError(f"No such file: {path}") from exc
    except json.JSONDecodeError as exc:
        raise QuestionnaireError(f"{path} is not valid JSON: {exc}") from exc
    return validate(data)


def validate(data: dict) -> dict:
    if not isinstance(data, dict):
        raise QuestionnaireError("A questionnaire file is a JSON object")
    for key in ("instrument", "questions"):
        if not data.get(key):
            raise QuestionnaireError(f"The file has no {key!r}")
    seen = set()
    for index, question in enumerate(data["questions"], start=1):
        for key in ("code", "section", "order", "label"):
            if question.get(key) in (None, ""):
                raise QuestionnaireError(f"Question {index} has no {key!r}")
        if question["code"] in seen:
            raise QuestionnaireError(f"Code {question['code']} appears twice")
        seen.add(question["code"])
    return data


def _create(version_model, question_model, data: dict, *, force=None, loaded_by=None, base=None):
    last = version_model.objects.filter(instrument=data["instrument"]).order_by("-number").first()
    version = version_model.objects.create(
        instrument=data["instrument"],
        number=(last.number + 1) if last else 1,
        force=force,
        title=data.get("title") or (base.title if base else data["instrument"]),
        wording_source=data.get("wording_source", "")[:200],
        loaded_by=loaded_by,
    )
    indicators = {q.code: q.indicator for q in base.questions.all()} if base else {}
    question_model.objects.bulk_create(
        question_model(
            version=version,
            code=q["code"],
            section=q["section"][:80],
            order=int(q["order"]),
            label=q["label"][:300],
            indicator=q.get("indicator", indicators.get(q["code"], "")) or "",
        )
        for q in data["questions"]
    )
    return version


def install_defaults(version_model=None, question_model=None) -> list:
    """Install Haven's own versions that are missing (safe to run again). Used by a migration."""
    if version_model is None:  # a migration passes its historical models instead
        version_model, question_model = QuestionnaireVersion, Question
    made = []
    for name in DEFAULT_FILES:
        data = read_file(DATA_DIR / name)
        if not version_model.objects.filter(instrument=data["instrument"]).exists():
            made.append(_create(version_model, question_model, data))
    return made


def current_version(instrument: str, force=None):
    """The version a new assessment uses: the force's own latest, else Haven's latest."""
    versions = QuestionnaireVersion.objects.filter(instrument=instrument).order_by("-number")
    own = versions.filter(force=force).first() if force is not None else None
    return own or versions.filter(force__isnull=True).first()


def current_versions(instruments, force=None) -> dict:
    """`current_version` of each instrument (instrument -> version, or None), with its
    questions already read: two queries for a whole DASH sitting instead of three per
    instrument."""
    instruments = list(instruments)
    force_id = getattr(force, "pk", None)
    scope = Q(force__isnull=True) | (Q(force_id=force_id) if force_id is not None
                                     else Q(pk__in=[]))
    versions = list(QuestionnaireVersion.objects.filter(scope, instrument__in=instruments)
                    .order_by("-number", "-id"))
    found = {}
    for instrument in instruments:
        mine = [v for v in versions if v.instrument == instrument]
        own = next((v for v in mine if force_id is not None and v.force_id == force_id), None)
        found[instrument] = own or next((v for v in mine if v.force_id is None), None)
    prefetch_related_objects([v for v in found.values() if v is not None], "questions")
    return found


@action("questionnaire.load", record_type="questionnaire_version", system=True)
def do_load_wording(path, *, force=None, actor=None):
    """Load licensed wording as a new version. Refuses added, removed or renamed codes."""
    loaded_by = actor if getattr(actor, "pk", None) else None
    data = read_file(path)
    base = current_version(data["instrument"], force)
    if base is None:
        raise QuestionnaireError(
            f"Unknown instrument {data['instrument']!r}: Haven has no version of it to reword"
        )
    old_codes = set(base.questions.values_list("code", flat=True))
    new_codes = {q["code"] for q in data["questions"]}
    added, removed = sorted(new_codes - old_codes), sorted(old_codes - new_codes)
    if added or removed:
        parts = []
        if added:
            parts.append("adds " + ", ".join(added))
        if removed:
            parts.append("removes " + ", ".join(removed))
        raise QuestionnaireError(
            f"The file {' and '.join(parts)} compared with {base}. Loading wording may only "
            "change labels; the codes must stay the same."
        )
    version = _create(QuestionnaireVersion, Question, data, force=force, loaded_by=loaded_by,
                      base=base)
    record_access(actor, Action.ALTERATION, record_type="questionnaire_version",
                  record_id=version.pk, detail={"instrument": data["instrument"],
                                                "force": getattr(force, "code", None),
                                                **via(actor)})
    return version
