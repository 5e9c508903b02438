"""The assurance pages: the auditor's index, an audit's form and result, the staff member's
feedback, trends with the CSV, agreement; the wrong role and the other force get 404."""

import pytest
from django.urls import reverse

from haven.access.teams import do_set_team
from haven.assurance import services
from haven.assurance.tests.conftest import yes_to_all

pytestmark = pytest.mark.django_db


def _first(sample, **filters):
    return sample.audits.filter(second_of__isnull=True, second_markings__isnull=True,
                                **filters).order_by("pk").first()


def test_the_auditor_completes_an_audit_from_the_form(client_as, sample):
    audit = _first(sample)
    client = client_as("auditor")
    page = client.get(reverse("assurance:audit", args=[audit.pk]))
    assert page.status_code == 200
    assert audit.subject_reference in page.content.decode()
    data = {f"q-{k}": v for k, v in yes_to_all(stalking=1).items()}
    answer = client.post(reverse("assurance:complete", args=[audit.pk]),
                         {**data, "version": audit.version, "feedback": "Ask about stalking",
                          "recording_reference": "REC-77"})
    assert answer.status_code == 302
    audit.refresh_from_db()
    assert audit.status == "completed" and audit.recording_reference == "REC-77"
    # The same form again (a second tab): refused, the audit unchanged.
    again = client.post(reverse("assurance:complete", args=[audit.pk]),
                        {**data, "version": audit.version - 1}, follow=True)
    assert "saved in another tab" in again.content.decode()


def test_a_missing_answer_is_shown_with_the_form(client_as, sample):
    audit = _first(sample)
    page = client_as("auditor").post(reverse("assurance:complete", args=[audit.pk]),
                                     {"version": audit.version, "q-grade": "yes"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text and 'href="#q-checklist-yes"' in text
    assert 'id="q-checklist-error"' in text and 'id="q-grade-error"' not in text
    assert 'value="yes" checked' in text  # the answer given is kept


def test_the_handler_reads_and_acknowledges_their_feedback(client_as, sample, handlers,
                                                            persona):
    audit = _first(sample, staff=handlers[0])
    services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(),
                               feedback="Clear and kind", actor=persona("auditor"))
    client = client_as("call_handler")
    home = client.get("/").content.decode()
    assert "Audit feedback to read" in home and audit.subject_reference in home
    page = client.get(reverse("assurance:feedback", args=[audit.pk]))
    assert "Clear and kind" in page.content.decode()
    client.post(reverse("assurance:acknowledge", args=[audit.pk]))
    audit.refresh_from_db()
    assert audit.acknowledged_at is not None


def test_feedback_is_only_for_the_member_of_staff_audited(client_as, sample, handlers,
                                                          persona):
    audit = _first(sample, staff=handlers[1])
    services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(),
                               actor=persona("auditor"))
    for role in ("call_handler", "occ_supervisor", "auditor"):
        client = client_as(role)
        assert client.get(reverse("assurance:feedback", args=[audit.pk])).status_code == 404
        assert client.post(reverse("assurance:acknowledge",
                                   args=[audit.pk])).status_code == 404


def test_trends_chart_table_and_csv(client_as, sample, persona):
    audit = _first(sample)
    services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(stalking=1),
                               actor=persona("auditor"))
    client = client_as("senior_leader")
    page = client.get(reverse("assurance:trends")).content.decode()
    assert 'data-testid="trend-table"' in page and "spec-trend" in page
    assert "<script>" not in page  # no inline script (CSP)
    csv_text = client.get(reverse("assurance:trends_csv") + "?by=question").content.decode()
    assert "Stalking and harassment questions asked" in csv_text


def test_the_csv_escapes_a_formula_looking_team(client_as, sample, persona, handlers):
    do_set_team(handlers[0].force, handlers[0].pk, "=HYPERLINK(\"x\")",
                actor=persona("occ_supervisor"))
    for audit in sample.audits.filter(staff=handlers[0], second_of__isnull=True):
        if audit.status == "open":
            services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(),
                                       actor=persona("auditor"))
    text = client_as("auditor").get(reverse("assurance:trends_csv") + "?by=team").content
    assert b"'=HYPERLINK" in text


