"""The sanitised case: the fact of risk for roles without full need, never a DASH answer, the
narrative or a confidential (refuge) address; pages and API answers read as rendered text."""

import json

import pytest
from django.urls import reverse

from haven.risk.review import do_review_hau
from haven.safeguarding import cases
from haven.safeguarding.models import Case
from haven.safeguarding.tests.conftest import SECRET_WORDS, dash_answers

pytestmark = pytest.mark.django_db

REFUGE = ("1 Test Street", "CV34 4AA", "CV34")  # make_person's address, made confidential


@pytest.fixture
def refuge_case(make_person, make_da_incident, complete_dash, persona):
    """A high-risk case for a victim in a refuge, whose DASH holds her own words."""
    victim = make_person(forename="Rita", surname="Refuge", confidential_address=True)
    incident = make_da_incident(victim=victim)
    answers = dash_answers(15)
    answers["PD01"] = ("yes", "victim", SECRET_WORDS)
    a = complete_dash(yes=15, grade="high", incident=incident, answers=answers,
                      victim_view=SECRET_WORDS, other_information=SECRET_WORDS)
    do_review_hau(a, version=a.version, grade="high", response_matched=True,
                  actor=persona("hau"))
    case = Case.objects.get(person_id=victim.pk)
    darm = persona("darm")
    cases.do_set_markers(case, version=case.version, markers=["Do not visit unannounced"],
                         actor=darm)
    case.refresh_from_db()
    cases.do_save_contact_preferences(case, version=None, safe_number="07700 900123",
                                      safe_times="Weekdays 10 to 2", no_messages=True,
                                      actor=darm)
    return case


def _clean(text: str) -> None:
    assert SECRET_WORDS not in text
    for part in REFUGE:
        assert part not in text, part
    assert "Sanctuary" not in text


