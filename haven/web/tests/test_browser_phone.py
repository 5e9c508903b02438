"""Haven on a phone (390×844), as a new user finds it from the demo: the menu folds away,
wide tables scroll inside themselves instead of pushing the page sideways, and a log reads
in words (answers and people), not in codes and usernames."""

import pytest

from haven.intake.models import Incident
from haven.web.demo import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-password-1"
PHONE = {"width": 390, "height": 844}


def sign_in(browser, live_server, role):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.goto("/account/login/")
    page.fill("#id_username", f"{role}.warks")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_on_a_phone_the_menu_folds_and_no_list_pushes_the_page_sideways(browser, live_server):
    seed(people_per_force=8, password=PASSWORD)
    page = sign_in(browser, live_server, "hau")

    # The menu is one "Menu" button, not nine links filling the first screen.
    nav_link = page.locator("nav >> text=HAU queue")
    assert not nav_link.is_visible()
    page.get_by_role("button", name="Menu").click()
    nav_link.click()
    page.wait_for_url("**/risk/hau/")

    for path in ("/", "/intake/", "/risk/", "/risk/hau/", "/risk/measures/", "/tasks/"):
        page.goto(path)
        assert page_width(page) <= PHONE["width"], path
        for table in page.locator("main .govuk-table").all():
            wide = table.evaluate("t => t.scrollWidth > t.clientWidth + 1")
            # A table too wide for the screen scrolls by itself and the keyboard can reach it.
            assert not wide or table.get_attribute("tabindex") == "0", path
    assert page.console_errors == []


def test_a_log_reads_in_words_not_codes_or_usernames(browser, live_server):
    seed(people_per_force=8, password=PASSWORD)
    incident = Incident.objects.filter(gradings__isnull=False,
                                       progress__checklist__isnull=False).first()
    incident.progress.checklist = {**incident.progress.checklist,
                                   "injury": {"answer": "not_known", "not_asked": ""}}
    incident.progress.save()
    grader = incident.gradings.first().graded_by
    page = sign_in(browser, live_server, "sergeant")
    page.goto(f"/intake/{incident.pk}/")

    answers = page.inner_text("[data-testid=checklist-answers]")
    assert "Not known" in answers and "not known" not in answers
    assert "\nno\n" not in f"\n{answers}\n" and "\nyes\n" not in f"\n{answers}\n"
    assert grader.get_full_name() and grader.get_full_name() in page.inner_text("main")
    assert grader.get_username() not in page.inner_text("main")
    assert page_width(page) <= PHONE["width"]


def test_a_restored_draft_can_be_discarded_to_start_again(page_as, persona, forces,
                                                          make_person):
    from django.utils import timezone

    from haven.tasks.services import do_create_task
    from haven.web.models import Draft

    task = do_create_task(forces["WARKS"], kind="hau_review", title="Review assessment 9",
                       owner_role="hau", due_at=timezone.now(), source_room="risk",
                       source_type="assessment", source_id=9, person=make_person())
    path = f"/tasks/{task.pk}/"
    Draft.objects.create(user=persona("hau"), key="task-outcome", path=path,
                         fields={"note": ["Notes from an earlier, different call"]})
    page = page_as("hau", phone=True)
    page.goto(path)
    page.wait_for_selector("[data-testid=draft-restored]")
    assert page.input_value("#note") == "Notes from an earlier, different call"

    page.click("[data-testid=discard-draft]")
    page.wait_for_selector("[data-testid=draft-restored]", state="detached")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#note") == ""
    assert not Draft.objects.exists()
    assert page.console_errors == []
