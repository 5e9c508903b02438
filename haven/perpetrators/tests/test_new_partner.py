"""A serial perpetrator on a new incident with a new, unconnected person: the HAU's task."""

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.intake.events import IncidentRecorded
from haven.perpetrators import services
from haven.perpetrators.models import NewPartnerAlert
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def recorded(inc):
    services.on_incident_recorded(IncidentRecorded(
        incident_id=inc.pk, force_id=inc.force_id, recorded_at=timezone.now()))


def test_a_serial_perpetrator_with_a_new_partner_gives_the_hau_a_task(world, someone, incident,
                                                                      client_as):
    new = someone("Gina", "Holt")
    inc = incident(new, world["dean"], days_ago=0)
    recorded(inc)
    alert = NewPartnerAlert.objects.get(perpetrator=world["dean"])
    assert alert.new_person == new
    task = Task.objects.get(pk=alert.task_id)
    assert task.owner_role == "hau" and task.person == new and task.kind == "right_to_know"
    recorded(inc)  # idempotent
    assert NewPartnerAlert.objects.count() == 1
    home = client_as("hau").get(reverse("home")).content.decode()
    assert "right-to-know" in home and "Gina Holt" in home


def test_no_alert_for_an_earlier_victim_a_connected_person_or_a_non_serial_suspect(
        world, someone, incident):
    recorded(incident(world["ex1"], world["dean"], days_ago=0))  # an earlier victim
    sister = someone("Sara", "Hale")
    sister.addresses.update(line=world["ex1"].addresses.first().line,
                            postcode=world["ex1"].addresses.first().postcode)
    recorded(incident(sister, world["dean"], days_ago=0))  # one household with ex1
    recorded(incident(someone("Una", "Vine"), world["mark"], days_ago=0))  # not serial
    assert NewPartnerAlert.objects.count() == 0


def test_the_alert_leaves_the_hau_home_page_when_its_task_is_done(world, someone, incident,
                                                                  client_as, persona):
    from haven.tasks.services import do_complete_task

    recorded(incident(someone("Gina", "Holt"), world["dean"], days_ago=0))
    alert = NewPartnerAlert.objects.get()
    task = Task.objects.get(pk=alert.task_id)
    do_complete_task(task, version=task.version, note="Disclosure considered",
                     actor=persona("hau"))
    assert services.open_alerts(world["force"]) == []


def test_earlier_victims_known_only_from_crimes_still_make_him_serial(
        someone, incident, crime, forces):
    # The cheap "too few people alongside him" check must count people named on crimes too:
    # here his two earlier victims are named only on crimes filed against other people's logs.
    ray = someone("Ray", "Moss")
    for victim in (someone("Ida", "Lowe"), someone("Joy", "Platt", postcode="CV34 9ZZ")):
        other_log = incident(victim, someone("Lee", "Hart"), days_ago=200)
        crime(other_log, victim, ray, ["assault_with_injury"])
    new = someone("Kim", "Ross")
    recorded(incident(new, ray, days_ago=0))
    assert list(NewPartnerAlert.objects.values_list("perpetrator", "new_person")) == [
        (ray.pk, new.pk)]
