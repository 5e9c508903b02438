"""The perpetrators room's services: load the force's DA incidents and crimes (through
intake's and investigation's doors) onto linked persons, identify serial and repeat
perpetrators, rank them by RFGV, keep the management programme, and alert the HAU when a
serial perpetrator appears with a new partner.

Reads: `access_perpetrator(user, person_id)`; changes: the `do_…` actions below.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from haven.access.capabilities import MATRIX, can, require
from haven.access.log import Action, Outcome, record_access, record_list_access
from haven.access.models import User
from haven.chronology.services import Sensitivity, record_entry
from haven.core.actions import action, unchanged
from haven.core.api import db_int
from haven.core.concurrency import update_if_unchanged
from haven.core.refusals import Refused
from haven.forces.policy import policy, policy_snapshot
from haven.intake import public as intake
from haven.investigation import public as investigation
from haven.people.access import household_links, pending_review_links, persons_by_id
from haven.people.addresses import address_areas
from haven.perpetrators import rules
from haven.perpetrators.harm import DEFAULT_HARM_DAYS, parse_harm_table
from haven.perpetrators.models import (
    Adoption,
    HarmWeight,
    Intervention,
    NewPartnerAlert,
    PrimaryDetermination,
    Ranked,
    Run,
    SeveralAbusers,
)
from haven.protection.public import orders_in_force
from haven.tasks.services import do_create_task, tasks_from

LIST_LIMIT = 200
SUSPECT, VICTIM = "suspect", "victim"




# ---- Loading the force's records onto persons -------------------------------------------


def harm_days(force) -> dict[str, int]:
    """offence -> days: the force's loaded table over the shipped defaults."""
    table = {offence: days for offence, (days, _basis) in DEFAULT_HARM_DAYS.items()}
    table.update(dict(HarmWeight.objects.filter(force=force).values_list("offence", "days")))
    return table


def harm_table(force) -> list[dict]:
    """The table as shown: each offence, its days, and where the figure comes from."""
    loaded = {w.offence: w for w in HarmWeight.objects.filter(force=force)}
    out = []
    for offence, label in investigation.offence_labels().items():
        days, basis = DEFAULT_HARM_DAYS.get(offence, (1, "[D]"))
        if offence in loaded:
            days, basis = loaded[offence].days, loaded[offence].source or "loaded by the force"
        out.append({"offence": offence, "label": label, "days": days, "basis": basis})
    return out


def serial_days(force, at: dt.date) -> int:
    """The serial window (policy years) in days back from `at`."""
    years = policy(force, "serial_lookback_years", at=at)
    try:
        start = at.replace(year=at.year - years)
    except ValueError:  # 29 February
        start = at.replace(year=at.year - years, day=28)
    return (at - start).days


def _date(value) -> dt.date | None:
    if value is None:
        return None
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _since(at: dt.date, days: int) -> dt.datetime:
    start = at - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def family_links(incidents) -> set[frozenset]:
    """Pairs recorded as family of each other: on one incident, a victim and anyone else
    not a suspect who is recorded as family or as a child (mother and daughter both on the
    log). Family of the *perpetrator* alone connects nobody (MATAC counts familial victims)."""
    links: set[frozenset] = set()
    for inc in incidents:
        victims = [pid for pid, role, _rel in inc["people"] if role == VICTIM]
        for pid, role, rel in inc["people"]:
            if role == SUSPECT:
                continue
            if rel == rules.FAMILY or role == "child" or (role == VICTIM and len(victims) > 1
                                                           and rel == rules.FAMILY):
                for victim in victims:
                    if victim != pid:
                        links.add(frozenset((pid, victim)))
        marked = [pid for pid, role, rel in inc["people"] if role == VICTIM and rel == "family"]
        for a in marked:
            for b in victims:
                if a != b:
                    links.add(frozenset((a, b)))
    return links


