"""One action contract (issue 9 item 3): every `do_` is an action, and an action checks the
actor's capability, runs in one transaction and writes the access log.

The runtime half (capability first; no log entry → refused and rolled back) is enforced by
`haven.core.actions.action` on every call the whole suite makes; this file lists the actions,
proves the decorator does what it says, and finds writers that hide that they write.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.http import Http404

from haven.access.capabilities import MATRIX
from haven.access.models import AccessLogEntry
from haven.core import actions
from haven.core.actions import ACTIONS, ActionDidNotLog, action, unchanged

HAVEN = Path(__file__).resolve().parents[2]
SKIP_PARTS = {"tests", "migrations", "management"}

# Public functions that write but are not actions, and why. Each is a step of an action
# (it runs inside the caller's transaction and the caller logs), or infrastructure.
STEPS = {
    ("access", "log.py", "record_access"): "the access log itself",
    ("access", "log.py", "record_list_access"): "the access log itself",
    ("access", "log.py", "record_accesses"): "the access log itself",
    ("access", "log.py", "require_capability"): "logs a refused attempt (the access log)",
    ("access", "log.py", "seal"): "the access log itself: chains entries already written",
    ("access", "log.py", "seal_after_commit"): "the access log itself: seals after a commit",
    ("core", "bulk.py", "fast_bulk_create"): "the bulk-insert primitive of ingest",
    ("investigation", "evidence.py", "access_evidence"): "a read that writes its chain-of-"
                                                          "custody line (an access log)",
    ("investigation", "evidence.py", "read_verified"): "a read that writes its chain-of-"
                                                        "custody line (an access log)",
    ("web", "drafts.py", "load"): "a read of a draft, logged",
    ("risk", "questionnaires.py", "install_defaults"): "Haven's own questionnaires, installed "
                                                        "by a data migration",
    ("chronology", "services.py", "record_entry"): "the narrative line of the action calling it",
    ("chronology", "services.py", "record_entries"): "bulk lines of an ingest run (logged once)",
    ("chronology", "services.py", "record_entry_for_each"): "record_entry for several people "
                                                            "at once, inside the action",
    ("core", "concurrency.py", "update_if_unchanged"): "the optimistic-locking primitive",
    ("core", "events.py", "deliver"): "runs a reaction with its delivery ledger row",
    ("core", "events.py", "publish"): "queues the reactions' jobs inside the publishing action",
    ("core", "events.py", "deliver_queued"): "the worker's side of deliver (the job)",
    ("core", "jobs.py", "heartbeat"): "the job worker's liveness row, no person data",
    ("core", "jobs.py", "forget_worker"): "a stopping worker's liveness row removed",
    ("core", "jobs.py", "prune_workers_and_deliveries"): "the daily prune of job bookkeeping",
    ("intake", "creation.py", "next_reference"): "a log reference for do_create_incident",
    ("intake", "services.py", "progress_of"): "creates the progress row an action then moves",
    ("intake", "ingest.py", "store_incidents"): "ingest plug-in: bulk store inside an ingest run",
    ("intake", "ingest.py", "store_involvements"): "ingest plug-in: bulk store in an ingest run",
    ("intake", "movers.py", "drop_duplicate_involvements"): "merge plug-in, inside do_merge",
    ("intake", "movers.py", "restore_involvements"): "unmerge plug-in, inside do_unmerge",
    ("intake", "movers.py", "dedupe_involvements"): "relink plug-in, inside a relink run",
    ("intake", "movers.py", "delete_mapped_duplicates"): "relink plug-in, inside a relink run",
    ("perpetrators", "movers.py", "drop_duplicate_rankings"): "merge plug-in, inside do_merge",
    ("perpetrators", "movers.py", "dedupe_rankings"): "relink plug-in, inside a relink run",
    ("perpetrators", "movers.py", "drop_duplicate_adoptions"): "merge plug-in, in do_merge",
    ("perpetrators", "movers.py", "dedupe_adoptions"): "relink plug-in, inside a relink run",
    ("intake", "reconcile.py", "reconcile_incidents"): "derived table rebuilt by `haven link`",
    ("people", "addresses.py", "protect_addresses"): "confidential flags kept in line by the "
                                                     "action that added an address",
    ("people", "demo.py", "seed"): "synthetic demo data",
    ("people", "ingest/archive.py", "archive_rows"): "ingest run: raw rows kept as archive",
    ("people", "movers.py", "bulk_reassign"): "merge/relink step: rows follow a person",
    ("core", "bulk.py", "fast_insert"): "the bulk-insert primitive of ingest",
    ("access", "services.py", "pending_device"): "the unconfirmed device of an enrolment in "
                                                  "progress; do_complete_enrolment confirms it",
    ("people", "ingest/store.py", "store_people"): "ingest plug-in: bulk store",
    ("people", "ingest/store.py", "store_legacy"): "ingest plug-in: bulk store",
    ("people", "movers.py", "move_person_data"): "merge step: plug-ins' rows follow a person",
    ("people", "movers.py", "move_back"): "unmerge step",
    ("people", "movers.py", "delete_emptied"): "merge step: the person a join emptied",
    ("people", "movers.py", "delete_persons"): "relink/merge step: persons left holding "
                                                "nothing",
    ("people", "movers.py", "repoint_records"): "relink step: records follow their cluster",
    ("people", "movers.py", "check_deleted_persons_unnamed"): "relink step: fills a temporary "
                                                               "table of ids to check",
    ("people", "movers.py", "check_persons_exist"): "relink step: fills a temporary table of "
                                                     "ids to check",
    ("people", "relink.py", "absorb_on_counterparts"): "ingest step: a new record joins a person",
    ("people", "relink.py", "apply_clusters"): "relink step, inside do_relink",
    ("people", "services.py", "refresh_person"): "derived best values of the person, "
                                                  "kept in line by the action that changed them",
    ("people", "services.py", "new_person_for"): "linkage step of do_add_source_record",
    ("people", "services.py", "link_record"): "linkage step of do_add_source_record: the "
                                               "record joins a person or becomes one",
    ("people", "services.py", "queue_review"): "queues a clerical review pair inside "
                                                "do_add_source_record",
    ("investigation", "ingest.py", "store_crimes"): "ingest plug-in: bulk store",
    ("investigation", "evidence.py", "shown_copy"): "an image saved to memory, not the database",
    ("safeguarding", "intel.py", "store_intel"): "ingest plug-in: bulk store",
    ("protection", "ingest.py", "store_orders"): "ingest plug-in: bulk store",
    ("marac", "ingest.py", "store_marac"): "ingest plug-in: bulk store",
    ("web", "drafts.py", "purge_expired"): "housekeeping of unsent drafts (no person data)",
}
WRITES = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create",
          "update_or_create"}
# `.update()`/`.delete()` also belong to dicts and sets: count them as writes only on a
# queryset (a chain through `objects` or a queryset method).
QUERYSET = {"objects", "filter", "exclude", "all", "select_for_update", "shares", "flags"}


BULK_WRITERS = {"fast_insert_rows", "fast_update", "bulk_reassign"}


def _sql_text(node) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


def _writes(call: ast.Call) -> bool:
    if isinstance(call.func, ast.Name) and call.func.id in BULK_WRITERS:
        return True
    if (isinstance(call.func, ast.Attribute) and call.func.attr in {"execute", "executemany"}
            and call.args and _sql_text(call.args[0]).lstrip().upper().startswith(
                ("INSERT", "UPDATE", "DELETE"))):
        return True
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in WRITES:
        return False
    if call.func.attr in {"save", "delete", "bulk_create", "bulk_update", "get_or_create",
                          "update_or_create"}:
        return True
    chain, node = set(), call.func.value
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        chain.add(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id.endswith(("_tasks", "qs", "rows_qs")):
        return True
    return bool(chain & QUERYSET) or call.func.attr == "create"
SKIP_FILES = {"views.py", "api.py", "forms.py", "admin.py", "models.py", "apps.py"}


def room_modules():
    for path in sorted(HAVEN.rglob("*.py")):
        parts = path.relative_to(HAVEN).parts
        if len(parts) < 2 or SKIP_PARTS & set(parts):
            continue
        yield parts[0], "/".join(parts[1:]), path


def do_functions():
    """(module, function name, decorated with @action?) for every top-level `do_`."""
    found = []
    for room, rel, path in room_modules():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("do_"):
                decorated = any(isinstance(d, ast.Call) and getattr(d.func, "id", "") == "action"
                                for d in node.decorator_list)
                module = "haven." + f"{room}/{rel}"[:-3].replace("/", ".")
                found.append((module, node.name, decorated))
    return found


def hidden_writers():
    """Public, non-`do_` functions outside views and models that write: directly (a writing
    ORM method) or through a private helper of the same module that does."""
    found = set()
    for room, rel, path in room_modules():
        if Path(rel).name in SKIP_FILES or rel.startswith("models"):
            continue
        functions = {node.name: node for node in ast.parse(path.read_text()).body
                     if isinstance(node, ast.FunctionDef)}
        writes = {name for name, node in functions.items()
                  if any(isinstance(c, ast.Call) and _writes(c) for c in ast.walk(node))}
        changed = True
        while changed:  # a function calling a writer of its own module writes too
            changed = False
            for name, node in functions.items():
                # Calling an action is not writing behind its back: only private helpers
                # (and steps) pass the label on.
                if name not in writes and any(
                        isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                        and c.func.id in writes and not c.func.id.startswith("do_")
                        for c in ast.walk(node)):
                    writes.add(name)
                    changed = True
        found |= {(room, rel, name) for name in writes
                  if not name.startswith(("_", "do_"))}
    return found


def test_every_do_function_is_a_declared_action():
    listed = do_functions()
    assert len(listed) >= 30  # the inventory is real: rooms' services were found
    assert [(m, n) for m, n, decorated in listed if not decorated] == []
    for module, name, _ in listed:
        importlib.import_module(module)
        info = ACTIONS[f"{module}.{name}"]
        assert info.capability is None or info.capability in MATRIX
        assert info.capability is not None or info.system


def test_no_writer_hides_that_it_writes():
    """Anything that writes is an action (`do_…`) or a listed step of one."""
    found = hidden_writers()
    assert sorted(found - set(STEPS)) == []
    assert sorted(set(STEPS) - found) == [], "a step is gone: take it off STEPS"


def test_the_writer_check_finds_a_planted_writer(tmp_path, monkeypatch):
    planted = HAVEN / "tasks" / "zz_planted_writer.py"
    planted.write_text("def quietly_close(task):\n    task.save()\n")
    try:
        assert ("tasks", "zz_planted_writer.py", "quietly_close") in hidden_writers()
    finally:
        planted.unlink()


# The decorator itself, on a throwaway action.

@action("tasks.create", record_type="test")
def do_note_something(*, logs: bool = True, actor):
    from haven.access.log import Action, record_access
    from haven.forces.models import Alliance

    Alliance.objects.create(name="Written inside the action")
    if logs:
        record_access(actor, Action.ALTERATION, record_type="test")
    return "done"


@action("tasks.create", record_type="test")
def do_nothing_needed(*, actor):
    unchanged()
    return "nothing to do"


@pytest.mark.django_db
def test_an_action_runs_for_a_role_with_the_capability(persona):
    hau = persona("hau")
    assert do_note_something(actor=hau) == "done"
    assert AccessLogEntry.objects.filter(record_type="test", username=hau.username).exists()


@pytest.mark.django_db
def test_an_action_that_does_not_log_is_refused_and_rolled_back(persona):
    from haven.forces.models import Alliance

    hau = persona("hau")
    with pytest.raises(ActionDidNotLog):
        do_note_something(logs=False, actor=hau)
    assert not Alliance.objects.filter(name="Written inside the action").exists()
    assert do_nothing_needed(actor=hau) == "nothing to do"


@pytest.mark.django_db(transaction=True)
def test_a_role_without_the_capability_gets_404_and_the_refusal_is_logged(persona):
    from haven.forces.models import Alliance

    auditor = persona("auditor")
    with pytest.raises(Http404):
        do_note_something(actor=auditor)
    assert not Alliance.objects.filter(name="Written inside the action").exists()
    refused = AccessLogEntry.objects.get(username=auditor.username)
    assert refused.outcome == AccessLogEntry.Outcome.REFUSED
    assert refused.detail["action"] == "do_note_something"


@pytest.mark.django_db
def test_no_actor_only_where_the_action_says_it_may_run_as_the_system():
    with pytest.raises(Http404):  # a user action with nobody signed in
        do_note_something(actor=None)
    from haven.tasks.services import do_close_tasks

    assert do_close_tasks(source_room="risk", source_type="assessment", source_ids=[1],
                          note="system", actor=None) == 0


def test_the_decorator_refuses_a_malformed_action():
    with pytest.raises(TypeError, match="starts with do_"):
        action("tasks.create", record_type="x")(lambda *, actor: None)
    with pytest.raises(TypeError, match="actor"):
        def do_x(actor):
            return None
        action("tasks.create", record_type="x")(do_x)
    with pytest.raises(TypeError, match="unknown capability"):
        def do_y(*, actor):
            return None
        action("no.such", record_type="x")(do_y)
    with pytest.raises(RuntimeError):
        actions.unchanged()
