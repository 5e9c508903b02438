"""axe-core finds no violation on the learning room's pages (the analysis with an
audit-driven need, an adopted plan, a record with a form's errors, the import report,
reviews and lessons)."""

import datetime as dt

import pytest

from haven.learning import services
from haven.web.tests.test_browser_accessibility import AXE, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_axe_violations_on_the_learning_pages(page_as, staff, audit_finds):
    assert AXE.exists()
    audit_finds(staff["handler"], "stalking")
    trainer = staff["trainer"]
    review = services.do_record_review(trainer.force, kind="dhr", title="DHR: Adult E",
                                       published_on=dt.date.today(), summary="Synthetic.",
                                       actor=trainer)
    services.do_add_recommendation(review, text="Do X.", owner="Head of Y",
                                   due_on=dt.date.today(), actor=trainer)
    lesson = services.do_publish_lesson(trainer.force, review=review, title="Lesson E",
                                        text="Ask.", roles=["call_handler"], actor=trainer)
    services.do_adopt_plan(trainer.force, actor=trainer)
    found = {}
    for role in ("trainer", "senior_leader"):
        page = page_as(role, phone=True, for_axe=True)
        for path in ["/", "/learning/", "/learning/plan/",
                     f"/learning/staff/{staff['handler'].pk}/", "/learning/lessons/",
                     f"/learning/lessons/{lesson.pk}/", "/learning/reviews/",
                     f"/learning/reviews/{review.pk}/"]:
            page.goto(path)
            found[f"{role} {path}"] = violations(page)
    page = page_as("trainer", phone=True, for_axe=True)
    page.goto(f"/learning/staff/{staff['handler'].pk}/")
    page.get_by_role("button", name="Record completion").click()  # nothing chosen: errors
    found["completion with errors"] = violations(page)
    page.goto("/learning/import/")
    page.set_input_files("#file", files=[{
        "name": "lms.csv", "mimeType": "text/csv",
        "buffer": b"username,module_code,completed_on\r\ncall_handler.warks,dash,2026-01-15\r\n"
                  b"call_handler.warks,dash,never\r\n"}])
    page.get_by_role("button", name="Import").click()
    found["import report"] = violations(page)
    handler = page_as("call_handler", phone=True, for_axe=True)
    for path in ["/", f"/learning/lessons/{lesson.pk}/", "/learning/lessons/"]:
        handler.goto(path)
        found[f"call_handler {path}"] = violations(handler)
    assert {where: v for where, v in found.items() if v} == {}
