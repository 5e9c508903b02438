"""Home-page sections of the MARAC room. Every row names the person and says what is due
when; the home page logs the persons shown.

- the coordinator: referrals waiting to be listed, the coming meetings (when the list must go
  out), actions overdue;
- the chair (inspector, superintendent): the meetings to chair;
- a partner user: the cases on its agency's lists to research before the meeting, its
  agency's open actions, and (IDVA) the victims to contact with the working-day clock.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from haven.access.capabilities import can
from haven.marac import services
from haven.marac.models import Case, Meeting, Referral
from haven.web.home import register_section

LIMIT = 30


def _police(user) -> bool:
    return not getattr(user, "is_partner", False)


def waiting(user):
    if not _police(user):
        return []
    rows = (services.scoped_referrals(user).filter(status=Referral.Status.AWAITING)
            .select_related("victim", "area").order_by("referred_at", "pk")[:LIMIT])
    items = [{"text": "Refer a victim to MARAC", "url": reverse("marac:referral_new"),
              "meta": "any criterion"}]
    for r in rows:
        label = "Repeat MARAC" if r.is_repeat else r.get_criterion_display()
        items.append({
            "text": f"{r.victim.display_name}: {label} ({r.area_name})",
            "url": reverse("marac:referral", args=[r.pk]),
            "meta": f"Referred {timezone.localtime(r.referred_at):%-d %b %Y}; list at the next "
                    "meeting",
            "person_id": r.victim_id, "record": f"marac_referral:{r.pk}"})
    return items


def meetings(user):
    if not _police(user):
        return []
    now = timezone.now()
    rows = (services.scoped_meetings(user).filter(closed_at__isnull=True)
            .select_related("area").order_by("held_at")[:LIMIT])
    items = []
    if can(user, "marac.coordinate"):
        items.append({"text": "Plan a MARAC meeting", "url": reverse("marac:meeting_new"),
                      "meta": "or an emergency MARAC"})
    for m in rows:
        due = services.list_due_on(m)
        if m.list_sent_at:
            meta = f"List sent {timezone.localtime(m.list_sent_at):%-d %b}"
        elif m.emergency:
            meta = "Emergency: send the list as soon as it is built"
        else:
            late = " (late)" if due < timezone.localdate() else ""
            meta = f"List to agencies by {due:%-d %b %Y}{late}"
        held = timezone.localtime(m.held_at)
        items.append({"text": f"{m} on {held:%-d %b %Y at %H:%M}"
                              f"{' (overdue)' if m.held_at < now else ''}",
                      "url": reverse("marac:meeting", args=[m.pk]), "meta": meta})
    if can(user, "marac.governance"):
        items.append({"text": "MARAC governance: areas and measures",
                      "url": reverse("marac:governance"), "meta": ""})
    return items


def overdue(user):
    if not _police(user):
        return []
    today = timezone.localdate()
    rows = (services.scoped_actions(user).filter(done_at__isnull=True, due_on__lt=today)
            .select_related("agency", "case__referral__victim").order_by("due_on")[:LIMIT])
    return [{"text": f"{a.case.referral.victim.display_name}: {a.agency_name} — "
                     f"{a.description[:80]}",
             "url": reverse("marac:case", args=[a.case_id]),
             "meta": f"Was due {a.due_on:%-d %b %Y} ({a.owner})",
             "person_id": a.case.referral.victim_id, "record": f"marac_action:{a.pk}"}
            for a in rows]


def research(user):
    if _police(user):
        return []
    rows = (services.scoped_cases(user).filter(meeting__closed_at__isnull=True)
            .select_related("meeting__area", "referral__victim")
            .order_by("meeting__held_at", "position")[:LIMIT])
    done = set(Case.objects.filter(pk__in=[c.pk for c in rows],
                                   research__agency_id=user.agency_id)
               .values_list("pk", flat=True))
    return [{"text": f"{c.referral.victim.display_name} ({c.meeting})",
             "url": reverse("marac:case", args=[c.pk]),
             "meta": ("Research recorded" if c.pk in done else "Research due before")
                     + f" the meeting on {timezone.localtime(c.meeting.held_at):%-d %b %Y}",
             "person_id": c.referral.victim_id, "record": f"marac_case:{c.pk}"}
            for c in rows]


def agency_actions(user):
    if _police(user):
        return []
    rows = (services.scoped_actions(user).filter(done_at__isnull=True)
            .select_related("case__referral__victim").order_by("due_on")[:LIMIT])
    today = timezone.localdate()
    return [{"text": f"{a.case.referral.victim.display_name}: {a.description[:80]}",
             "url": reverse("marac:case", args=[a.case_id]),
             "meta": f"{'Overdue: was due' if a.due_on < today else 'Due'} {a.due_on:%-d %b %Y}",
             "person_id": a.case.referral.victim_id, "record": f"marac_action:{a.pk}"}
            for a in rows]


def idva_contacts(user):
    rows = (services.scoped_referrals(user).filter(idva_offered=True, idva_outcome="")
            .select_related("victim").order_by("idva_due_at")[:LIMIT])
    now = timezone.now()
    return [{"text": f"{r.victim.display_name}: IDVA contact after MARAC referral",
             "url": reverse("marac:referral", args=[r.pk]),
             "meta": f"{'Overdue: was due' if r.idva_due_at and r.idva_due_at < now else 'Due'}"
                     f" by {timezone.localtime(r.idva_due_at):%-d %b %Y}"
                     if r.idva_due_at else "",
             "person_id": r.victim_id, "record": f"marac_referral:{r.pk}"} for r in rows]


def chair(user):
    if can(user, "marac.coordinate"):
        return []  # the coordinator's own section lists the meetings
    # An area with a named chair shows its meetings to that chair only.
    rows = (Meeting.objects.filter(force_id=user.force_id, closed_at__isnull=True)
            .filter(Q(area__chair=user) | Q(area__chair__isnull=True))
            .select_related("area").order_by("held_at")[:LIMIT])
    return [{"text": f"{m} on {timezone.localtime(m.held_at):%-d %b %Y at %H:%M}",
             "url": reverse("marac:meeting", args=[m.pk]),
             "meta": f"{m.cases.count()} cases listed"} for m in rows]


def register() -> None:
    register_section("MARAC referrals waiting to be listed", "marac.coordinate", waiting)
    register_section("MARAC meetings", "marac.coordinate", meetings)
    register_section("MARAC actions overdue", "marac.coordinate", overdue)
    register_section("MARAC meetings to chair", "marac.chair", chair)
    register_section("MARAC cases to research", "marac.research", research)
    register_section("MARAC actions for your agency", "marac.action", agency_actions)
    register_section("IDVA contact after MARAC referral", "marac.idva_contact", idva_contacts)