def load(force, *, at: dt.date, days: int, person_ids=None, incident_rows=None) -> dict:
    """Everything the rules need, as plain data: allegations (counter-allegations resolved),
    the determinations made, links between people, dates of birth. `incident_rows`: intake's
    rows for (at least) these persons' incidents when the caller has already read them."""
    since = _since(at, days)
    if incident_rows is None:
        incidents = intake.da_involvement_rows(force, since=since, person_ids=person_ids)
    else:
        incidents = intake.da_involvement_rows_among(incident_rows, since=since,
                                                     person_ids=person_ids)
    crimes = investigation.da_crime_rows(force, since=since, person_ids=person_ids)
    # One real event recorded by several systems (reconciled by intake) counts once.
    events: dict[int, dict] = {}
    event_of: dict[int, int] = {}
    for inc in sorted(incidents, key=lambda i: i["id"]):
        when = _date(inc["when"])
        if when is None:
            continue
        key = inc.get("event") or inc["id"]
        event_of[inc["id"]] = key
        item = events.setdefault(key, {"id": key, "label": inc["label"], "when": when,
                                       "victims": {}, "suspects": {}})
        for pid, role, rel in inc["people"]:
            if role in (VICTIM, SUSPECT):
                group = item["victims" if role == VICTIM else "suspects"]
                group[pid] = group.get(pid) or rel
    shaped = [{**e, "victims": list(e["victims"].items()),
               "suspects": list(e["suspects"].items())} for e in events.values()]
    crime_rows = [{**c, "when": _date(c["when"]),
                   "incident_id": event_of.get(c["incident_id"], c["incident_id"])}
                  for c in crimes]
    allegations = rules.allegations_from(shaped, crime_rows)
    recorded = {}
    for det in PrimaryDetermination.objects.filter(force=force).values_list(
            "person_low_id", "person_high_id", "primary_id"):
        recorded[frozenset(det[:2])] = det[2]
    kept, determinations = rules.resolve_counter_allegations(allegations, recorded)
    people = {a.perpetrator for a in kept} | {a.victim for a in kept}
    persons = persons_by_id(people)
    dob = {p.pk: p.date_of_birth for p in persons}
    # Victims (or abusers) who may be one person the linker kept apart count once: pending
    # in the review queue, or the same name (rules.maybe_same).
    victims_of, abusers_of = defaultdict(set), defaultdict(set)
    for a in kept:
        victims_of[a.perpetrator].add(a.victim)
        abusers_of[a.victim].add(a.perpetrator)
    facts = {p.pk: (p.forename, p.surname, p.date_of_birth) for p in persons}
    links = (family_links(incidents) | household_links(people) | pending_review_links(people)
             | rules.maybe_same_links([*victims_of.values(), *abusers_of.values()], facts))
    return {"allegations": kept, "determinations": determinations, "links": links,
            "dob": dob, "all_allegations": allegations}


def _identify(force, data, at):
    return rules.identify(
        data["allegations"], at=at, serial_days=serial_days(force, at),
        min_victims=policy(force, "serial_min_victims", at=at),
        min_age=policy(force, "serial_min_age", at=at),
        repeat_days=policy(force, "repeat_perpetrator_window_days", at=at),
        links=data["links"], dob=data["dob"])


def _score(force, allegations, at, harm):
    return rules.score(
        allegations, at=at, window_days=policy(force, "rfgv_window_days", at=at),
        recency_bands=policy(force, "rfgv_recency_points", at=at),
        frequency_points=policy(force, "rfgv_frequency_points", at=at),
        frequency_cap=policy(force, "rfgv_frequency_cap", at=at), harm_days=harm,
        incident_days=policy(force, "rfgv_incident_gravity_days", at=at),
        gravity_per_day=policy(force, "rfgv_gravity_points_per_day", at=at),
        victim_percent=policy(force, "rfgv_victim_percent", at=at))


def harm_of(allegation, harm: dict, incident_days: int) -> int:
    """Crime-harm days of one allegation (its offences, or a non-crime incident's days)."""
    if allegation.offences:
        return sum(int(harm.get(o, harm.get("other", incident_days))) for o in
                   allegation.offences)
    return incident_days


def compute(force, *, at: dt.date) -> dict:
    """Identification, scores and harm concentration for the whole force on `at`."""
    with policy_snapshot():  # each (force, day) resolved once, not per perpetrator
        return _compute(force, at=at)


