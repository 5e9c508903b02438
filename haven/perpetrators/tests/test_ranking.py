"""Identification and ranking on a force's linked persons, and every page's 404s."""

import pytest
from django.urls import reverse

from haven.access.models import AccessLogEntry
from haven.perpetrators import services
from haven.perpetrators.models import Adoption, Ranked, Run

pytestmark = pytest.mark.django_db


def row(run, person):
    return Ranked.objects.get(run=run, person=person)


def test_two_former_partners_make_him_serial_a_mother_and_daughter_do_not(ranked):
    run = ranked["run"]
    dean, mark = row(run, ranked["dean"]), row(run, ranked["mark"])
    assert dean.serial and dean.victim_groups == [[ranked["ex1"].pk], [ranked["ex2"].pk]]
    assert not mark.serial
    assert mark.victim_groups == [sorted([ranked["mother"].pk, ranked["daughter"].pk])]
    assert run.serial == 1


def test_a_victim_recorded_once_as_suspect_in_a_counter_allegation_is_not_ranked(ranked):
    run = ranked["run"]
    assert not Ranked.objects.filter(run=run, person=ranked["ann"]).exists()
    bob = row(run, ranked["bob"])
    assert bob.repeat and not bob.serial
    assert run.summary["counter_allegations"][0]["primary"] == ranked["bob"].pk


def test_a_recorded_determination_changes_the_primary(ranked, persona):
    hau = persona("hau")
    services.do_determine_primary(ranked["ann"], ranked["bob"], primary=ranked["ann"],
                                  rationale="Injuries and history show Ann controls Bob",
                                  actor=hau)
    run = services.do_refresh_ranking(ranked["force"], actor=hau)
    assert Ranked.objects.filter(run=run, person=ranked["ann"]).exists()
    assert not Ranked.objects.filter(run=run, person=ranked["bob"]).exists()


def test_the_stored_explanation_adds_up_to_the_score_and_names_the_crime(ranked):
    dean = row(ranked["run"], ranked["dean"])
    assert dean.score == sum(p["points"] for p in dean.parts)
    assert dean.score == dean.recency + dean.frequency + dean.gravity + dean.victims_points
    gravity = [p for p in dean.parts if p["component"] == "gravity"]
    assert {p["text"].split(":")[0] for p in gravity} >= {"assault_with_injury",
                                                           "threats_to_kill"}
    assert dean.rank == 1


def test_movement_since_the_last_run(ranked):
    run = services.do_refresh_ranking(ranked["force"], actor=None)
    dean = row(run, ranked["dean"])
    assert dean.previous_rank == 1
    assert Run.objects.filter(force=ranked["force"]).count() == 2


def test_the_list_names_him_for_the_darm_and_logs_it(ranked, client_as):
    response = client_as("darm").get(reverse("perpetrators:list"))
    assert response.status_code == 200
    assert "Dean Cole" in response.content.decode()
    assert AccessLogEntry.objects.filter(record_type="perpetrator_list",
                                         person_id=ranked["dean"].pk).exists()


def test_an_analyst_sees_a_pseudonym_not_the_name(ranked, client_as):
    text = client_as("analyst").get(reverse("perpetrators:list")).content.decode()
    assert "Dean Cole" not in text
    assert services.pseudonym(ranked["dean"].pk) in text
    page = client_as("analyst").get(reverse("perpetrators:detail", args=[ranked["dean"].pk]))
    assert page.status_code == 200 and "Erin Hale" not in page.content.decode()


def test_filters_and_area(ranked, client_as):
    client = client_as("darm")
    text = client.get(reverse("perpetrators:list") + "?filter=serial").content.decode()
    assert "Dean Cole" in text and "Mark Tate" not in text


def test_refresh_button_makes_a_new_run(ranked, client_as):
    response = client_as("analyst").post(reverse("perpetrators:refresh"))
    assert response.status_code == 302
    assert Run.objects.filter(force=ranked["force"]).count() == 2