def test_the_neighbourhood_officer_sees_the_fact_of_risk_and_nothing_else(refuge_case,
                                                                          client_as):
    page = client_as("snt_officer").get(reverse("safeguarding:detail", args=[refuge_case.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Rita Refuge" in text and "High risk" in text
    assert "Do not visit unannounced" in text
    assert "Safe number: 07700 900123" in text and "Do not leave messages" in text
    assert "You see the sanitised case" in text
    assert "moj-timeline" not in text and "Harm reduction plan</h2>" not in text
    _clean(text)


@pytest.mark.parametrize("role", ["snt_officer", "response_officer", "sergeant",
                                  "call_handler", "auditor"])
def test_every_role_without_need_gets_only_the_sanitised_page(refuge_case, client_as, role):
    text = client_as(role).get(reverse("safeguarding:detail",
                                       args=[refuge_case.pk])).content.decode()
    assert "You see the sanitised case" in text
    _clean(text)


def test_the_full_case_still_withholds_the_refuge_address(refuge_case, client_as):
    text = client_as("darm").get(reverse("safeguarding:detail",
                                         args=[refuge_case.pk])).content.decode()
    assert "Withheld: confidential address" in text and "moj-timeline" in text
    _clean(text)


def test_the_api_answers_are_sanitised_for_roles_without_need(refuge_case, client_as):
    api = client_as("snt_officer")
    one = api.get(f"/api/v1/safeguarding/cases/{refuge_case.pk}/")
    many = api.get("/api/v1/safeguarding/cases/")
    assert one.status_code == 200 and many.status_code == 200
    data = one.json()
    assert data["view"] == "sanitised" and data["grade"] == "high"
    assert data["markers"] == ["Do not visit unannounced"] and data["plan_exists"] is False
    assert "plan" not in data and "risk_history" not in data and "area" not in data
    _clean(json.dumps(data))
    _clean(many.content.decode())
    assert [c["name"] for c in many.json()] == ["Rita Refuge"]


def test_the_full_api_answer_withholds_the_refuge_area(refuge_case, client_as):
    data = client_as("darm").get(f"/api/v1/safeguarding/cases/{refuge_case.pk}/").json()
    assert data["view"] == "full" and data["area"] is None and data["area_withheld"] is True
    _clean(json.dumps(data, default=str))


def test_lists_and_home_pages_show_no_refuge_area(refuge_case, client_as):
    for role in ("snt_officer", "hau", "darm"):
        client = client_as(role)
        _clean(client.get(reverse("safeguarding:list")).content.decode())
        _clean(client.get("/").content.decode())


VIEWS = [("safeguarding:detail", "get"), ("safeguarding:close", "get"),
         ("safeguarding:regrade", "get"), ("safeguarding:allocate", "get"),
         ("safeguarding:plan_add", "get"), ("safeguarding:contact", "get"),
         ("safeguarding:markers", "get"), ("safeguarding:share", "get"),
         ("safeguarding:break_glass", "get")]


@pytest.mark.parametrize("name,method", VIEWS)
def test_every_case_view_is_404_for_the_other_force_and_a_partner(refuge_case, client_as,
                                                                  name, method):
    url = reverse(name, args=[refuge_case.pk])
    for role, force in (("darm", "WMERC"), ("hau", "WMERC"), ("snt_officer", "WMERC"),
                        ("idva", "WARKS"), ("analyst", "WARKS")):
        assert getattr(client_as(role, force), method)(url).status_code == 404, (role, force)


@pytest.mark.parametrize("name,role", [
    ("safeguarding:close", "snt_officer"), ("safeguarding:regrade", "sergeant"),
    ("safeguarding:allocate", "snt_officer"), ("safeguarding:plan_add", "response_officer"),
    ("safeguarding:contact", "auditor"), ("safeguarding:markers", "snt_officer"),
    ("safeguarding:share", "detective"), ("safeguarding:break_glass", "darm")])
def test_a_role_without_the_capability_gets_404(refuge_case, client_as, name, role):
    url = reverse(name, args=[refuge_case.pk])
    assert client_as(role).get(url).status_code == 404
    assert client_as(role).post(url, {"reason": "Trying anyway to do this"}).status_code == 404


def test_the_list_workload_queue_and_api_are_404_for_roles_without_them(client_as):
    assert client_as("idva").get(reverse("safeguarding:list")).status_code == 404
    assert client_as("snt_officer").get(reverse("safeguarding:workload")).status_code == 404
    assert client_as("darm").get(reverse("safeguarding:break_glass_queue")).status_code == 404
    assert client_as("idva").get("/api/v1/safeguarding/cases/").status_code == 404
    assert client_as("darm", "WMERC").get("/api/v1/safeguarding/cases/1/").status_code == 404


def test_plan_status_and_withdraw_are_404_for_the_other_force_and_wrong_role(
        refuge_case, client_as, persona):
    import datetime as dt

    from django.utils import timezone

    from haven.safeguarding import plans, sharing

    item = plans.do_add_plan_action(refuge_case, kind="panic_alarm", owner="team:Rugby SNT",
                                    due_on=timezone.localdate() + dt.timedelta(days=1),
                                    actor=persona("darm"))
    share = sharing.do_share_case(refuge_case, with_force_id=persona("darm", "WMERC").force_id,
                                  reason="Victim moved", actor=persona("hau"))
    status_url = reverse("safeguarding:plan_status", args=[refuge_case.pk, item.pk])
    withdraw_url = reverse("safeguarding:withdraw_share", args=[refuge_case.pk, share.pk])
    for role, force in (("darm", "WMERC"), ("snt_officer", "WARKS"), ("idva", "WARKS")):
        client = client_as(role, force)
        assert client.post(status_url, {"version": item.version,
                                        "status": "done"}).status_code == 404
        assert client.get(withdraw_url).status_code == 404
        assert client.post(withdraw_url, {"version": share.version,
                                          "reason": "x"}).status_code == 404
    item.refresh_from_db()
    share.refresh_from_db()
    assert item.status == "open" and share.withdrawn_at is None