def _compute(force, *, at: dt.date) -> dict:
    days = max(serial_days(force, at), policy(force, "rfgv_window_days",
                                                                     at=at))
    data = load(force, at=at, days=days)
    found = _identify(force, data, at)
    harm = harm_days(force)
    incident_days = policy(force, "rfgv_incident_gravity_days", at=at)
    by_perp: dict[int, list] = defaultdict(list)
    for a in data["allegations"]:
        by_perp[a.perpetrator].append(a)
    scores = {pid: _score(force, rows, at, harm) for pid, rows in by_perp.items()}
    scores = {pid: s for pid, s in scores.items() if s.parts}
    window_from = at - dt.timedelta(days=policy(force, "rfgv_window_days", at=at))
    perp_harm: dict[int, int] = defaultdict(int)
    pair_harm: dict[tuple, int] = defaultdict(int)
    for a in data["allegations"]:
        if window_from <= a.when <= at:
            h = harm_of(a, harm, incident_days)
            perp_harm[a.perpetrator] += h
            pair_harm[(a.perpetrator, a.victim)] += h
    mirror = rules.several_abusers(
        data["allegations"], at=at, window_days=serial_days(force, at),
        min_abusers=policy(force, "serial_min_victims", at=at),
        min_age=policy(force, "serial_min_age", at=at), links=data["links"], dob=data["dob"])
    return {"found": found, "scores": scores, "data": data, "mirror": mirror,
            "concentration": {"perpetrators": rules.concentration(perp_harm.values()),
                              "pairs": rules.concentration(pair_harm.values())}}


def _jsonable_concentration(rows):
    return [{**r, "share": str(r["share"])} for r in rows]


@action("perpetrator.refresh", record_type="perpetrator_run", system=True)
def do_refresh_ranking(force, *, trigger: str = Run.Trigger.ON_DEMAND, at=None, actor) -> Run:
    """Rank the force's perpetrators now: a new run with every scored perpetrator, each
    row's parts, and movement since the last run."""
    if actor is not None and actor.force_id != force.pk:
        raise Http404("Not found")
    now = timezone.now()
    at = at or timezone.localdate(now)
    previous = Run.objects.filter(force=force, finished_at__isnull=False).first()
    before = dict(previous.rows.values_list("person_id", "rank")) if previous else {}
    result = compute(force, at=at)
    run = Run.objects.create(force=force, trigger=trigger, as_of=at, started_at=now,
                             started_by=actor if getattr(actor, "is_authenticated", False)
                             else None)
    scores, found = result["scores"], result["found"]
    ids = list(scores)
    areas = address_areas(ids)
    orders = orders_in_force(ids, now)
    custody = investigation.custody_events_of(ids)
    adopted = set(Adoption.objects.filter(force=force, ended_on__isnull=True,
                                          person_id__in=ids).values_list("person_id", flat=True))
    bands = policy(force, "rfgv_bands", at=at)
    ordered = sorted(ids, key=lambda pid: (-scores[pid].total, pid))
    rows = []
    for rank, pid in enumerate(ordered, start=1):
        s, ident = scores[pid], found.get(pid)
        rows.append(Ranked(
            run=run, person_id=pid, rank=rank, previous_rank=before.get(pid), score=s.total,
            recency=s.of("recency"), frequency=s.of("frequency"), gravity=s.of("gravity"),
            victims_points=s.of("victims"), band=rules.band(s.total, bands),
            serial=bool(ident and ident.serial), repeat=bool(ident and ident.repeat),
            victims=ident.victims if ident else [],
            victim_groups=ident.victim_groups if ident else [],
            parts=[{"component": p.component, "text": p.text, "points": p.points,
                    "ref": p.ref, "label": p.label} for p in s.parts],
            area=areas.get(pid, "")[:64],
            live_orders=any(o["role"] == "subject" for o in orders.get(pid, [])),
            in_custody=rules.in_custody(custody.get(pid, [])), on_programme=pid in adopted))
    Ranked.objects.bulk_create(rows, batch_size=500)
    SeveralAbusers.objects.bulk_create([
        SeveralAbusers(run=run, person_id=pid, abuser_groups=groups)
        for pid, groups in sorted(result["mirror"].items())], batch_size=500)
    run.perpetrators = len(rows)
    run.serial = sum(1 for r in rows if r.serial)
    run.repeat = sum(1 for r in rows if r.repeat)
    run.finished_at = timezone.now()
    run.summary = {
        "concentration": {k: _jsonable_concentration(v)
                          for k, v in result["concentration"].items()},
        "counter_allegations": [
            {"pair": sorted(d.pair), "primary": d.primary, "basis": d.basis,
             "set_aside": list(d.set_aside)} for d in result["data"]["determinations"]],
    }
    run.save()
    record_access(actor, Action.COMBINATION, record_type="perpetrator_run", record_id=run.pk,
                  detail={"trigger": trigger, "perpetrators": run.perpetrators,
                          "serial": run.serial, "repeat": run.repeat})
    return run


