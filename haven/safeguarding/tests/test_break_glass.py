"""Break-glass: a role without full need opens the full case for a while with a reason; the
access waits in the auditor's review queue until marked reviewed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.safeguarding import break_glass
from haven.safeguarding.models import BreakGlass
from haven.safeguarding.services import has_full_view

pytestmark = pytest.mark.django_db


def test_break_glass_needs_a_reason_and_opens_the_full_case_for_the_policy_minutes(
        make_case, persona, client_as):
    case = make_case()
    officer = persona("snt_officer")
    url = reverse("safeguarding:break_glass", args=[case.pk])
    client = client_as("snt_officer")
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why you need the full case" in refused.content.decode()
    assert not has_full_view(officer, case)
    client.post(url, {"reason": "Attending a call at the address now"})
    glass = BreakGlass.objects.get()
    assert glass.expires_at - glass.started_at == dt.timedelta(minutes=60)
    assert has_full_view(officer, case)
    page = client.get(reverse("safeguarding:detail", args=[case.pk])).content.decode()
    assert "You opened the full case with break-glass" in page and "moj-timeline" in page
    assert AccessLogEntry.objects.filter(record_type="safeguarding_break_glass",
                                         reason="Attending a call at the address now").exists()
    # after the time is up, the sanitised view again
    assert not has_full_view(officer, case, now=timezone.now() + dt.timedelta(minutes=61))


def test_the_auditor_reviews_break_glass_accesses_of_their_force(make_case, persona, client_as,
                                                                 make_person):
    case = make_case(person=make_person(forename="Bea", surname="Glass"))
    glass = break_glass.do_break_glass(case, reason="Attending a call at the address now",
                                       actor=persona("snt_officer"))
    auditor = client_as("auditor")
    queue = auditor.get(reverse("safeguarding:break_glass_queue")).content.decode()
    assert "Bea Glass" in queue and "Attending a call at the address now" in queue
    assert "opened the case of Bea Glass" in auditor.get("/").content.decode()
    assert client_as("auditor", "WMERC").post(
        reverse("safeguarding:break_glass_reviewed", args=[glass.pk]),
        {"version": glass.version}).status_code == 404
    client_as("auditor").post(reverse("safeguarding:break_glass_reviewed", args=[glass.pk]),
                 {"version": glass.version, "note": "Justified"})
    glass.refresh_from_db()
    assert glass.reviewed_by == persona("auditor") and glass.review_note == "Justified"
    assert list(break_glass.review_queue(persona("auditor"))) == []


def test_roles_with_need_do_not_break_glass_and_other_forces_cannot(make_case, client_as):
    case = make_case()
    url = reverse("safeguarding:break_glass", args=[case.pk])
    assert client_as("darm").get(url).status_code == 404
    assert client_as("snt_officer", "WMERC").post(
        url, {"reason": "Attending a call at the address now"}).status_code == 404
    assert BreakGlass.objects.count() == 0
