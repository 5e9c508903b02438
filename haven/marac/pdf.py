"""Agenda and minutes as PDFs (WeasyPrint). Neither carries an address: the case list names
the victim, their date of birth and the perpetrator; minutes add what was shared, the risk
summary and the actions. A confidential (refuge) address of anyone on the list is checked
for in the text before the file is made, and the file is refused if it appears."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from haven.marac import services
from haven.people.addresses import confidential_places, line_key, postcode_key


class PdfRefused(ValueError):
    pass


def _contains_confidential(text: str, person_ids) -> bool:
    words = f" {line_key(text)} "
    compact = postcode_key(text)
    for places in confidential_places(person_ids).values():
        for place in places:
            if place.line and f" {place.line} " in words:
                return True
            if place.postcode and place.postcode in compact:
                return True
    return False


def _render(template: str, context: dict, person_ids) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a PDF is made, not at start-up

    html = render_to_string(template, context)
    if _contains_confidential(strip_tags(html), person_ids):
        raise PdfRefused("The document would contain a confidential address: not made.")
    return HTML(string=html).write_pdf()


def _person_ids(meeting) -> list[int]:
    ids = []
    for victim, perpetrator in meeting.cases.values_list("referral__victim_id",
                                                         "referral__perpetrator_id"):
        ids.extend(i for i in (victim, perpetrator) if i)
    return ids


def agenda_pdf(meeting) -> bytes:
    return _render("marac/agenda_pdf.html", {
        "meeting": meeting, "agenda": services.agenda(meeting),
        "overdue": list(services.overdue_actions(meeting)),
        "made_at": timezone.localtime()}, _person_ids(meeting))


def minutes_pdf(meeting) -> bytes:
    cases = list(meeting.cases.select_related("referral__victim", "referral__perpetrator")
                 .prefetch_related("actions__agency", "research__agency"))
    return _render("marac/minutes_pdf.html", {
        "meeting": meeting, "cases": cases, "agencies": list(meeting.agencies.all()),
        "overdue": list(services.overdue_actions(meeting)),
        "made_at": timezone.localtime()}, _person_ids(meeting))