def test_the_sample_page_redraws_from_the_seed(client_as, sample):
    page = client_as("auditor").get(reverse("assurance:sample", args=[sample.pk]) + "?check=1")
    assert "the same 8 picks" in page.content.decode()


def test_agreement_page(client_as, sample):
    page = client_as("trainer").get(reverse("assurance:agreement")).content.decode()
    assert "Not enough pairs" in page or "No completed pairs" in page


def test_the_auditor_draws_from_the_index(client_as, calls, month):
    client = client_as("auditor")
    assert "Draw the sample" in client.get(reverse("assurance:index")).content.decode()
    answer = client.post(reverse("assurance:draw"), {"month": month.strftime("%Y-%m"),
                                                     "kind": "call"})
    assert answer.status_code == 302
    assert "assurance/samples/" in answer["Location"]


@pytest.mark.parametrize("role", ["call_handler", "response_officer", "analyst", "idva",
                                  "hau"])
def test_the_wrong_role_gets_404(client_as, sample, role):
    audit = _first(sample)
    client = client_as(role)
    for url in (reverse("assurance:index"), reverse("assurance:trends"),
                reverse("assurance:trends_csv"), reverse("assurance:agreement"),
                reverse("assurance:sample", args=[sample.pk]),
                reverse("assurance:audit", args=[audit.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("assurance:draw")).status_code == 404
    assert client.post(reverse("assurance:complete", args=[audit.pk]),
                       {"version": audit.version}).status_code == 404


@pytest.mark.parametrize("role", ["auditor", "occ_supervisor", "senior_leader", "call_handler"])
def test_the_other_force_gets_404(client_as, sample, handlers, persona, role):
    audit = _first(sample, staff=handlers[0])
    services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(),
                               actor=persona("auditor"))
    client = client_as(role, "WMERC")
    for url in (reverse("assurance:sample", args=[sample.pk]),
                reverse("assurance:audit", args=[audit.pk]),
                reverse("assurance:feedback", args=[audit.pk])):
        assert client.get(url).status_code == 404, url
    for url in (reverse("assurance:complete", args=[audit.pk]),
                reverse("assurance:acknowledge", args=[audit.pk])):
        assert client.post(url, {"version": audit.version}).status_code == 404, url
    audit.refresh_from_db()
    assert audit.acknowledged_at is None
    if role in ("auditor", "occ_supervisor", "senior_leader"):
        page = client.get(reverse("assurance:trends")).content.decode()
        assert "No completed audits yet" in page  # their own force's figures only


def test_the_supervisor_sees_feedback_not_yet_acknowledged(client_as, sample, handlers,
                                                           persona):
    audit = _first(sample, staff=handlers[0])
    services.do_complete_audit(audit, version=audit.version, answers=yes_to_all(),
                               actor=persona("auditor"))
    home = client_as("occ_supervisor").get("/").content.decode()
    assert "Audit feedback not yet acknowledged" in home
    assert f"call_handler.warks: audit of {audit.subject_reference} not yet acknowledged" in home
    services.do_acknowledge_feedback(audit, actor=handlers[0])
    home = client_as("occ_supervisor").get("/").content.decode()
    assert f"audit of {audit.subject_reference} not yet acknowledged" not in home


def test_the_doors_give_ids_codes_and_flags_only(calls):
    from haven.intake.public import calls_for_audit

    rows = calls_for_audit(calls[0].force, ids=[calls[0].pk])
    assert set(rows[0]) == {"id", "reference", "opened_at", "handler_id", "category", "repeat",
                            "high_risk", "grade", "question_set", "checklist_complete"}
    assert rows[0]["repeat"] is True and rows[0]["handler_id"] == calls[0].created_by_id