def test_the_explanation_page_shows_each_part_and_the_total(ranked, client_as):
    dean = row(ranked["run"], ranked["dean"])
    text = client_as("darm").get(reverse("perpetrators:detail",
                                         args=[ranked["dean"].pk])).content.decode()
    assert f'data-testid="score">{dean.score}<' in text
    assert "Erin Hale" in text and "Fay Gill" in text
    assert "threats_to_kill" in text


def test_adopt_with_a_lead_plan_and_next_meeting(ranked, client_as, persona):
    lead = persona("detective")
    client = client_as("darm")
    url = reverse("perpetrators:adopt", args=[ranked["dean"].pk])
    assert client.post(url, {"lead": ""}).status_code == 400
    assert client.post(url, {"lead": lead.pk, "reason": "Serial"}).status_code == 302
    adoption = Adoption.objects.get(person=ranked["dean"])
    assert adoption.lead == lead
    client.post(reverse("perpetrators:intervention", args=[ranked["dean"].pk]),
                {"kind": "right_to_know", "detail": "Tell his new partner", "owner": "HAU"})
    text = client.get(reverse("perpetrators:detail", args=[ranked["dean"].pk])).content.decode()
    assert "Next multi-agency meeting" in text and "Tell his new partner" in text
    assert "regression to the mean" in text
    assert "Dean Cole" in client.get(reverse("perpetrators:programme")).content.decode()


def test_concentration_page(ranked, client_as):
    text = client_as("analyst").get(reverse("perpetrators:concentration")).content.decode()
    assert "Share of all harm" in text and "Assault with injury" in text


@pytest.mark.parametrize("name,args,method", [
    ("perpetrators:list", [], "get"), ("perpetrators:refresh", [], "post"),
    ("perpetrators:programme", [], "get"), ("perpetrators:concentration", [], "get"),
    ("perpetrators:detail", ["dean"], "get"), ("perpetrators:adopt", ["dean"], "post"),
    ("perpetrators:intervention", ["dean"], "post"), ("perpetrators:end", ["dean"], "post"),
])
def test_the_wrong_role_gets_404(ranked, client_as, name, args, method):
    url = reverse(name, args=[ranked[a].pk for a in args])
    assert getattr(client_as("call_handler"), method)(url).status_code == 404


@pytest.mark.parametrize("name,method", [
    ("perpetrators:detail", "get"), ("perpetrators:adopt", "post"),
    ("perpetrators:intervention", "post"), ("perpetrators:end", "post"),
])
def test_the_other_force_gets_404(ranked, client_as, name, method):
    url = reverse(name, args=[ranked["dean"].pk])
    assert getattr(client_as("darm", "WMERC"), method)(url).status_code == 404


def test_the_other_force_list_does_not_show_him(ranked, client_as):
    text = client_as("darm", "WMERC").get(reverse("perpetrators:list")).content.decode()
    assert "Dean Cole" not in text


def test_the_analyst_cannot_adopt(ranked, client_as, persona):
    url = reverse("perpetrators:adopt", args=[ranked["dean"].pk])
    assert client_as("analyst").post(url, {"lead": persona("detective").pk}).status_code == 404


def test_home_shows_the_top_of_the_list(ranked, client_as):
    text = client_as("darm").get(reverse("home")).content.decode()
    assert "Priority perpetrators" in text and "Dean Cole" in text


def test_stalking_of_an_ex_partner_counts_but_a_stranger_harassment_does_not(world, someone,
                                                                            incident):
    kai = someone("Kai", "Nash")
    incident(someone("Lia", "Ober"), kai, days_ago=200, relationship="ex_partner",
             category="stalking")
    incident(someone("Mo", "Penn"), kai, days_ago=20, relationship="partner")
    incident(someone("Ned", "Quin"), kai, days_ago=10, relationship="", category="harassment")
    run = services.do_refresh_ranking(world["force"], actor=None)
    kai_row = row(run, kai)
    assert kai_row.serial and len(kai_row.victims) == 2
