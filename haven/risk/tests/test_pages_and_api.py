"""Pages and API: the right role in the right force only; every read logged; errors name fields."""

import pytest

from haven.access.models import AccessLogEntry
from haven.risk.models import Assessment
from haven.risk.tests.conftest import CODES, PLAIN

pytestmark = pytest.mark.django_db


def form_post(incident, yes=0, **extra):
    victim = incident.involvements.get(role="victim").person
    data = {"incident": incident.pk, "person": victim.pk, "method": "in_person",
            "victim_response": "answered", "grade": "standard"}
    for code in CODES:
        data[f"answer_{code}"] = "yes" if code in PLAIN[:yes] else "no"
        data[f"source_{code}"] = "victim"
    data.update(extra)
    return data


def test_officer_completes_a_dash_through_the_page(client_as, make_da_incident):
    incident = make_da_incident()
    client = client_as("response_officer")
    page = client.get(f"/risk/new/?incident={incident.pk}")
    assert page.status_code == 200 and b"PD27" in page.content
    response = client.post("/risk/new/", form_post(incident, yes=3))
    a = Assessment.objects.get()
    assert response.status_code == 302 and response.url == f"/risk/{a.pk}/"
    assert a.score == 3 and a.incident == incident


def test_a_missing_answer_is_named_in_the_error_summary(client_as, make_da_incident):
    incident = make_da_incident()
    data = form_post(incident)
    del data["answer_PD07"]
    response = client_as("response_officer").post("/risk/new/", data)
    assert response.status_code == 400
    assert b'href="#answer_PD07"' in response.content
    assert b"PD07: choose yes, no, not known or not asked" in response.content
    assert not Assessment.objects.exists()


def test_judgement_raise_without_rationale_is_named(client_as, make_da_incident):
    response = client_as("response_officer").post(
        "/risk/new/", form_post(make_da_incident(), yes=2, grade="high"))
    assert response.status_code == 400 and b'href="#rationale"' in response.content


@pytest.mark.parametrize("role", ["call_handler", "analyst", "idva", "trainer"])
def test_wrong_role_cannot_start_a_dash(client_as, make_da_incident, role):
    incident = make_da_incident()
    assert client_as(role).get(f"/risk/new/?incident={incident.pk}").status_code == 404
    assert client_as(role).post("/risk/new/", form_post(incident)).status_code == 404


def test_other_force_cannot_start_a_dash_on_our_incident(client_as, make_da_incident):
    incident = make_da_incident()
    client = client_as("response_officer", "WMERC")
    assert client.get(f"/risk/new/?incident={incident.pk}").status_code == 404
    assert client.post("/risk/new/", form_post(incident)).status_code == 404


def test_detail_read_is_logged(client_as, complete_dash):
    a = complete_dash()
    response = client_as("sergeant").get(f"/risk/{a.pk}/")
    assert response.status_code == 200 and b"Supervisor review" in response.content
    entry = AccessLogEntry.objects.filter(record_type="risk_assessment",
                                          action="consultation").last()
    assert (entry.person_id, entry.username, entry.outcome) == (a.victim_id, "sergeant.warks",
                                                                "allowed")


@pytest.mark.parametrize("url", ["/risk/{pk}/", "/risk/", "/risk/hau/", "/risk/measures/"])
def test_roles_without_need_get_404(client_as, complete_dash, url):
    a = complete_dash()
    for role in ("idva", "trainer", "childrens_services"):
        assert client_as(role).get(url.format(pk=a.pk)).status_code == 404


def test_other_force_gets_404_and_the_attempt_is_logged(client_as, complete_dash):
    a = complete_dash()
    client = client_as("hau", "WMERC")
    assert client.get(f"/risk/{a.pk}/").status_code == 404
    assert client.post(f"/risk/{a.pk}/hau/", {"version": a.version, "grade": "standard",
                                               "response_matched": "yes"}).status_code == 404
    assert client_as("sergeant", "WMERC").post(
        f"/risk/{a.pk}/sergeant/", {"version": a.version, "grade": "high"}).status_code == 404
    assert client.get(f"/api/v1/risk/assessments/{a.pk}/").status_code == 404
    assert f"Assessment {a.pk}".encode() not in client.get("/risk/hau/").content
    assert AccessLogEntry.objects.filter(outcome="refused", username="hau.wmerc").exists()


def test_sergeant_page_review_and_stale_version(client_as, complete_dash):
    a = complete_dash(yes=4, grade="standard")
    client = client_as("sergeant")
    response = client.post(f"/risk/{a.pk}/sergeant/", {"version": a.version, "grade": "high"})
    assert response.status_code == 400 and b'href="#rationale"' in response.content
    ok = client.post(f"/risk/{a.pk}/sergeant/", {"version": a.version, "grade": "high",
                                                 "rationale": "Threats to kill",
                                                 "guidance": "Panic alarm; refer to MARAC"})
    assert ok.status_code == 302
    again = client_as("inspector").post(f"/risk/{a.pk}/sergeant/", {
        "version": a.version, "grade": "high"})
    assert again.status_code == 400


def test_sergeant_cannot_use_the_hau_review(client_as, complete_dash):
    a = complete_dash()
    assert client_as("sergeant").post(f"/risk/{a.pk}/hau/", {
        "version": a.version, "grade": "standard", "response_matched": "yes"}).status_code == 404
    assert client_as("hau").post(f"/risk/{a.pk}/sergeant/", {
        "version": a.version, "grade": "standard"}).status_code == 404


def test_officer_home_lists_attended_incidents_without_a_dash(client_as, make_da_incident):
    incident = make_da_incident(state="attended")
    page = client_as("response_officer").get("/").content
    assert f"DASH needed for incident {incident.reference}".encode() in page