def latest_run(force) -> Run | None:
    return Run.objects.filter(force=force, finished_at__isnull=False).first()


# ---- Reading: names or pseudonyms ---------------------------------------------------------


def pseudonym(person_id: int) -> str:
    """A stable pseudonym for roles that see no names (analysts): never the id."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"perpetrator:{person_id}".encode(),
                      hashlib.sha256).hexdigest()[:6].upper()
    return f"Nominal {digest}"


def names_for(user, person_ids) -> dict[int, str]:
    """person id -> what this user reads: the name for roles with need, else a pseudonym."""
    if can(user, "perpetrator.names"):
        return {p.pk: p.display_name for p in persons_by_id(person_ids)}
    return {pid: pseudonym(pid) for pid in person_ids}


FILTERS = {"serial": "Serial", "repeat": "Repeat", "live_orders": "Live order",
           "in_custody": "In custody", "not_in_custody": "Not in custody",
           "on_programme": "On the programme", "not_on_programme": "Not on the programme"}


def ranked_list(user, *, filters=(), area: str = "", limit: int = LIST_LIMIT):
    """The latest run's rows for the user's force, filtered; (run, rows)."""
    require(user, "perpetrator.rank")
    run = latest_run(user.force) if user.force_id else None
    if run is None:
        return None, []
    rows = run.rows.all()
    for f in filters:
        if f in ("serial", "repeat", "live_orders", "in_custody", "on_programme"):
            rows = rows.filter(**{f: True})
        elif f == "not_in_custody":
            rows = rows.filter(in_custody=False)
        elif f == "not_on_programme":
            rows = rows.filter(on_programme=False)
    if area:
        rows = rows.filter(area=area)
    return run, list(rows[:limit])


def log_rows(user, rows, *, record_type="perpetrator_list") -> None:
    record_list_access(user, record_type=record_type,
                       shown={r.person_id: [f"perpetrator_rank:{r.pk}"] for r in rows})


def access_perpetrator(user, person_id) -> Ranked:
    """The person's row in the latest run of the user's force that ranked him (with the
    run), or 404; the read (or the refusal) is logged."""
    pk = db_int(person_id)
    row = None
    with transaction.atomic():
        if can(user, "perpetrator.rank") and user.force_id and pk is not None:
            # The latest run naming him (an adopted man who has dropped out of the window
            # keeps his page, from the last run he was in).
            row = Ranked.objects.filter(run__force_id=user.force_id, person_id=pk,
                                        run__finished_at__isnull=False).select_related(
                "run").order_by("-run__started_at", "-run_id").first()
        record_access(user, Action.CONSULTATION, record_type="perpetrator", record_id=person_id,
                      person_id=pk if row else None,
                      outcome=Outcome.ALLOWED if row else Outcome.REFUSED)
    if row is None:
        raise Http404("Not found")
    return row


def explanation(row: Ranked) -> list[dict]:
    """The score's parts grouped by component, each group with its subtotal."""
    groups = []
    for component, title in (("recency", "Recency"), ("frequency", "Frequency"),
                             ("gravity", "Gravity (crime harm)"), ("victims", "Victims")):
        parts = [p for p in row.parts if p["component"] == component]
        groups.append({"component": component, "title": title, "parts": parts,
                       "subtotal": sum(p["points"] for p in parts)})
    return groups


