"""Learning fixtures: the modules, staff of Warwickshire with teams, and audit findings
registered in place of the assurance room's (`training_needs` is monkeypatched, so these
tests do not depend on how audits are recorded)."""

import datetime as dt

import pytest

from haven.assurance import public as assurance


@pytest.fixture
def modules(db):
    from haven.learning.services import do_install_default_modules

    do_install_default_modules(actor=None)


@pytest.fixture
def audit_finds(monkeypatch):
    """audit_finds(user, module, reason) -> the assurance room reports that need."""
    found = []

    def fake(force, *, since=None):
        return [need for force_id, need in found if force_id == force.pk
                and (since is None or need.found_on >= since)]

    monkeypatch.setattr(assurance, "training_needs", fake)

    def add(user, module, reason="Failed the stalking questions in 2 of 3 call audits",
            found_on=None):
        found.append((user.force_id, assurance.TrainingNeed(
            user_id=user.pk, module_code=module, reason=reason,
            found_on=found_on or dt.date.today() - dt.timedelta(days=7), audit_ids=(1, 2))))

    return add


@pytest.fixture
def staff(persona, modules):
    """A trainer, a senior leader, two call handlers and a response officer of Warwickshire,
    with teams; a call handler of West Mercia."""
    from haven.access.models import User
    from haven.access.teams import do_set_team

    trainer = persona("trainer")
    people = {"trainer": trainer, "leader": persona("senior_leader"),
              "handler": persona("call_handler"), "officer": persona("response_officer"),
              "other_force": persona("call_handler", "WMERC")}
    second = User(username="call_handler2.warks", role="call_handler", force=trainer.force,
                  first_name="Second", last_name="Handler")
    second.set_password("correct horse battery")
    second.save()
    people["handler2"] = second
    for key, team in (("handler", "Contact centre"), ("handler2", "Contact centre"),
                      ("officer", "Response, south")):
        do_set_team(trainer.force, people[key].pk, team, actor=trainer)
    return people
