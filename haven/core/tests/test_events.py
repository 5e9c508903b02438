"""Typed events after commit: declared dataclasses, delivered once the publisher commits, a
failing subscriber logged (ids only) and never able to undo the write that published."""

import ast
import dataclasses
import logging
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

import haven
from haven.access.models import AccessLogEntry
from haven.core import events
from haven.core.events import AWAITING_PUBLISHER, Event, publish, subscribe, unsubscribe
from haven.intake.events import IncidentRecorded
from haven.intake.models import Incident
from haven.intake.tests.helpers import full_checklist


@dataclasses.dataclass(frozen=True, kw_only=True)
class Planted(Event):
    thing_id: int


@pytest.fixture
def planted_handler():
    """A handler subscribed to `Planted` for one test, unsubscribed afterwards."""
    calls = []

    def handler(event):
        calls.append(event)

    subscribe(Planted, handler)
    yield calls
    unsubscribe(Planted, handler)


# --- the bus ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_subscribers_run_after_the_publishers_transaction_commits(
        planted_handler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish(Planted(thing_id=7))
        assert planted_handler == []  # not inside the publisher's transaction
    assert planted_handler == [Planted(thing_id=7)]


@pytest.mark.django_db
def test_a_rolled_back_publisher_delivers_nothing(planted_handler,
                                                  django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        publish(Planted(thing_id=7))
        raise RuntimeError("the write failed")
    assert planted_handler == []


@pytest.mark.django_db
def test_a_failing_subscriber_is_logged_with_ids_only_and_the_others_still_run(
        planted_handler, caplog, django_capture_on_commit_callbacks):
    def broken(event):
        words = ["Dana", "Whitfield,", "1", "Test", "Street"]
        raise ValueError(" ".join(words))  # a message that names someone

    subscribe(Planted, broken)
    try:
        with (caplog.at_level(logging.ERROR, logger="haven.core.events"),
              django_capture_on_commit_callbacks(execute=True)):
            publish(Planted(thing_id=7))
    finally:
        unsubscribe(Planted, broken)
    assert planted_handler == [Planted(thing_id=7)]
    logged = caplog.text
    assert "Planted" in logged and "broken" in logged and "ValueError" in logged
    assert "'thing_id': 7" in logged
    assert "Dana" not in logged and "Test Street" not in logged


def test_unsubscribe_stops_delivery():
    def handler(event):
        raise AssertionError("should not be called")

    subscribe(Planted, handler)
    assert handler in events.subscribers(Planted)
    unsubscribe(Planted, handler)
    assert handler not in events.subscribers(Planted)
    publish(Planted(thing_id=1))  # no database, no transaction: would run at once


def test_events_are_typed_not_strings():
    with pytest.raises(TypeError):
        subscribe("incident_recorded", lambda event: None)
    with pytest.raises(TypeError):
        publish("incident_recorded")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Planted(thing_id=1).thing_id = 2


# --- a bug planted in risk's subscriber does not stop a 999 call being recorded -----------


@pytest.fixture
def broken_risk(monkeypatch):
    """Plant a bug at the start of risk's incident subscriber."""
    calls = []

    def boom(incident):
        calls.append(incident.pk)
        raise RuntimeError(f"planted bug at {incident.address_line}")

    monkeypatch.setattr("haven.risk.intake_link.victims_of", boom)
    return calls


@pytest.mark.django_db
def test_a_bug_in_the_risk_subscriber_does_not_stop_an_incident_being_recorded(
        forces, persona, make_person, broken_risk, caplog, django_capture_on_commit_callbacks):
    from haven.intake.creation import do_create_incident

    victim = make_person(forename="Dana", surname="Whitfield")
    with (caplog.at_level(logging.ERROR, logger="haven.core.events"),
          django_capture_on_commit_callbacks(execute=True)):
        incident = do_create_incident(
            forces["WARKS"], reported_via="call", category="domestic",
            checklist=full_checklist(), actor=persona("call_handler"),
            involvements=[{"person": victim, "role": "victim"}])
    assert broken_risk == [incident.pk]  # the subscriber ran, after the commit, and failed
    assert Incident.objects.filter(pk=incident.pk, reference=incident.reference).exists()
    assert AccessLogEntry.objects.filter(record_type="incident", record_id=str(incident.pk),
                                         person_id=victim.pk).exists()
    assert "IncidentRecorded" in caplog.text and f"'incident_id': {incident.pk}" in caplog.text
    assert "Whitfield" not in caplog.text and "CV34" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_with_a_bug_in_risk_the_call_screen_still_opens_the_log(
        client_as, make_person, broken_risk, caplog):
    """A real commit: the subscriber runs inside the request, right after the log commits."""
    victim = make_person()
    data = {"reported_via": "call", "category": "domestic", "domestic_abuse": "yes",
            "postcode": "CV34 4AA", "address_line": "1 Test Street", f"role_{victim.pk}": "victim"}
    for code, item in full_checklist().items():
        data[f"q_{code}"] = item.get("answer", "")
    with caplog.at_level(logging.ERROR, logger="haven.core.events"):
        response = client_as("call_handler").post(reverse("intake:new"), data, follow=True)
    incident = Incident.objects.get()
    assert broken_risk == [incident.pk]
    assert response.status_code == 200
    assert f"Incident {incident.reference} opened" in response.content.decode()
    assert AccessLogEntry.objects.filter(record_type="incident", record_id=str(incident.pk),
                                         person_id=victim.pk).exists()
    assert "1 Test Street" not in caplog.text  # the exception's message is not logged


# --- every event has a publisher --------------------------------------------------------------


def _published_names() -> dict[str, list[str]]:
    """{event class name: [files]} for every `publish(SomeEvent(...))` outside tests."""
    found: dict[str, list[str]] = {}
    root = Path(haven.__file__).parent
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            argument = node.args[0]
            if name == "publish" and isinstance(argument, ast.Call):
                target = argument.func
                event = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                found.setdefault(event, []).append(str(path.relative_to(root)))
    return found


def _declared_events() -> set[type]:
    """Event classes declared in haven.core.events and in every installed room's events.py."""
    for config in apps.get_app_configs():
        if config.name.startswith("haven.") and find_spec(f"{config.name}.events"):
            import_module(f"{config.name}.events")
    declared, todo = set(), list(Event.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("haven.") and ".tests" not in cls.__module__:
            declared.add(cls)
    return declared


def events_nobody_publishes() -> set[type]:
    """Declared or subscribed events that no code publishes (beyond those awaiting a room)."""
    published = _published_names()
    wanted = _declared_events() | set(events.subscribers())
    return {cls for cls in wanted if cls.__name__ not in published} - set(AWAITING_PUBLISHER)


def test_every_event_declared_or_subscribed_has_a_publisher():
    published = _published_names()
    subscribed = events.subscribers()
    assert IncidentRecorded in subscribed and "IncidentRecorded" in published  # the scan works
    assert events_nobody_publishes() == set()
    # An event awaiting its room loses that status once somebody publishes it.
    assert not {cls.__name__ for cls in AWAITING_PUBLISHER} & set(published)
    # Every published event is a declared event class.
    assert set(published) <= {cls.__name__ for cls in _declared_events()}


def test_the_check_fails_on_an_event_nobody_publishes(planted_handler):
    assert events_nobody_publishes() == {Planted}


@pytest.mark.django_db
def test_reactions_judge_the_state_when_the_event_happened_not_when_delivered(
        django_capture_on_commit_callbacks):
    """The demo seeds its incidents, then (in the same transaction) assessments for their
    victims: delivered after commit, the incidents must not flag grades made after them."""
    from haven.risk.models import ReassessmentFlag
    from haven.web import demo

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo.seed(people_per_force=20, password="x")
    assert callbacks  # incidents were published and delivered
    reasons = list(ReassessmentFlag.objects.values_list("reason", flat=True))
    assert reasons and set(reasons) == {"Abuser released from custody"}  # risk's own demo flag
