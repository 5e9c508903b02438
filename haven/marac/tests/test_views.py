"""Every page: the roles that use it see it; a wrong role, another force and another agency
get 404 (the same as a missing record)."""

import datetime as dt

import pytest
from django.urls import reverse

from haven.marac import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(listed, persona):
    meeting, case = listed
    action = services.do_add_action(case, agency=None, owner="PC Lane", description="Alarm",
                                    due_on=dt.date(2027, 1, 1),
                                    actor=persona("marac_coordinator"))
    return {
        "index": (reverse("marac:index"), ["marac_coordinator", "inspector"]),
        "governance": (reverse("marac:governance"), ["marac_coordinator", "superintendent"]),
        "dataset": (reverse("marac:measures_csv"), ["marac_coordinator", "analyst"]),
        "area_new": (reverse("marac:area_new"), ["marac_coordinator"]),
        "referral_new": (reverse("marac:referral_new"), ["marac_coordinator", "hau", "idva"]),
        "referral": (reverse("marac:referral", args=[case.referral_id]),
                     ["marac_coordinator", "hau", "idva"]),
        "meeting_new": (reverse("marac:meeting_new"), ["marac_coordinator"]),
        "meeting": (reverse("marac:meeting", args=[meeting.pk]),
                    ["marac_coordinator", "inspector", "idva", "childrens_services"]),
        "agenda": (reverse("marac:agenda_pdf", args=[meeting.pk]),
                   ["marac_coordinator", "idva", "childrens_services"]),
        "minutes": (reverse("marac:minutes_pdf", args=[meeting.pk]), ["marac_coordinator"]),
        "case": (reverse("marac:case", args=[case.pk]),
                 ["marac_coordinator", "inspector", "idva", "childrens_services"]),
    }, action


NAMES = ["index", "governance", "dataset", "area_new", "referral_new", "referral",
         "meeting_new", "meeting", "agenda", "minutes", "case"]


@pytest.mark.parametrize("name", NAMES)
def test_each_page_opens_for_its_roles(pages, client, persona, name):
    url, roles = pages[0][name]
    for role in roles:
        client.force_login(persona(role))
        assert client.get(url).status_code == 200, (name, role)


RECORDS = ["referral", "meeting", "agenda", "minutes", "case"]
FORCE_PAGES = ["index", "governance", "dataset", "area_new", "referral_new", "meeting_new"]


@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_role_gets_404(pages, client, persona, name):
    url, _roles = pages[0][name]
    for role in ("call_handler", "response_officer", "auditor"):
        client.force_login(persona(role))
        assert client.get(url).status_code == 404, (name, role)


@pytest.mark.parametrize("name", RECORDS)
def test_another_forces_users_get_404_for_a_record(pages, client, persona, name):
    url, _roles = pages[0][name]
    for role in ("marac_coordinator", "inspector", "idva", "childrens_services"):
        client.force_login(persona(role, "WMERC"))
        assert client.get(url).status_code == 404, (name, role)


@pytest.mark.parametrize("name", FORCE_PAGES)
def test_another_forces_coordinator_sees_only_their_own_force(pages, client, persona, name):
    url, _roles = pages[0][name]
    client.force_login(persona("marac_coordinator", "WMERC"))
    page = client.get(url).content.decode()
    assert "Vera Stone" not in page and "Warwick" not in page
    for role in ("idva", "childrens_services"):  # partners have no force-wide pages
        client.force_login(persona(role, "WMERC"))
        if name != "referral_new":
            assert client.get(url).status_code == 404, (name, role)


def test_another_agency_gets_404_for_a_case_and_meeting_it_is_not_invited_to(
        persona, client, area, refer):
    from django.utils import timezone

    from haven.forces.models import Agency
    coordinator = persona("marac_coordinator")
    where = area(name="Rugby")
    meeting = services.do_schedule_meeting(
        where, held_at=timezone.now() + dt.timedelta(days=3),
        agencies=Agency.objects.filter(force=where.force, kind="idva"), actor=coordinator)
    case = services.do_list_case(meeting, refer(where=where), actor=coordinator)
    services.do_send_list(meeting, actor=coordinator)
    client.force_login(persona("childrens_services"))
    for url in (reverse("marac:case", args=[case.pk]), reverse("marac:meeting",
                                                               args=[meeting.pk]),
                reverse("marac:agenda_pdf", args=[meeting.pk]),
                reverse("marac:referral", args=[case.referral_id])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"do": "research", "text": "x"}).status_code == 404
    client.force_login(persona("idva"))
    assert client.get(reverse("marac:case", args=[case.pk])).status_code == 200


def test_a_partner_posts_research_and_cannot_see_another_agencys(pages, client, persona,
                                                                listed):
    _meeting, case = listed
    url = reverse("marac:case", args=[case.pk])
    client.force_login(persona("childrens_services"))
    client.post(url, {"do": "research", "text": "Child protection plan since June"})
    client.force_login(persona("idva"))
    client.post(url, {"do": "research", "text": "IDVA engaged, safety plan in place"})
    page = client.get(url).content.decode()
    assert "IDVA engaged" in page and "Child protection plan" not in page
    assert "Chair&#x27;s risk summary" not in page and "Chair's risk summary" not in page
    client.force_login(persona("marac_coordinator"))
    page = client.get(url).content.decode()
    assert "IDVA engaged" in page and "Child protection plan" in page


def test_a_partner_cannot_complete_another_agencys_action(pages, client, persona, listed):
    _meeting, case = listed
    _urls, action = pages
    client.force_login(persona("idva"))
    response = client.post(reverse("marac:case", args=[case.pk]),
                           {"do": "done", "action": action.pk})
    assert response.status_code == 404  # a police action: not the IDVA's
    action.refresh_from_db()
    assert action.done_at is None


def test_home_pages_list_the_work(pages, client, persona):
    client.force_login(persona("marac_coordinator"))
    home = client.get("/").content.decode()
    assert "MARAC meetings" in home and "Warwick MARAC" in home
    client.force_login(persona("idva"))
    home = client.get("/").content.decode()
    assert "MARAC cases to research" in home and "Vera Stone" in home
    client.force_login(persona("idva", "WMERC"))
    assert "Vera Stone" not in client.get("/").content.decode()


def test_a_named_chair_sees_their_areas_meetings_and_others_do_not(listed, persona, client,
                                                                  area):
    meeting, _case = listed
    client.force_login(persona("inspector"))
    assert "Warwick MARAC on" in client.get("/").content.decode()
    area(chair=persona("superintendent"))  # Warwick now has a named chair
    assert "Warwick MARAC on" not in client.get("/").content.decode()
    client.force_login(persona("superintendent"))
    assert "Warwick MARAC on" in client.get("/").content.decode()