def victim_groups_named(user, row: Ranked) -> list[list[str]]:
    ids = [pid for group in row.victim_groups for pid in group]
    if can(user, "perpetrator.names"):
        names = {p.pk: p.display_name for p in persons_by_id(ids)}
    else:
        names = {pid: f"Victim {n}" for n, pid in enumerate(ids, start=1)}
    return [[names.get(pid, "") for pid in group] for group in row.victim_groups]


# ---- The programme -----------------------------------------------------------------------


def lead_officers(force):
    """Who may lead a perpetrator's management: the force's users who may manage."""
    return User.objects.filter(force=force, is_active=True,
                               role__in=MATRIX["perpetrator.manage"]).order_by("username")


def open_adoption(person_id) -> Adoption | None:
    return Adoption.objects.filter(person_id=person_id, ended_on__isnull=True).first()


@action("perpetrator.manage", record_type="perpetrator_adoption")
def do_adopt_perpetrator(row: Ranked, *, lead_id, reason: str = "", actor) -> Adoption:
    """Adopt the perpetrator of a ranked row onto the management programme with a lead."""
    force = actor.force
    if row.run.force_id != force.pk:
        raise Http404("Not found")
    errors = {}
    lead = lead_officers(force).filter(pk=db_int(lead_id) or 0).first()
    if lead is None:
        errors["lead"] = "Choose the lead officer"
    if open_adoption(row.person_id) is not None:
        errors["lead"] = "He is already on the programme"
    if errors:
        raise Refused(errors)
    now = timezone.now()
    adoption = Adoption.objects.create(force=force, person_id=row.person_id, lead=lead,
                                       reason=reason.strip(), adopted_on=timezone.localdate(now),
                                       adopted_by=actor)
    Ranked.objects.filter(run=row.run, person_id=row.person_id).update(on_programme=True)
    record_access(actor, Action.ALTERATION, record_type="perpetrator_adoption",
                  record_id=adoption.pk, person_id=row.person_id, detail={"lead": lead.pk})
    record_entry(persons_by_id([row.person_id])[0], occurred_at=now, kind="perpetrator_adopted",
                 source_room="perpetrators", source_type="adoption", source_id=adoption.pk,
                 summary="Adopted onto the perpetrator management programme",
                 sensitivity=Sensitivity.CONFIDENTIAL, actor=actor)
    return adoption


@action("perpetrator.manage", record_type="perpetrator_adoption")
def do_add_intervention(adoption: Adoption, *, kind: str, detail: str, owner: str = "",
                        due_on=None, actor) -> Intervention:
    if adoption.force_id != actor.force_id:
        raise Http404("Not found")
    errors = {}
    if kind not in Intervention.Kind.values:
        errors["kind"] = "Choose the kind of intervention"
    if not (detail or "").strip():
        errors["detail"] = "Say what will be done"
    if adoption.ended_on:
        errors["kind"] = "The adoption has ended"
    if errors:
        raise Refused(errors)
    item = Intervention.objects.create(adoption=adoption, kind=kind, detail=detail.strip(),
                                       owner=owner.strip()[:100], due_on=due_on,
                                       recorded_at=timezone.now(), recorded_by=actor)
    record_access(actor, Action.ALTERATION, record_type="perpetrator_intervention",
                  record_id=item.pk, person_id=adoption.person_id, detail={"kind": kind})
    return item


@action("perpetrator.manage", record_type="perpetrator_adoption")
def do_end_adoption(adoption: Adoption, *, version: int, reason: str, actor) -> Adoption:
    if adoption.force_id != actor.force_id:
        raise Http404("Not found")
    if not (reason or "").strip():
        raise Refused({"reason": "Say why he leaves the programme"})
    update_if_unchanged(adoption, version, "Someone changed this adoption: reload the page.",
                        ended_on=timezone.localdate(), end_reason=reason.strip())
    record_access(actor, Action.ALTERATION, record_type="perpetrator_adoption",
                  record_id=adoption.pk, person_id=adoption.person_id,
                  detail={"change": "ended"})
    return adoption


