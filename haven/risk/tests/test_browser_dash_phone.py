"""The DASH on a phone (390×844), measured (issue 8 item 6): the officer's part takes no more
than the questions asked plus 6 other interactions. Prints the counts for docs/usability.md."""

import pytest

from haven.risk.models import Answer, Assessment
from haven.risk.tests.conftest import CODES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The draft holds everything on the page: saved, and no change since waiting to be saved.
SAVED = "form[data-haven-draft-saved]:not([data-haven-draft-pending])"


class Counted:
    """The officer's page, counting every interaction (click, fill, check, select)."""

    def __init__(self, page):
        self.page = page
        self.answers = 0
        self.other = 0

    def _count(self, answer: bool):
        if answer:
            self.answers += 1
        else:
            self.other += 1

    def check(self, selector, *, answer=False):
        self._count(answer)
        self.page.check(selector)

    def click(self, selector):
        self._count(False)
        self.page.click(selector)

    def fill(self, selector, value):
        self._count(False)
        self.page.fill(selector, value)

    def select_option(self, selector, value):
        self._count(False)
        self.page.select_option(selector, value)


def test_dash_on_a_phone_in_questions_plus_six(page_as, make_da_incident):
    incident = make_da_incident(state="attended")
    page = page_as("response_officer", phone=True)
    officer = Counted(page)

    officer.click(f"text=DASH needed for incident {incident.reference}")
    page.wait_for_selector("[data-testid=dash-form]")
    assert not page.is_visible("[data-screen=stalking]")
    for code in CODES:  # the officer answers each DASH question; PD08 (stalking) yes
        officer.check(f"#answer_{code}" if code == "PD08" else f"#answer_{code}-no", answer=True)
    # The stalking screen appears in the page, saying why; "very frightened" is not asked again.
    assert page.is_visible("[data-screen=stalking]")
    assert page.inner_text("[data-testid=screen-reason-stalking]") == \
        "Shown because PD08 was answered yes."
    assert page.locator("input[name=answer_SD01]").count() == 0
    # The running score stays in view at the top while the officer is at the bottom.
    box = page.locator("[data-testid=live-score]").bounding_box()
    assert 0 <= box["y"] < 200
    assert page.inner_text("[data-testid=live-score]") == "Score so far: 1 “yes” answers."
    screen_codes = [f"SD{n:02d}" for n in range(2, 12)]
    for code in screen_codes[:-1]:  # the officer misses the last one, and the grade
        officer.check(f"#answer_{code}-no", answer=True)
    officer.click("text=Complete assessment")
    # Every problem at once, each saying what to do.
    summary = page.inner_text("[data-testid=error-summary]")
    assert "Answer the stalking and harassment screen (1 questions left)" in summary
    assert "because PD08 was answered yes" in summary
    assert "Choose standard, medium or high" in summary
    assert page.is_checked("#answer_PD08") and page.is_checked("#answer_SD02-no")
    officer.check(f"#answer_{screen_codes[-1]}-no", answer=True)
    officer.check("#grade")  # standard
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    officer.click("text=Complete assessment")
    page.wait_for_selector("[data-testid=grade]")

    a = Assessment.objects.get()
    asked = 27 + len(screen_codes)
    assert (a.stalking_triggered, a.answers.count()) == (True, 27 + 11)
    assert Answer.objects.get(assessment=a, question__code="SD01").value == "no"
    total = officer.answers + officer.other
    print(f"\nDASH on a phone (390x844): {total} interactions for {asked} questions asked "
          f"({officer.answers} answers + {officer.other} other: open the DASH, submit, "
          f"grade, submit again after the error summary)")
    assert officer.answers == asked
    assert total <= asked + 6
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_a_dash_draft_brings_back_the_stalking_screen_answers(page_as, make_da_incident):
    """The server-side draft (data-haven-draft="dash") restores a screen's answers too: the
    screen is shown again because the restored PD08 answer calls for it."""
    incident = make_da_incident(state="attended")
    page = page_as("response_officer", phone=True)
    page.goto(f"/risk/new/?incident={incident.pk}")
    page.check("#answer_PD01-no")
    page.check("#answer_PD08")
    page.check("#answer_SD02")
    page.wait_for_selector(SAVED)
    page.reload()
    page.wait_for_selector("[data-testid=draft-restored]")
    assert page.is_checked("#answer_PD08") and page.is_checked("#answer_SD02")
    assert page.is_visible("[data-screen=stalking]")
    assert page.inner_text("[data-testid=live-score]") == "Score so far: 1 “yes” answers."
    assert page.console_errors == []


def test_the_hba_screen_appears_when_hba_is_indicated_and_says_why(page_as, make_da_incident):
    incident = make_da_incident(state="attended")
    page = page_as("response_officer", phone=True)
    page.goto(f"/risk/new/?incident={incident.pk}")
    assert not page.is_visible("[data-screen=hba]")
    page.check("#hba_concern")
    assert page.is_visible("[data-screen=hba]")
    assert page.inner_text("[data-testid=screen-reason-hba]") == \
        "Shown because honour-based abuse or forced marriage is indicated."
    page.check("#answer_PD15")  # control
    assert "PD15 was answered yes" in page.inner_text("[data-testid=screen-reason-hba]")
    page.uncheck("#hba_concern")
    page.check("#answer_PD15-no")
    assert not page.is_visible("[data-screen=hba]")
    assert page.console_errors == []
