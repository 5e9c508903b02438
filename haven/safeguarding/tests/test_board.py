"""The daily management meeting board: exactly the high-risk victims and the incidents with
a suspect not known to be arrested from the policy window, plus the chair's tasks,
tracked to completion, overdue highlighted, carried over day to day."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from haven.safeguarding import board
from haven.safeguarding.models import CaseEvent
from haven.safeguarding.models_partners import BoardTask
from haven.safeguarding.tests.test_referrals_helpers import (  # noqa: F401 (fixtures)
    _case_for_fixture,
    _make_incident_fixture,
)
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db
HOURS = dt.timedelta(hours=1)


@pytest.fixture
def both(make_person, case_for, make_incident):
    """Two of each that belong on the board, and one of each way of not belonging."""
    now = timezone.now()
    new_high = case_for(make_person(forename="Hana", surname="New"), opened_at=now - 2 * HOURS)
    regraded = case_for(make_person(forename="Rita", surname="Regraded"),
                         opened_at=now - 24 * 10 * HOURS)
    CaseEvent.objects.create(case=regraded, kind=CaseEvent.Kind.REGRADED, at=now - HOURS,
                             summary="Raised to high")
    # Not on the board: old high case, recent medium case, closed high case, other force.
    case_for(make_person(forename="Olive", surname="Old"), opened_at=now - 30 * HOURS)
    case_for(make_person(forename="Mia", surname="Medium"), grade="medium")
    case_for(make_person(forename="Cleo", surname="Closed"), status="closed")
    case_for(make_person("WMERC", forename="Wyn", surname="Other"), area="WR1")
    at_large = make_incident(opened_at=now - 3 * HOURS,
                             suspect=make_person(forename="Al", surname="Large"))
    at_large_2 = make_incident(opened_at=now - 20 * HOURS)
    make_incident(opened_at=now - HOURS, suspect=False)  # no suspect
    make_incident(opened_at=now - 30 * HOURS)  # too old
    make_incident("WMERC", opened_at=now - HOURS)  # other force
    return {"cases": {new_high.pk, regraded.pk}, "incidents": {at_large.pk, at_large_2.pk},
            "new_high": new_high, "at_large": at_large}


def ids(data):
    return ({r["case"].pk for r in data["cases"]}, {r["incident"].pk for r in data["incidents"]})


def test_the_board_lists_exactly_the_high_risk_and_suspect_at_large_of_the_window(
        both, persona):
    data = board.daily_board(persona("inspector"))
    assert ids(data) == (both["cases"], both["incidents"])
    assert {r["status"] for r in data["incidents"]} == {"not_known"}  # no crime says arrested
    assert data["arrest_source_known"]  # the investigation room answers for arrests
    row = next(r for r in data["incidents"] if r["incident"].pk == both["at_large"].pk)
    assert row["suspects"] == ["Al Large"] and row["victims"] == ["Vic Board"]


def test_an_empty_board_says_so(persona, client_as):
    data = board.daily_board(persona("inspector"))
    assert data["cases"] == [] and data["incidents"] == [] and data["tasks"] == []
    page = client_as("inspector").get(reverse("safeguarding:board")).text
    assert "No high-risk victims in the last 24 hours" in page
    assert "No incidents with a suspect at large in the last 24 hours" in page


def test_the_window_is_policy(both, persona, forces):
    from haven.forces.models import PolicySetting

    PolicySetting.objects.create(force=forces["WARKS"], key="board_window_hours", value=4,
                                 effective_from=timezone.localdate() - dt.timedelta(days=1))
    data = board.daily_board(persona("inspector"))
    assert ids(data) == (both["cases"], {both["at_large"].pk})


def test_the_board_page_says_arrests_are_not_yet_known(both, client_as, monkeypatch):
    monkeypatch.setattr(board, "_ARREST_STATUS", [])  # no room says who is arrested
    page = client_as("inspector").get(reverse("safeguarding:board")).text
    assert "every suspect below is shown as not known to be arrested" in page
    assert "Hana New" in page and "Al Large" in page and "Olive Old" not in page


def test_with_investigation_installed_the_board_knows_where_arrests_come_from(both,
                                                                               client_as):
    page = client_as("inspector").get(reverse("safeguarding:board")).text
    assert "every suspect below is shown as not known to be arrested" not in page
    assert "Hana New" in page and "Al Large" in page  # no crime records an arrest yet


def test_an_arrest_source_takes_arrested_suspects_off_the_board(both, persona):
    def arrests(incident_ids):
        return {pk: pk == both["at_large"].pk or False for pk in incident_ids}

    board.register_arrest_status(arrests)
    try:
        data = board.daily_board(persona("inspector"))
    finally:
        board.unregister_arrest_status(arrests)
    assert ids(data)[1] == both["incidents"] - {both["at_large"].pk}
    assert {r["status_words"] for r in data["incidents"]} == {"Suspect not arrested"}
    assert data["arrest_source_known"]


def test_the_chair_allocates_tasks_tracked_to_completion_and_carried_over(both, persona,
                                                                          client_as):
    chair, darm = persona("inspector"), persona("darm")
    row = board.do_allocate_board_task(area="", subject=f"case:{both['new_high'].pk}",
                                       title="Fit a panic alarm", owner_id=darm.pk, actor=chair)
    task = Task.objects.get(pk=row.task_id)
    assert task.owner_user == darm and task.person_id == both["new_high"].person_id
    assert task.title == "Fit a panic alarm (Hana New's case)"
    assert task.due_at > timezone.now() + 23 * HOURS  # policy board_task_due_hours
    # Yesterday's task still open: carried over, and overdue once its time has passed.
    BoardTask.objects.filter(pk=row.pk).update(meeting_on=timezone.localdate() - dt.timedelta(1))
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - HOURS)
    [t] = board.daily_board(chair)["tasks"]
    assert t["carried_over"] and t["overdue"]
    page = client_as("inspector").get(reverse("safeguarding:board")).text
    assert "Carried over from" in page and "Overdue" in page
    # The owner marks it done: shown done today, gone tomorrow.
    board.do_complete_board_task(row.pk, version=task.version, note="Fitted", actor=darm)
    [t] = board.daily_board(chair)["tasks"]
    assert t["task"].done_at and not t["overdue"]
    Task.objects.filter(pk=task.pk).update(done_at=timezone.now() - 2 * 24 * HOURS)
    assert board.daily_board(chair)["tasks"] == []


def test_a_task_about_an_incident(both, persona):
    row = board.do_allocate_board_task(area="", subject=f"incident:{both['at_large'].pk}",
                                       title="Arrest enquiries", owner_id=persona("detective").pk,
                                       actor=persona("inspector"))
    task = Task.objects.get(pk=row.task_id)
    assert f"incident {both['at_large'].reference}" in task.title


def test_allocation_needs_what_and_who(both, persona):
    chair = persona("inspector")
    subject = f"case:{both['new_high'].pk}"
    with pytest.raises(board.BoardRefused):
        board.do_allocate_board_task(area="", subject=subject, title="", owner_id=chair.pk,
                                     actor=chair)
    with pytest.raises(board.BoardRefused):
        board.do_allocate_board_task(area="", subject=subject, title="x",
                                     owner_id=persona("idva").pk, actor=chair)


def test_only_the_chair_or_the_owner_marks_a_task_done(both, persona):
    row = board.do_allocate_board_task(area="", subject=f"case:{both['new_high'].pk}",
                                       title="x", owner_id=persona("darm").pk,
                                       actor=persona("inspector"))
    with pytest.raises(Http404):
        board.do_complete_board_task(row.pk, version=1, actor=persona("hau"))
    with pytest.raises(Http404):
        board.do_complete_board_task(row.pk, version=1, actor=persona("inspector", "WMERC"))


def test_the_board_by_area(both, persona, case_for, make_person):
    elsewhere = case_for(make_person(forename="Ada", surname="Area"), area="CV21")
    data = board.daily_board(persona("inspector"), area="CV21")
    assert ids(data) == ({elsewhere.pk}, set())  # the incidents are in CV34


@pytest.mark.parametrize("role,force", [("snt_officer", "WARKS"), ("idva", "WARKS"),
                                        ("call_handler", "WARKS")])
def test_the_board_is_404_for_the_wrong_role(both, client_as, role, force):
    client = client_as(role, force)
    assert client.get(reverse("safeguarding:board")).status_code == 404
    assert client.post(reverse("safeguarding:board_allocate"),
                       {"subject": f"case:{both['new_high'].pk}", "title": "x"}).status_code == 404


def test_the_other_force_sees_none_of_this_forces_board_and_cannot_act(both, client_as,
                                                                       persona):
    row = board.do_allocate_board_task(area="", subject=f"case:{both['new_high'].pk}",
                                       title="x", owner_id=persona("darm").pk,
                                       actor=persona("inspector"))
    client = client_as("inspector", "WMERC")
    page = client.get(reverse("safeguarding:board")).text
    assert "Hana New" not in page and "Al Large" not in page
    assert client.get(reverse("safeguarding:board") + "?area=CV34").status_code == 404
    assert client.post(reverse("safeguarding:board_allocate"),
                       {"subject": f"case:{both['new_high'].pk}", "title": "x",
                        "owner": persona("darm", "WMERC").pk}).status_code == 404
    assert BoardTask.objects.count() == 1
    assert client.post(reverse("safeguarding:board_done", args=[row.pk]),
                       {"version": 1}).status_code == 404
    assert Task.objects.get(pk=row.task_id).done_at is None


def test_the_chair_uses_the_board_page(both, client_as, persona):
    client = client_as("inspector")
    page = client.post(reverse("safeguarding:board_allocate"),
                       {"subject": f"case:{both['new_high'].pk}", "title": "Visit today",
                        "owner": persona("darm").pk}, follow=True).text
    assert "Visit today (Hana New&#x27;s case)" in page
    row = BoardTask.objects.get()
    page = client.post(reverse("safeguarding:board_done", args=[row.pk]),
                       {"version": 1, "note": "Visited"}, follow=True).text
    assert "Done" in page and "Visited" in page
