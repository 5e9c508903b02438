"""Opening a log: mandatory checklist, serious calls raised at once, counter-allegations."""

import pytest

from haven.access.models import AccessLogEntry
from haven.chronology.models import Entry
from haven.core import events
from haven.intake.creation import IntakeInvalid, do_add_involvement, do_create_incident
from haven.intake.events import IncidentRecorded
from haven.intake.tests.helpers import full_checklist
from haven.tasks.models import Task


def create(forces, persona, checklist, people=(), **fields):
    fields.setdefault("reported_via", "call")
    fields.setdefault("category", "domestic")
    return do_create_incident(forces["WARKS"], checklist=checklist, involvements=people,
                              actor=persona("call_handler"), **fields)


def test_a_da_log_is_refused_without_an_answer_naming_the_question(forces, persona):
    checklist = full_checklist()
    del checklist["weapons"]
    with pytest.raises(IntakeInvalid) as refused:
        create(forces, persona, checklist)
    assert set(refused.value.errors) == {"checklist.weapons"}
    assert "record why it could not be asked" in refused.value.errors["checklist.weapons"]


def test_a_reason_a_question_could_not_be_asked_completes_the_checklist(forces, persona):
    checklist = full_checklist(suspect_location={"not_asked": "Caller hung up"})
    incident = create(forces, persona, checklist)
    assert incident.progress.checklist_complete
    assert incident.progress.question_set == "domestic"


def test_stalking_calls_get_their_own_question_set(forces, persona):
    with pytest.raises(IntakeInvalid) as refused:
        create(forces, persona, {}, category="stalking")
    assert "checklist.repeated_contact" in refused.value.errors


def test_a_serious_call_goes_to_the_occ_supervisor_queue_at_once(forces, persona, make_person):
    victim = make_person()
    incident = create(forces, persona, full_checklist(strangulation="yes", injury="minor"),
                      people=[{"person": victim, "role": "victim"}])
    assert incident.progress.serious_reasons == ["injury", "strangulation"]
    task = Task.objects.get(kind="occ_supervision")
    assert (task.owner_role, task.person) == ("occ_supervisor", victim)


def test_an_ordinary_call_is_not_raised(forces, persona):
    create(forces, persona, full_checklist())
    assert not Task.objects.filter(kind="occ_supervision").exists()


def test_opening_writes_each_persons_chronology_and_access_log_and_publishes(
        forces, persona, make_person, django_capture_on_commit_callbacks):
    victim, suspect = make_person(), make_person(forename="Sam")
    heard = []

    def listener(event):
        heard.append(event.incident_id)

    events.subscribe(IncidentRecorded, listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):  # delivered after commit
            incident = create(forces, persona, full_checklist(),
                              people=[{"person": victim, "role": "victim"},
                                      {"person": suspect, "role": "suspect"}])
    finally:
        events.unsubscribe(IncidentRecorded, listener)
    assert heard[-1] == incident.pk
    assert set(Entry.objects.filter(kind="incident_opened").values_list("person_id", flat=True)) \
        == {victim.pk, suspect.pk}
    assert AccessLogEntry.objects.filter(action="collection", person_id=victim.pk).exists()


def test_a_second_call_within_the_window_marks_a_repeat_victim(forces, persona, make_person):
    victim = make_person()
    people = [{"person": victim, "role": "victim"}]
    first = create(forces, persona, full_checklist(), people=people)
    second = create(forces, persona, full_checklist(), people=people)
    assert not first.progress.repeat_victim
    second.progress.refresh_from_db()
    assert second.progress.repeat_victim


def test_a_counter_allegation_is_flagged_on_the_log_and_to_the_hau(forces, persona, make_person):
    alex, sam = make_person(), make_person(forename="Sam")
    create(forces, persona, full_checklist(),
           people=[{"person": alex, "role": "victim"}, {"person": sam, "role": "suspect"}])
    now = create(forces, persona, full_checklist(),
                 people=[{"person": sam, "role": "victim"}, {"person": alex, "role": "suspect"}])
    now.progress.refresh_from_db()
    assert now.progress.counter_allegation
    task = Task.objects.get(kind="counter_allegation")
    assert (task.owner_role, task.source_id) == ("hau", str(now.pk))
    assert Entry.objects.filter(kind="counter_allegation", person=alex).exists()


def test_naming_a_suspect_later_also_finds_the_counter_allegation(forces, persona, make_person):
    alex, sam = make_person(), make_person(forename="Sam")
    create(forces, persona, full_checklist(),
           people=[{"person": alex, "role": "victim"}, {"person": sam, "role": "suspect"}])
    later = create(forces, persona, full_checklist(), people=[{"person": sam, "role": "victim"}])
    do_add_involvement(later, person=alex, role="suspect", actor=persona("call_handler"))
    assert Task.objects.filter(kind="counter_allegation", source_id=str(later.pk)).exists()


def test_a_person_from_the_other_force_cannot_be_named(forces, persona, make_person):
    stranger = make_person("WMERC")
    with pytest.raises(IntakeInvalid) as refused:
        create(forces, persona, full_checklist(), people=[{"person": stranger, "role": "victim"}])
    assert "involvements.0.person" in refused.value.errors