def test_sergeant_home_lists_assessments_awaiting_review(client_as, complete_dash):
    a = complete_dash()
    assert f"Assessment {a.pk}".encode() in client_as("sergeant").get("/").content


def test_measures_page_for_analysts(client_as, complete_dash):
    complete_dash()
    page = client_as("analyst").get("/risk/measures/")
    assert page.status_code == 200 and b"DA incidents with a DASH" in page.content
    assert client_as("response_officer").get("/risk/measures/").status_code == 404


# --- API ---------------------------------------------------------------------------------

def api_body(incident, yes=0, **extra):
    victim = incident.involvements.get(role="victim").person
    body = {"incident": incident.pk, "person": victim.pk, "grade": "standard",
            "answers": {code: ("yes" if code in PLAIN[:yes] else "no") for code in CODES}}
    body.update(extra)
    return body


def test_api_completes_and_reviews_an_assessment(client_as, make_da_incident):
    incident = make_da_incident()
    created = client_as("response_officer").post("/api/v1/risk/assessments/",
                                                 api_body(incident, yes=15, grade="high"),
                                                 content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["score"], data["grade"]) == (15, "high")
    hau = client_as("hau").post(f"/api/v1/risk/assessments/{data['id']}/hau_review/",
                                {"version": data["version"], "grade": "high",
                                 "response_matched": True}, content_type="application/json")
    assert hau.status_code == 200
    assert {t["kind"] for t in hau.json()["tasks"]} >= {"idva_offer"}  # MARAC: a referral


def test_api_400_names_the_field(client_as, make_da_incident):
    body = api_body(make_da_incident(), yes=2, grade="high")
    response = client_as("response_officer").post("/api/v1/risk/assessments/", body,
                                                  content_type="application/json")
    assert response.status_code == 400
    assert "rationale" in response.json()
    body = api_body(make_da_incident())
    body["answers"]["PD03"] = "maybe"
    response = client_as("response_officer").post("/api/v1/risk/assessments/", body,
                                                  content_type="application/json")
    assert list(response.json()) == ["answer_PD03"]


def test_api_sergeant_downgrade_of_score_based_high_is_refused(client_as, complete_dash):
    a = complete_dash(yes=14, grade="high")
    response = client_as("sergeant").post(
        f"/api/v1/risk/assessments/{a.pk}/sergeant_review/",
        {"version": a.version, "grade": "medium", "rationale": "calmer"},
        content_type="application/json")
    assert response.status_code == 400 and "grade" in response.json()


@pytest.mark.parametrize("role", ["analyst", "trainer", "idva"])
def test_api_wrong_role_gets_404(client_as, complete_dash, make_da_incident, role):
    a = complete_dash()
    client = client_as(role)
    assert client.get(f"/api/v1/risk/assessments/{a.pk}/").status_code == 404
    assert client.post("/api/v1/risk/assessments/", api_body(make_da_incident()),
                       content_type="application/json").status_code == 404


def test_api_other_force_gets_404(client_as, complete_dash, make_da_incident):
    a = complete_dash()
    client = client_as("response_officer", "WMERC")
    assert client.post("/api/v1/risk/assessments/", api_body(make_da_incident()),
                       content_type="application/json").status_code == 404
    for action in ("sergeant_review", "hau_review"):
        assert client_as("inspector" if action == "sergeant_review" else "darm", "WMERC").post(
            f"/api/v1/risk/assessments/{a.pk}/{action}/", {"version": a.version,
                                                            "grade": "standard"},
            content_type="application/json").status_code == 404


def test_lists_name_the_victim_and_log_which_assessments_were_shown(client_as, complete_dash):
    a = complete_dash()
    for url in ("/risk/", "/risk/hau/"):
        response = client_as("hau").get(url)
        assert response.status_code == 200
        assert a.victim.display_name.encode() in response.content
    entries = AccessLogEntry.objects.filter(record_type="risk_assessment_list")
    assert [(e.person_id, e.detail["shown"]) for e in entries] == [
        (a.victim_id, [f"assessment:{a.pk}"])] * 2


def test_a_person_who_is_not_the_incidents_victim_is_refused(client_as, make_da_incident,
                                                             make_person):
    incident = make_da_incident()
    stranger = make_person()
    url = f"/risk/new/?incident={incident.pk}&person={stranger.pk}"
    assert client_as("response_officer").get(url).status_code == 404


def test_an_assessment_without_an_incident(client_as, make_person):
    victim = make_person()
    client = client_as("detective")
    assert client.get(f"/risk/new/?person={victim.pk}").status_code == 200
    data = {"person": victim.pk, "method": "telephone", "victim_response": "answered",
            "grade": "standard", **{f"answer_{c}": "no" for c in CODES}}
    response = client.post("/risk/new/", data)
    a = Assessment.objects.get()
    assert response.status_code == 302 and a.incident is None and a.method == "telephone"
    page = client.get(f"/risk/{a.pk}/").content
    assert b"Not done in person (telephone): review" in page
    assert client.get("/risk/new/").status_code == 404


def test_api_reviews_refuse_the_wrong_role(client_as, complete_dash):
    a = complete_dash()
    body = {"version": a.version, "grade": "standard", "response_matched": True}
    officer = client_as("response_officer")
    for action in ("sergeant_review", "hau_review"):
        assert officer.post(f"/api/v1/risk/assessments/{a.pk}/{action}/", body,
                            content_type="application/json").status_code == 404
    a.refresh_from_db()
    assert a.status == "awaiting_sergeant"


def test_measures_count_only_the_users_own_force(client_as, complete_dash):
    complete_dash()
    page = client_as("analyst", "WMERC").get("/risk/measures/").content.decode()
    assert "0 of 0" in page
    assert "1 of 1" in client_as("analyst").get("/risk/measures/").content.decode()
