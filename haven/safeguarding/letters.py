"""Letters to the victim and to the perpetrator, signposting support services.

Wording is data: `LetterTemplate` rows, Haven's defaults (shipped in
`templates/safeguarding/partners/letters/default.toml`, installed on first use) or a force's
own (`haven letters load FILE --force CODE`), the newest active one winning. A template is
plain text with `{{ placeholders }}`; a perpetrator template may use only
`PERPETRATOR_FIELDS`, none of which says anything about the victim.

Rules every letter obeys (checked in `postal_address` and `render_pdf`):

- it goes to the recipient's current address as the people room holds it; when that address
  is confidential (a refuge) there is no letter to that address, and the screen says so;
- the victim's "do not write to the home address" preference stops the letter;
- the rendered text is checked against the confidential places of the recipient and of the
  victim: a letter that would contain one is refused (never stored, never sent);
- each letter is stored with its PDF, who sent it, when, and the PDF's SHA-256. The HAU may
  suppress a letter instead, with a professional-judgement reason.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from haven.access.capabilities import can
from haven.access.log import Action, Outcome, record_access, via
from haven.chronology.services import Sensitivity, record_entry
from haven.core.actions import action
from haven.core.api import db_int
from haven.intake.services import scoped_incidents
from haven.people.access import scoped_persons, visible_addresses
from haven.people.addresses import confidential_places, line_key, postcode_key
from haven.safeguarding.models_partners import Letter, LetterTemplate
from haven.safeguarding.referrals import person_of
from haven.safeguarding.services import contact_preferences_for

RECORD_TYPE = "letter"
SOURCE_ROOM = "safeguarding"
VICTIM, PERPETRATOR = LetterTemplate.Kind.VICTIM, LetterTemplate.Kind.PERPETRATOR
DEFAULTS_FILE = (Path(__file__).parent / "templates" / "safeguarding" / "partners" / "letters"
                 / "default.toml")
# What a template may name. The perpetrator's letter gets nothing about the victim or the
# incident: only their own name, the date, the force and the letter's own reference.
PERPETRATOR_FIELDS = frozenset({"recipient_name", "date", "force_name", "reference"})
VICTIM_FIELDS = PERPETRATOR_FIELDS
FIELDS = {VICTIM: VICTIM_FIELDS, PERPETRATOR: PERPETRATOR_FIELDS}
_PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")


class LetterRefused(ValueError):
    """No letter can go (no safe address, a preference, no reason given); `field` names the
    input at fault, or "address" when it is the address."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class TemplateError(ValueError):
    """A letter template file that cannot be loaded; the message names what is wrong."""


# Templates -------------------------------------------------------------------------------

def check_template(kind: str, title: str, body: str) -> None:
    if kind not in FIELDS:
        raise TemplateError(f"Unknown letter kind {kind!r}: use victim or perpetrator")
    if not title.strip() or not body.strip():
        raise TemplateError(f"The {kind} letter needs a title and a body")
    unknown = sorted(set(_PLACEHOLDER.findall(title + body)) - FIELDS[kind])
    if unknown:
        raise TemplateError(f"The {kind} letter names {', '.join(unknown)}: it may use only "
                            + ", ".join(sorted(FIELDS[kind])))