def programme(force, person_id, *, today=None) -> dict | None:
    """The open adoption with its plan, next meeting and the before/after comparison."""
    adoption = open_adoption(person_id)
    if adoption is None or adoption.force_id != force.pk:
        return None
    today = today or timezone.localdate()
    interval = policy(force, "matac_meeting_interval_weeks", at=today)
    months = policy(force, "perpetrator_outcome_months", at=today)
    data = load(force, at=today, days=months * 31 * 2 + 31, person_ids=[person_id])
    mine = [a for a in data["allegations"] if a.perpetrator == person_id]
    harm = harm_days(force)
    incident_days = policy(force, "rfgv_incident_gravity_days", at=today)
    outcome = rules.harm_before_after(mine, adopted_on=adoption.adopted_on, today=today,
                                      months=months,
                                      harm_of=lambda a: harm_of(a, harm, incident_days))
    return {"adoption": adoption, "interventions": list(adoption.interventions.all()),
            "next_meeting": rules.next_meeting_on(adoption.adopted_on, today, interval),
            "interval": interval, "months": months, "outcome": outcome}


def adoptions_of(force):
    return Adoption.objects.filter(force=force, ended_on__isnull=True).select_related(
        "person", "lead").order_by("adopted_on", "pk")


# ---- Counter-allegations: the recorded determination ------------------------------------


@action("perpetrator.determine", record_type="perpetrator_determination")
def do_determine_primary(person_a, person_b, *, primary, rationale: str, actor):
    """Record who is the primary perpetrator of a pair recorded both ways round."""
    if not (rationale or "").strip():
        raise Refused({"rationale": "Give the rationale (history, injuries, fear, control)"})
    if primary.pk not in (person_a.pk, person_b.pk) or person_a.pk == person_b.pk:
        raise Refused({"primary": "The primary perpetrator must be one of the two"})
    for p in (person_a, person_b):
        if p.force_id != actor.force_id:
            raise Http404("Not found")
    low, high = sorted((person_a.pk, person_b.pk))
    det, _ = PrimaryDetermination.objects.update_or_create(
        person_low_id=low, person_high_id=high,
        defaults={"force": actor.force, "primary": primary, "rationale": rationale.strip(),
                  "decided_at": timezone.now(), "decided_by": actor})
    for pid in (low, high):
        record_access(actor, Action.ALTERATION, record_type="perpetrator_determination",
                      record_id=det.pk, person_id=pid)
    return det


# ---- The harm table ----------------------------------------------------------------------


@action(None, record_type="perpetrator_harm_table", system=True)
def do_load_harm_table(force, text: str, *, actor) -> int:
    """Replace the force's crime-harm weights with a published table (CSV)."""
    rows = parse_harm_table(text, set(investigation.offence_labels()))
    now = timezone.now()
    for offence, days, source in rows:
        HarmWeight.objects.update_or_create(force=force, offence=offence, defaults={
            "days": days, "source": source or "loaded table", "loaded_at": now})
    record_access(actor, Action.ALTERATION, record_type="perpetrator_harm_table",
                  record_id=force.pk, detail={"rows": len(rows)})
    return len(rows)


# ---- New-partner alert -------------------------------------------------------------------


def new_partner_candidates(force, incident_id, *, at: dt.date) -> list[tuple[int, int]]:
    """(serial perpetrator, new person) pairs on this incident: the suspect is serial on his
    earlier records, and the victim is none of his earlier victims nor connected to them
    (family or one household), nor recorded as his family."""
    rows = intake.da_involvement_rows(force, person_ids=_people_of(incident_id))
    incident = [i for i in rows if i["id"] == incident_id]
    if not incident:
        return []
    people = incident[0]["people"]
    this = {f"incident:{incident_id}", f"incident:{incident[0]['event']}"}
    suspects = [pid for pid, role, _rel in people if role == SUSPECT]
    victims = [(pid, rel) for pid, role, rel in people if role == VICTIM]
    out = []
    min_victims = policy(force, "serial_min_victims", at=at)
    for suspect in suspects:
        if _people_alongside(force, suspect, rows, incident_id, min_victims) < min_victims:
            continue  # too few people ever recorded with him to be serial: no full load
        data = load(force, at=at, days=serial_days(force, at),
                    person_ids=[suspect], incident_rows=rows)
        earlier = [a for a in data["allegations"] if a.perpetrator == suspect
                   and a.ref not in this]
        found = rules.identify(
            earlier, at=at, serial_days=serial_days(force, at),
            min_victims=policy(force, "serial_min_victims", at=at),
            min_age=policy(force, "serial_min_age", at=at),
            repeat_days=policy(force, "repeat_perpetrator_window_days", at=at),
            links=data["links"], dob=data["dob"]).get(suspect)
        if found is None or not found.serial:
            continue
        before = set(found.victims)
        for victim, rel in victims:
            if victim == suspect or victim in before or rel == rules.FAMILY:
                continue
            links = household_links(before | {victim}) | data["links"]
            if any(frozenset((victim, b)) in links for b in before):
                continue
            out.append((suspect, victim))
    return out


