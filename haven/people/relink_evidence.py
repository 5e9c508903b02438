"""The linkage evidence other rooms give a relink (incident fingerprints, and who met whom
in an incident), read in a forked
process while the relink reads and prepares the force's records.

Both are single-threaded Python and a machine has more than one core: at 1 M records the
evidence took 14 s of `haven link` and reading plus preparing the records 45 s, one after
the other (docs/benchmarks.md, "Evidence beside the records"). The child is forked only
when nothing could be shared by mistake: not inside a transaction (the child would not
see its rows), not on an in-memory SQLite database, and with no other thread alive (a
thread's database connection would be torn down in the child, on the parent's socket;
tqdm's monitor thread holds none).
This process's connections are closed before the fork, so the child opens its own. If
the child fails, the evidence is read here instead, as it always was.
The child then runs the after-link steps' prefetches (`register_after_link`): what those
steps read that does not depend on persons, e.g. reconciliation's incidents; it sends them
apart, while Splink links. A step that registered a `prepare` keeps its prefetch in the
child, which waits for the relink to say which persons it empties (`Evidence.persons_moving`,
from inside the relink's transaction) and prepares the step's input from them while the
relink writes: reconciliation scores the incidents there (docs/benchmarks.md,
"Reconciliation beside the writes").
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections import defaultdict

from django.db import connection, connections
from tqdm import TMonitor

from haven.forces.models import Force
from haven.people.linking import (
    after_link_prefetches,
    after_link_preparers,
    linkage_evidence,
    linkage_parties,
)

logger = logging.getLogger(__name__)

#: Below this many source records the evidence is read in this process: starting a child
#: costs more than it saves for a small force (and tests stay in one process).
FORK_FROM_RECORDS = 100_000

#: How much lower the child's priority goes once it has sent the evidence: its after-link
#: prefetch then runs beside Splink's training, which wants every core.
AFTER_EVIDENCE_NICENESS = 10


def evidence_keys(force) -> dict[tuple[int, str], str]:
    """(person id, system) -> its fingerprints, sorted, distinct and ';'-joined, from every
    registered evidence provider (`register_linkage_evidence`)."""
    found: dict[tuple[int, str], set[str]] = defaultdict(set)
    for provider in linkage_evidence():
        for person_id, system, fingerprints in provider(force):
            found[(person_id, system)].update(fingerprints)
    return {pair: ";".join(sorted(keys)) for pair, keys in found.items() if keys}


def counterpart_persons(force, persons=None) -> list[tuple[str, int, int, str]]:
    """(system, victim's person id, suspect's person id, the suspect's relationship to the
    victim) for each victim and suspect of one incident a system recorded, each once, from
    every registered provider (`register_linkage_parties`); with `persons`, only of the
    incidents one of them was the victim or suspect of."""
    return sorted({(system, victim, suspect, relationship or "")
                   for provider in linkage_parties()
                   for system, victim, suspect, relationship in (
                       provider(force) if persons is None else provider(force, persons=persons))})


def prefetched_for_after_link(force) -> dict[str, object]:
    """Each after-link step's prefetch (`register_after_link`), by step name; a prefetch
    that fails is left out, and its step reads for itself after the relink."""
    out = {}
    for name, prefetch in after_link_prefetches().items():
        try:
            out[name] = prefetch(force)
        except Exception as error:  # noqa: BLE001 - the step does the work itself instead
            logger.warning("relink evidence: prefetch for %r failed (%s); the step reads it "
                           "after the relink", name, type(error).__name__)
    return out


def _prepared(force, prefetched: dict, moves: dict[int, int]) -> dict[str, object]:
    """Each waiting step's prepare (`register_after_link`) of its prefetch and the relink's
    moves; one that fails is left out, and its step reads for itself after the relink."""
    out = {}
    for name, prepare in after_link_preparers().items():
        if name not in prefetched:
            continue
        try:
            out[name] = prepare(force, prefetched[name], moves)
        except Exception as error:  # noqa: BLE001 - the step does the work itself instead
            logger.warning("relink evidence: prepare for %r failed (%s); the step reads for "
                           "itself after the relink", name, type(error).__name__)
    return out


def _child(force_pk: int, pipe, moves_pipe, parent_ends) -> None:
    """In the forked process, with a connection of its own: read the evidence and send it,
    then read what the after-link steps can read before the persons change and send that;
    then, for steps that prepare, wait for the relink's moves and send what they prepare.

    Separate messages: the relink needs the evidence as soon as its records are prepared,
    and the after-link inputs only after Splink has linked. At 1 M records the child took
    43 s for all three and the parent 35 s to read and prepare the records: the parent
    waited 10 s for inputs it would not use for another minute (docs/benchmarks.md, "The
    evidence first"). The moves come while the relink writes, on one core: the other
    prepares."""
    # The parent's ends came with the fork: closed here, a parent gone reads as the end.
    for end in parent_ends:
        end.close()
    try:
        force = Force.objects.get(pk=force_pk)
        began = time.perf_counter()
        keys = evidence_keys(force)
        read = time.perf_counter()
        met = counterpart_persons(force)
        parties = time.perf_counter()
        pipe.send(("ok", (keys, met)))
        sent = time.perf_counter()
        del keys, met
        # From here the parent trains on every core: these inputs are wanted a minute later.
        os.nice(AFTER_EVIDENCE_NICENESS)
        prefetched = prefetched_for_after_link(force)
        # Nothing more is read here: the relink may write from now on.
        connections.close_all()
        done = time.perf_counter()
        waiting = [name for name in after_link_preparers() if name in prefetched]
        pipe.send(("ok", ({name: value for name, value in prefetched.items()
                           if name not in waiting}, waiting)))
        timings = {"evidence": round(read - began, 1), "counterparts": round(parties - read, 1),
                   "sending evidence": round(sent - parties, 1),
                   "after-link inputs": round(done - sent, 1),
                   "sending inputs": round(time.perf_counter() - done, 1)}
        if waiting:
            # The relink writes on one core now: the prepare has the other, niced or not.
            moves = _receive_moves(moves_pipe)
            began = time.perf_counter()
            prepared = {} if moves is None else _prepared(
                force, {name: prefetched[name] for name in waiting}, moves)
            done = time.perf_counter()
            # the parent takes it once the relink has committed: the send waits till then
            pipe.send(("ok", prepared))
            timings.update({"preparing": round(done - began, 1),
                            "sending prepared": round(time.perf_counter() - done, 1)})
        logger.info("relink evidence read beside force=%s seconds=%s", force.code, timings)
    except Exception as error:  # noqa: BLE001 - any failure: the parent reads it itself
        pipe.send(("failed", type(error).__name__))
    finally:
        connections.close_all()
        pipe.close()
        moves_pipe.close()


def _receive_moves(moves_pipe) -> dict[int, int] | None:
    """The relink's moves, or None: it wrote none (nothing to link) or it is gone."""
    try:
        return moves_pipe.recv()
    except EOFError:
        return None


def _other_threads() -> list[threading.Thread]:
    """Threads besides this one, except tqdm's progress-bar monitor (it holds nothing)."""
    return [thread for thread in threading.enumerate()
            if thread is not threading.current_thread() and not isinstance(thread, TMonitor)]


def _may_fork() -> bool:
    if connection.in_atomic_block or _other_threads():
        return False
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return False
    return "fork" in multiprocessing.get_all_start_methods()


class Evidence:
    """The evidence of one relink: `start(force, records)` before reading the records,
    `keys()` when the engine needs them, `after_link_inputs()` before the relink writes,
    `persons_moving(moves)` from inside its writes, `after_write_inputs()` once they are
    committed, `close()` in any case."""

    def __init__(self, force, process=None, pipe=None, moves_pipe=None):
        self.force, self._process, self._pipe = force, process, pipe
        self._moves_pipe = moves_pipe
        #: whether a child read it (for the run's counts and the tests)
        self.forked = process is not None
        #: after-link step name -> what the child prefetched or prepared for it (nothing
        #: unforked: a small force's steps read for themselves, as fast as reading it here)
        self.prefetched: dict[str, object] = {}
        self._met: list[tuple[str, int, int, str]] | None = None
        #: steps whose input the child prepares once it has the relink's moves
        self._waiting: list[str] = []
        self._moves_sent = False
        #: takes the prepared inputs off the pipe while the relink still writes
        self._receiver: threading.Thread | None = None
        self._prepared_reply: tuple[str, object] = ("failed", "no answer")

    @classmethod
    def start(cls, force, records: int) -> Evidence:
        if records < FORK_FROM_RECORDS or not _may_fork():
            return cls(force)
        # The child must not inherit an open connection: it would share its socket or file
        # handle. Django reconnects here on the next query.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        moves_in, moves_out = context.Pipe(duplex=False)
        process = context.Process(target=_child, daemon=True,
                                  args=(force.pk, send, moves_in, (receive, moves_out)))
        process.start()
        # Each end lives in one process only: a dead child or parent then reads as the end.
        send.close()
        moves_in.close()
        return cls(force, process, receive, moves_out)

    def keys(self) -> dict[tuple[int, str], str]:
        if self._process is None:
            return evidence_keys(self.force)
        status, payload = self._receive()
        if status == "ok":
            keys, self._met = payload
            return keys
        self._finish()
        logger.warning("relink evidence: the forked reader failed (%s); reading it here",
                       payload)
        return evidence_keys(self.force)

    def after_link_inputs(self) -> dict[str, object]:
        """What the child prefetched for the after-link steps (asked after `keys`), once it
        has sent it. Asked before the relink writes: on SQLite a reader still in the file
        would hold the relink's commit off (the child reads nothing after this message)."""
        if self._process is not None and self._met is None:
            # Not asked for (nothing to link): it comes first on the pipe, and is not read
            # here instead if the child failed.
            status, _ = self._receive()
            if status != "ok":
                self._finish()
        if self._process is not None:
            status, payload = self._receive()
            if status == "ok":
                self.prefetched, self._waiting = payload
            else:
                logger.warning("relink evidence: the forked reader could not prefetch (%s); "
                               "the after-link steps read for themselves", payload)
            if not self._waiting:
                self._finish()
        return self.prefetched

    def persons_moving(self, moves: dict[int, int]) -> None:
        """The relink's moves (old person id -> the person id its rows move to), for the
        steps the child prepares beside the writes. Called once, inside the transaction."""
        if self._waiting and not self._moves_sent:
            self._moves_sent = True
            # a child already gone: `after_write_inputs` says so
            with contextlib.suppress(OSError):
                self._moves_pipe.send(moves)
            # The child's answer is taken (read and unpickled) on a thread while the relink
            # writes, which is mostly SQLite, holding no GIL: taken after the commit, it
            # was 1 M records' last wait before reconciliation (docs/benchmarks.md).
            self._receiver = threading.Thread(target=self._take_prepared, daemon=True,
                                              name="relink-evidence-receiver")
            self._receiver.start()

    def _take_prepared(self) -> None:
        try:
            self._prepared_reply = self._receive()
        except OSError as error:  # the pipe closed under it: the steps read for themselves
            self._prepared_reply = ("failed", type(error).__name__)

    def after_write_inputs(self) -> dict[str, object]:
        """Every after-link step's input: `after_link_inputs`' with, for the steps that
        prepare, what the child prepared from the moves (asked once the relink has
        committed; a step the child could not prepare for reads for itself)."""
        if self._process is not None and self._waiting:
            if not self._moves_sent:
                self._moves_pipe.close()  # no moves: the child sends nothing prepared
            if self._receiver is not None:
                self._receiver.join()
                self._receiver = None
                status, payload = self._prepared_reply
            else:
                status, payload = self._receive()
            self._finish()
            if status == "ok":
                self.prefetched.update(payload)
            else:
                logger.warning("relink evidence: the forked reader could not prepare (%s); "
                               "the after-link steps read for themselves", payload)
        return self.prefetched

    def _receive(self) -> tuple[str, object]:
        try:
            return self._pipe.recv()
        except EOFError:
            return "failed", "no answer"

    def _finish(self) -> None:
        self._pipe.close()
        self._moves_pipe.close()
        self._process.join()
        self._process = None
        self._waiting = []

    def counterparts(self) -> list[tuple[str, int, int, str]]:
        """`counterpart_persons` of the force (asked after `keys`: the child sends both)."""
        if self._met is None:
            self._met = counterpart_persons(self.force)
        met, self._met = self._met, []
        return met

    def close(self) -> None:
        """Stop a child whose evidence or inputs were never asked for (the relink failed
        first)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            if self._receiver is not None:
                self._receiver.join()  # the child gone, its pipe reads as the end
                self._receiver = None
            self._pipe.close()
            self._moves_pipe.close()
            self._process = None