@action("letter.load_templates", record_type="letter_template", system=True)
def do_load_letter_templates(path, *, force=None, actor=None) -> list[LetterTemplate]:
    """Load `[[letter]]` tables (kind, title, body) from a TOML file as new versions for the
    force (or Haven's defaults when force is None). All or nothing; logged (the `haven`
    command runs it as the system)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"Cannot read {path.name}: {exc}") from exc
    letters = data.get("letter")
    if not isinstance(letters, list) or not letters:
        raise TemplateError(f"{path.name} has no [[letter]] tables")
    for item in letters:
        check_template(str(item.get("kind", "")), str(item.get("title", "")),
                       str(item.get("body", "")))
    made = []
    with transaction.atomic():
        for item in letters:
            kind = item["kind"]
            last = LetterTemplate.objects.filter(force=force, kind=kind).aggregate(
                n=Max("number"))["n"] or 0
            LetterTemplate.objects.filter(force=force, kind=kind).update(active=False)
            made.append(LetterTemplate.objects.create(
                force=force, kind=kind, title=item["title"].strip(), body=item["body"].strip(),
                number=last + 1, source=path.name[:200]))
        record_access(actor, Action.ALTERATION, record_type="letter_template",
                      record_id=",".join(str(t.pk) for t in made)[:64],
                      detail={"force": force.code if force else "default", **via(actor)})
    return made


def ensure_default_templates() -> None:
    if not LetterTemplate.objects.filter(force__isnull=True).exists():
        do_load_letter_templates(DEFAULTS_FILE, actor=None)


def template_for(force, kind: str) -> LetterTemplate:
    """The force's newest active template of this kind, else Haven's default."""
    ensure_default_templates()
    chosen = (LetterTemplate.objects.filter(force=force, kind=kind, active=True)
              .order_by("-number").first())
    return chosen or (LetterTemplate.objects.filter(force__isnull=True, kind=kind, active=True)
                      .order_by("-number").first())


def fill(text: str, values: dict) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)


# Addresses -------------------------------------------------------------------------------

@dataclass
class Postal:
    lines: list[str]


def postal_address(user, person, *, recipient: str, case) -> Postal:
    """Where a letter to this person may go, or LetterRefused saying why there is none."""
    rows = visible_addresses(user, person)
    if not rows:
        raise LetterRefused("address", f"No address is known for {person.display_name}: no "
                                       "letter can be posted.")
    current = rows[0]
    if current["confidential"]:
        raise LetterRefused("address", f"{person.display_name}'s current address is "
                                       "confidential: no letter is sent to that address.")
    if recipient == VICTIM:
        prefs = contact_preferences_for(case.force_id, case.person_id)
        if prefs is not None and prefs.no_letters_home:
            raise LetterRefused("address", f"{person.display_name} asked not to be written to "
                                           "at the home address: no letter is posted.")
    lines = [person.display_name, current["line"], current["town"], current["postcode"]]
    return Postal([line for line in lines if line])


def _contains_confidential(text: str, person_ids) -> bool:
    """Whether the text holds any confidential place of these persons (however spelt)."""
    words = line_key(text)
    squashed = postcode_key(text)
    for places in confidential_places(person_ids).values():
        for p in places:
            if (p.postcode and p.postcode in squashed) or (p.line and p.line in words):
                return True
    return False


# Reads -----------------------------------------------------------------------------------

def letters_of_case(case) -> QuerySet[Letter]:
    return Letter.objects.filter(case=case).select_related("by", "template")


def access_letter(user, letter_id) -> Letter:
    """A stored letter for someone who may send letters in its force; else 404, logged."""
    pk = db_int(letter_id)
    letter = None
    if pk is not None and can(user, "letter.send") and user.force_id:
        letter = Letter.objects.filter(pk=pk, force_id=user.force_id).first()
    record_access(user, Action.CONSULTATION, record_type=RECORD_TYPE,
                  record_id=str(letter_id)[:64], person_id=letter.person_id if letter else None,
                  outcome=Outcome.ALLOWED if letter else Outcome.REFUSED)
    if letter is None:
        raise Http404("Not found")
    return letter


def perpetrators_of(user, case) -> list:
    """The persons recorded as suspects on incidents where the case's victim was the victim
    (read through the intake room's scoped incidents)."""
    incidents = (scoped_incidents(user).filter(involvements__person_id=case.person_id,
                                               involvements__role="victim")
                 .distinct().order_by("-opened_at")[:50])
    ids = []
    for incident in incidents:
        for pid in incident.involvements.filter(role="suspect").values_list("person_id",
                                                                           flat=True):
            if pid not in ids and pid != case.person_id:
                ids.append(pid)
    found = {p.pk: p for p in scoped_persons(user).filter(pk__in=ids)}
    return [found[pid] for pid in ids if pid in found]


# Rendering -------------------------------------------------------------------------------

def render_pdf(template: LetterTemplate, *, recipient_name: str, postal: Postal, force,
               reference: str, check_ids) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a letter is made, not at start-up

    values = {"recipient_name": recipient_name, "date": timezone.localdate().strftime("%-d %B %Y"),
              "force_name": force.name, "reference": reference}
    title = fill(template.title, values)
    paragraphs = [fill(p, values).strip() for p in re.split(r"\n\s*\n", template.body)]
    html = render_to_string("safeguarding/partners/letter_pdf.html", {
        "address": postal.lines, "title": title, "paragraphs": [p for p in paragraphs if p],
        "force": force, "date": values["date"], "reference": reference})
    text = " ".join([*postal.lines, title, *paragraphs])
    if _contains_confidential(text, check_ids):
        raise LetterRefused("address", "The letter would contain a confidential address: "
                                       "it was not made.")
    return HTML(string=html).write_pdf()


# Changes ---------------------------------------------------------------------------------

def _recipient(actor, case, recipient: str, person_id):
    if recipient == VICTIM:
        person = person_of(actor, case.person_id)
    elif recipient == PERPETRATOR:
        pk = db_int(person_id)
        person = next((p for p in perpetrators_of(actor, case) if p.pk == pk), None)
    else:
        person = None
    if person is None:
        raise Http404("Not found")
    return person


def _own_case(actor, case) -> None:
    if case.force_id != actor.force_id:
        raise Http404("Not found")


@action("letter.send", record_type=RECORD_TYPE)
def do_send_letter(case, *, recipient: str, person_id=None, actor) -> Letter:
    """Make the PDF from the force's template, store it with its hash, and log it."""
    _own_case(actor, case)
    person = _recipient(actor, case, recipient, person_id)
    postal = postal_address(actor, person, recipient=recipient, case=case)
    template = template_for(case.force, recipient)
    now = timezone.now()
    letter = Letter.objects.create(case=case, force_id=case.force_id, recipient=recipient,
                                   person_id=person.pk, status=Letter.Status.SENT,
                                   template=template, at=now, by=actor)
    reference = f"{case.force.code}-L{letter.pk}"
    pdf = render_pdf(template, recipient_name=person.display_name, postal=postal,
                     force=case.force, reference=reference,
                     check_ids={person.pk, case.person_id})
    letter.pdf = pdf
    letter.sha256 = hashlib.sha256(pdf).hexdigest()
    letter.save(update_fields=["pdf", "sha256"])
    record_access(actor, Action.DISCLOSURE, record_type=RECORD_TYPE, record_id=letter.pk,
                  person_id=person.pk,
                  detail={"case": case.pk, "recipient": recipient, "sha256": letter.sha256,
                          "template": template.pk})
    summary = ("Letter sent signposting support services for victims" if recipient == VICTIM
               else "Letter sent signposting support services for people who harm")
    record_entry(person, occurred_at=now, kind="letter_sent", source_room=SOURCE_ROOM,
                 source_type=RECORD_TYPE, source_id=letter.pk, summary=summary,
                 sensitivity=Sensitivity.RESTRICTED, actor=actor)
    return letter


@action("letter.send", record_type=RECORD_TYPE)
def do_suppress_letter(case, *, recipient: str, person_id=None, reason: str,
                       actor) -> Letter:
    """Do not send the letter, on professional judgement (e.g. the perpetrator would learn
    the victim went to the police). The reason is kept and logged."""
    _own_case(actor, case)
    person = _recipient(actor, case, recipient, person_id)
    reason = (reason or "").strip()
    if not reason:
        raise LetterRefused("reason", "Give the professional-judgement reason for not sending "
                                      "the letter")
    now = timezone.now()
    letter = Letter.objects.create(case=case, force_id=case.force_id, recipient=recipient,
                                   person_id=person.pk, status=Letter.Status.SUPPRESSED,
                                   reason=reason[:2000], at=now, by=actor)
    record_access(actor, Action.ALTERATION, record_type=RECORD_TYPE, record_id=letter.pk,
                  person_id=person.pk, reason=reason[:500],
                  detail={"case": case.pk, "recipient": recipient, "suppressed": True})
    # On the victim's chronology (the decision is about their safety), never the
    # perpetrator's: theirs would tell a reader there is a victim to protect.
    victim = person if recipient == VICTIM else person_of(actor, case.person_id)
    record_entry(victim, occurred_at=now, kind="letter_suppressed", source_room=SOURCE_ROOM,
                 source_type=RECORD_TYPE, source_id=letter.pk,
                 summary=f"Letter to the {'victim' if recipient == VICTIM else 'perpetrator'} "
                         f"not sent (professional judgement)",
                 sensitivity=Sensitivity.CONFIDENTIAL, actor=actor)
    return letter


def letter_panel(user, case) -> list[dict]:
    """For the letters page: one row per possible recipient with its latest letter and, when
    no letter can be posted, why (said on screen)."""
    rows = []
    letters = list(letters_of_case(case))
    people = []
    victim = person_of(user, case.person_id)
    if victim is not None:
        people.append((VICTIM, victim))
    people += [(PERPETRATOR, p) for p in perpetrators_of(user, case)]
    for recipient, person in people:
        blocked = ""
        try:
            postal_address(user, person, recipient=recipient, case=case)
        except LetterRefused as exc:
            blocked = str(exc)
        rows.append({
            "recipient": recipient,
            "recipient_label": "Victim" if recipient == VICTIM else "Perpetrator",
            "person": person,
            "blocked": blocked,
            "letters": [x for x in letters if x.person_id == person.pk
                        and x.recipient == recipient],
        })
    return rows