def _people_alongside(force, suspect, incident_rows, incident_id, enough: int) -> int:
    """How many other people were recorded with `suspect` in any other DA incident (any role,
    any date) or in any DA crime (counted up to `enough`): at least as many as his earlier
    victim groups, since counter-allegations, windows and links only remove or merge
    victims. Fewer than `serial_min_victims` means he cannot be serial, so his whole history
    is not loaded."""
    people = {pid for row in incident_rows if row["id"] != incident_id
              and any(p == suspect for p, _r, _rel in row["people"])
              for pid, _role, _rel in row["people"]} - {suspect}
    if len(people) >= enough:
        return len(people)
    for crime in investigation.da_crime_rows(force, person_ids=[suspect]):
        people.update(p for p in (crime["victim"], crime["suspect"]) if p)
    return len(people - {suspect})


def _people_of(incident_id) -> list[int]:
    found = intake.incident(incident_id)
    if found is None:
        return []
    return [p.pk for p in intake.victims_of(found) + intake.suspects_of(found)]


@action(None, record_type="perpetrator_alert", system=True)
def do_raise_new_partner_alerts(incident_id: int, *, actor) -> list[NewPartnerAlert]:
    """The HAU's task to consider a right-to-know disclosure, once per (incident,
    perpetrator, new person)."""
    found = intake.incident(incident_id)
    if found is None or not found.domestic_abuse:
        unchanged()
        return []
    force = found.force
    now = timezone.now()
    made = []
    for perp, victim in new_partner_candidates(force, incident_id, at=timezone.localdate(now)):
        if NewPartnerAlert.objects.filter(incident_id=incident_id, perpetrator_id=perp,
                                          new_person_id=victim).exists():
            continue
        due = now + dt.timedelta(hours=policy(force, "new_partner_alert_due_hours", at=now))
        alert = NewPartnerAlert.objects.create(force=force, perpetrator_id=perp,
                                               new_person_id=victim, incident_id=incident_id,
                                               raised_at=now)
        task = do_create_task(
            force, kind="right_to_know", owner_role="hau", due_at=due,
            title=f"Consider a Clare's Law right-to-know disclosure ({found.reference}): "
                  "new partner of a serial perpetrator",
            source_room="perpetrators", source_type="new_partner_alert", source_id=alert.pk,
            person=persons_by_id([victim])[0], actor=actor)
        NewPartnerAlert.objects.filter(pk=alert.pk).update(task_id=task.pk)
        record_access(actor, Action.COLLECTION, record_type="perpetrator_alert",
                      record_id=alert.pk, person_id=perp, detail={"task": task.pk})
        made.append(alert)
    if not made:
        unchanged()
    return made


def on_incident_recorded(event) -> None:
    """IncidentRecorded (after commit, as the system): a serial perpetrator with a new,
    unconnected person alerts the HAU."""
    do_raise_new_partner_alerts(event.incident_id, actor=None)


def open_alerts(force):
    """The force's alerts whose HAU task is still open (for the HAU's home section)."""
    alerts = list(NewPartnerAlert.objects.filter(force=force).select_related(
        "perpetrator", "new_person").order_by("-raised_at")[:200])
    still_open = set(tasks_from(source_room="perpetrators", source_type="new_partner_alert",
                                source_ids=[a.pk for a in alerts], open_only=True)
                     .values_list("source_id", flat=True))
    return [a for a in alerts if str(a.pk) in still_open][:30]

