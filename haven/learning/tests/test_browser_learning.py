"""Learning in a real browser at phone size (issue 17 items 4-5, "Done when"). Nobody types
an id.

1. A call handler failed the stalking questions in call audits. The trainer, from the home
   page, finds the need among "Training needs found by audits", opens the analysis, sees it
   first in the proposed plan, adopts the plan and sees it in the plan's progress. The audit
   finding is registered by replacing `haven.assurance.public.training_needs` for the test
   (the `audit_finds` fixture), so the flow does not depend on how audits are recorded.
2. A lesson is published to call handlers; the call handler finds "Lessons to read" on the
   home page, reads it and confirms; the trainer and the senior leader then see the
   completion by team on the lesson page.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from haven.learning import services
from haven.learning.models import Acknowledgement, PlanItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_trainer_finds_the_audit_driven_need_in_the_plan(page_as, staff, audit_finds):
    audit_finds(staff["handler"], "stalking")
    trainer = page_as("trainer", phone=True)
    expect(trainer.get_by_text("Training needs found by audits")).to_be_visible()
    need = trainer.get_by_role("link", name="call_handler.warks: Stalking and harassment")
    expect(need).to_be_visible()
    trainer.get_by_role("link", name="Training needs analysis and plan").click()
    plan = trainer.get_by_test_id("plan")
    expect(plan.locator("tr").nth(1)).to_contain_text("Stalking and harassment")
    expect(plan.locator("tr").nth(1)).to_contain_text("Found by audit")
    expect(plan.locator("tr").nth(1)).to_contain_text("Failed the stalking questions")
    expect(trainer.get_by_test_id("by-role")).to_contain_text("Call handler")
    trainer.get_by_role("button", name="Adopt this plan").click()
    expect(trainer.get_by_test_id("plan-summary")).to_contain_text("0 of")
    expect(trainer.get_by_test_id("plan-items")).to_contain_text("Failed the stalking "
                                                                 "questions")
    assert PlanItem.objects.filter(user=staff["handler"], module__code="stalking",
                                   kind="audit").exists()
    assert trainer.console_errors == []


def test_a_member_of_staff_acknowledges_a_lesson_and_leaders_see_completion_by_team(
        page_as, staff):
    trainer_user = staff["trainer"]
    review = services.do_record_review(
        trainer_user.force, kind="dhr", title="Domestic homicide review: Adult D",
        published_on=dt.date.today(), summary="Synthetic.", actor=trainer_user)
    services.do_publish_lesson(
        trainer_user.force, review=review, title="Stalking hides in minor calls",
        text="Ask the stalking questions at every call.", roles=["call_handler"],
        actor=trainer_user)

    handler = page_as("call_handler", phone=True)
    expect(handler.get_by_text("Lessons to read")).to_be_visible()
    handler.get_by_role("link", name="Read: Stalking hides in minor calls").click()
    expect(handler.get_by_test_id("lesson-text")).to_contain_text("Ask the stalking questions")
    handler.get_by_role("button", name="I have read and understood this lesson").click()
    expect(handler.get_by_text("you have confirmed you have read this lesson")).to_be_visible()
    expect(handler.get_by_role("link", name="Read: Stalking hides in minor calls")).to_have_count(0)
    assert Acknowledgement.objects.filter(user=staff["handler"]).count() == 1

    for role in ("trainer", "senior_leader"):
        leader = page_as(role, phone=True)
        leader.get_by_role("link", name="Stalking hides in minor calls").click()
        completion = leader.get_by_test_id("completion")
        expect(completion).to_contain_text("Contact centre")
        row = completion.locator("tr", has_text="Contact centre")
        expect(row).to_contain_text("1")
        expect(row).to_contain_text("50%")  # one of the two call handlers
        assert leader.console_errors == []
    assert handler.console_errors == []



def test_with_the_real_audits_of_the_demo_the_trainer_sees_the_stalking_need(
        browser, live_server):
    """The same flow on the demo world, with the assurance room's own audits (its demo
    audits a call handler who did not ask the stalking questions): nothing replaced."""
    from haven.assurance import public as assurance
    from haven.web import demo

    context, _ = demo.seed(people_per_force=6, password="demo password")
    force = context.forces[0]
    handler = context.users[(force.code, "call_handler")]
    needs = [n for n in assurance.training_needs(force)
             if n.user_id == handler.pk and n.module_code == "stalking"]
    assert needs, "the assurance demo audits the call handler's stalking questions"
    trainer = context.users[(force.code, "trainer")]
    page = browser.new_context(viewport={"width": 390, "height": 844},
                               base_url=live_server.url).new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/account/login/")
    page.fill("#id_username", trainer.username)
    page.fill("#id_password", "demo password")
    page.click("button[type=submit]")
    name = handler.get_full_name()
    expect(page.get_by_role("link", name=f"{name}: Stalking and harassment")).to_be_visible()
    page.get_by_role("link", name="Training needs analysis and plan").click()
    row = page.get_by_test_id("plan").locator("tr", has_text=name).filter(
        has_text="Stalking and harassment")
    expect(row).to_contain_text("Found by audit")
    expect(row).to_contain_text("Stalking and harassment questions asked")
    page.context.close()
    assert errors == []
