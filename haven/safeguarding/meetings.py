"""Vulnerable people meetings: the local, multi-agency meeting about medium and standard
risk cases and the families in them (high risk goes to MARAC).

`meeting_list(user, area, on)` lists the force's open cases in the area at the risk levels of
policy `meeting_grades`, opened or changed within `meeting_window_days`, each with the
number of children known at the victim's address (a family to discuss) and any outcome
already recorded at the day's meeting. `do_record_meeting_outcome` records what was
decided, on the victim's chronology too.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from haven.access.log import Action, record_access, record_list_access
from haven.chronology.services import Sensitivity, record_entry
from haven.core.actions import action
from haven.forces.policy import policy
from haven.people.access import scoped_persons
from haven.people.history import history_summaries
from haven.safeguarding.models import Case
from haven.safeguarding.models_partners import MeetingItem, VulnerablePeopleMeeting
from haven.safeguarding.referrals import person_of
from haven.safeguarding.services import scoped_cases

RECORD_TYPE = "vulnerable_people_meeting"


class MeetingRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def areas_of(user) -> list[str]:
    """The areas (postcode districts) of the force's open cases, for choosing a meeting."""
    if not user.force_id:
        return []
    return sorted({a for a in scoped_cases(user).filter(
        force_id=user.force_id, status=Case.Status.OPEN).values_list("area", flat=True) if a})


def local_cases(user, area: str, *, now=None):
    """Open cases of the user's force in the area, at the meeting's risk levels, that were
    opened or changed within the policy window: newest activity first."""
    now = now or timezone.now()
    force = user.force
    grades = policy(force, "meeting_grades")
    since = now - dt.timedelta(days=policy(force, "meeting_window_days"))
    return (scoped_cases(user).filter(force_id=user.force_id, status=Case.Status.OPEN,
                                      grade__in=grades, area=area)
            .filter(Q(opened_at__gte=since) | Q(events__at__gte=since))
            .distinct().order_by("-opened_at", "-id"))


def meeting_on(force, area: str, day) -> VulnerablePeopleMeeting | None:
    return VulnerablePeopleMeeting.objects.filter(force=force, area=area, held_on=day).first()


def meeting_list(user, area: str, *, day=None, now=None) -> list[dict]:
    """The rows of the day's meeting, logged as a list showing persons."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    cases = list(local_cases(user, area, now=now)[:200])
    persons = {p.pk: p for p in scoped_persons(user).filter(
        pk__in=[c.person_id for c in cases])}
    summaries = history_summaries(list(persons.values()), at=now)
    meeting = meeting_on(user.force, area, day)
    outcomes = {}
    if meeting is not None:
        outcomes = {i.case_id: i for i in meeting.items.select_related("recorded_by")}
    rows = []
    for case in cases:
        person = persons.get(case.person_id)
        if person is None:
            continue
        children = summaries.get(person.pk, {}).get("children_at_address", 0)
        rows.append({"case": case, "person": person, "children": children,
                     "outcome": outcomes.get(case.pk),
                     "review_due": case.next_review_at})
    record_list_access(user, record_type=RECORD_TYPE, reason=f"vulnerable people meeting {area}",
                       shown={r["person"].pk: [f"case:{r['case'].pk}"] for r in rows})
    return rows


@action("meeting.record", record_type=RECORD_TYPE)
def do_record_meeting_outcome(case, *, area: str, outcome: str, attendees: str = "",
                              actor) -> MeetingItem:
    """Record what the meeting decided about one case (today's meeting for the area)."""
    if case.force_id != actor.force_id or not scoped_cases(actor).filter(pk=case.pk).exists():
        raise Http404("Not found")
    outcome = (outcome or "").strip()
    if not outcome:
        raise MeetingRefused("outcome", "Say what the meeting decided")
    now = timezone.now()
    meeting, _ = VulnerablePeopleMeeting.objects.get_or_create(
        force_id=actor.force_id, area=area, held_on=timezone.localdate(now),
        defaults={"created_by": actor, "attendees": attendees[:300]})
    if attendees and attendees != meeting.attendees:
        meeting.attendees = attendees[:300]
        meeting.save(update_fields=["attendees"])
    if MeetingItem.objects.filter(meeting=meeting, case=case).exists():
        raise MeetingRefused("outcome", "An outcome is already recorded for this case today")
    item = MeetingItem.objects.create(meeting=meeting, case=case, person_id=case.person_id,
                                      outcome=outcome[:2000], recorded_at=now,
                                      recorded_by=actor)
    record_access(actor, Action.COLLECTION, record_type=RECORD_TYPE, record_id=meeting.pk,
                  person_id=case.person_id, detail={"case": case.pk, "item": item.pk})
    person = person_of(actor, case.person_id)
    record_entry(person, occurred_at=now, kind="vulnerable_people_meeting",
                 source_room="safeguarding", source_type="meeting_item", source_id=item.pk,
                 summary=f"Vulnerable people meeting ({area}): {outcome}",
                 sensitivity=Sensitivity.RESTRICTED, actor=actor)
    return item
