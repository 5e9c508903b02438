"""The overdue-DASH sweep command, the wording loader, home sections and the demo seed."""

import datetime as dt
import json
import random

from django.core.management import call_command
from django.utils import timezone
from faker import Faker

from haven.intake.models import Incident, QuestionWording
from haven.tasks.models import Task
from haven.web.home import sections_for


def test_the_sweep_command_tags_overdue_dash_logs(make_incident, capsys):
    incident = make_incident(state="attended",
                             progress={"attended_at": timezone.now() - dt.timedelta(days=2)})
    call_command("intake_sweep")
    assert f"Tagged 1 log(s) for a missing DASH: {incident.pk}" in capsys.readouterr().out
    assert Task.objects.filter(kind="missing_dash", owner_role="hau").count() == 1


def test_a_force_loads_its_own_wording_and_the_call_screen_shows_it(forces, tmp_path,
                                                                     client_as):
    path = tmp_path / "wording.json"
    path.write_text(json.dumps({"domestic": {"weapons": "Force wording about weapons"}}))
    call_command("intake_load_wording", "WARKS", str(path))
    assert QuestionWording.objects.get().wording == "Force wording about weapons"
    assert b"Force wording about weapons" in client_as("call_handler").get("/intake/new/").content
    assert b"Force wording" not in client_as("call_handler", "WMERC").get("/intake/new/").content


def test_home_pages_show_logs_awaiting_endorsement_and_serious_incidents(make_incident,
                                                                         persona):
    waiting = make_incident(state="risk_assessed")
    make_incident(progress={"serious": True})
    sergeant = {s["title"]: s["items"] for s in sections_for(persona("sergeant"))}
    assert [i["text"].split(":")[0] for i in sergeant["Logs awaiting your endorsement"]] == [
        waiting.reference]
    supervisor = {s["title"]: s["items"] for s in sections_for(persona("occ_supervisor"))}
    assert len(supervisor["Serious incidents to supervise"]) == 1
    other = {s["title"]: s["items"] for s in sections_for(persona("sergeant", "WMERC"))}
    assert other["Logs awaiting your endorsement"] == []


def test_the_demo_seeds_live_logs_at_every_step(forces, persona, make_person):
    from haven.intake import demo

    class Context:
        pass

    context = Context()
    context.rng, context.fake = random.Random(1), Faker("en_GB")
    context.forces = list(forces.values())
    context.people = {code: [make_person(code, forename=f"P{n}") for n in range(4)]
                      for code in forces}
    context.users = {(code, role): persona(role, code) for code in forces
                     for role in ("call_handler", "response_officer", "sergeant")}
    demo.seed(context)
    states = set(Incident.objects.filter(force=forces["WARKS"]).values_list("state", flat=True))
    assert states == {"opened", "dispatched", "attended", "risk_assessed", "closed"}
