"""The audit forms as data (haven/assurance/data/forms.json): each question's code, own short
label, help, the training module it addresses and its weight in the score. An audit records
the version it used, so a later version never changes an old audit's score."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).resolve().parent / "data" / "forms.json"
CURRENT = {"call": "call-2026-1", "dash": "dash-2026-1"}
MODULES = ("dash", "coercive_control", "stalking", "honour_based_abuse", "call_handling_da",
           "evidence_gathering", "children", "victim_care")


@dataclass(frozen=True)
class Question:
    code: str
    label: str
    help: str
    module: str
    weight: float


@dataclass(frozen=True)
class Form:
    version: str
    kind: str
    title: str
    questions: tuple[Question, ...]

    def weights(self) -> dict[str, float]:
        return {q.code: q.weight for q in self.questions}

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)


@cache
def forms() -> dict[str, Form]:
    raw = json.loads(FILE.read_text())
    out = {}
    for version, body in raw.items():
        if version.startswith("_"):
            continue
        out[version] = Form(version, body["kind"], body["title"], tuple(
            Question(q["code"], q["label"], q.get("help", ""), q.get("module", ""),
                     float(q.get("weight", 1))) for q in body["questions"]))
    return out


def form(version: str) -> Form:
    return forms()[version]


def current(kind: str) -> Form:
    return forms()[CURRENT[kind]]
