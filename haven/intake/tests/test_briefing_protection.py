"""From the officer's briefing to a protection notice with both people chosen: no person
number typed (issue 14; the flow a response officer follows at the scene)."""

import datetime as dt
import re

from haven.protection.models import Order


def test_the_briefing_offers_a_notice_with_the_suspect_and_victim_chosen(
        make_incident, make_person, client_as, persona):
    suspect = make_person(forename="Mark", surname="Holloway", date_of_birth=dt.date(1985, 9, 30))
    victim = make_person(forename="Dana", surname="Holloway", date_of_birth=dt.date(1988, 4, 12))
    incident = make_incident(state="attended", victim=victim, suspect=suspect)
    officer = client_as("response_officer")
    briefing = officer.get(f"/intake/{incident.pk}/briefing/").content.decode()
    link = re.search(r'href="(/protection/notice/new/\?[^"]+)"', briefing)
    assert link and "Consider a protection notice against Mark Holloway" in briefing
    form = officer.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert 'data-testid="chosen-people"' in form
    assert "Mark Holloway" in form and "Dana Holloway" in form
    assert 'id="id_subject"' not in form and 'type="hidden" name="subject"' in form  # no typing
    page = officer.post("/protection/notice/new/", {
        "subject": suspect.pk, "protected": victim.pk,
        "authoriser": persona("superintendent").pk, "grounds": "Threatened her with a knife",
        "conditions": "Not to molest"})
    assert page.status_code == 302
    order = Order.objects.get()
    assert (order.subject_id, order.protected_id) == (suspect.pk, victim.pk)


def test_roles_that_cannot_give_a_notice_are_not_offered_one(make_incident, client_as):
    incident = make_incident(state="attended")
    page = client_as("call_handler").get(f"/intake/{incident.pk}/briefing/").content.decode()
    assert "Consider a protection notice" not in page
