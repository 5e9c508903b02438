"""The safeguarding room's tables: the victim's case and what hangs on it.

Case, plan, allocation, contact preferences, break-glass and alliance sharing are here;
referrals, letters, meetings and the daily board are in `models_partners.py`.

The victim is a foreign key to the people room's Person (by label, never an import of its
models), so merges, unmerges and relinks carry the case along with the person; code uses
`person_id` only and reads people through the people room's services. Every table users
edit carries `version` for `haven.core.concurrency.update_if_unchanged`.
"""

from django.conf import settings
from django.db import models


class Grade(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


GRADE_ORDER = {Grade.STANDARD: 0, Grade.MEDIUM: 1, Grade.HIGH: 2}


class Case(models.Model):
    """The victim's case: one per victim per force, opened by the HAU review, re-opened by
    a new incident, closed only with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+",
        help_text="The victim (people room)")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)
    grade = models.CharField(max_length=8, choices=Grade.choices)
    # The assessment that last set the grade (risk room), for the link back.
    assessment_id = models.PositiveBigIntegerField(null=True, blank=True)
    allocated_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="The domestic abuse risk manager (high risk)")
    allocated_team = models.CharField(
        max_length=80, blank=True,
        help_text="The neighbourhood team for the victim's area (medium and standard)")
    # The area the victim lives in (from the postcode district); never the address itself.
    area = models.CharField(max_length=80, blank=True)
    # The area came from a confidential (refuge) address: it routes the case, never shown.
    area_confidential = models.BooleanField(default=False)
    next_review_at = models.DateTimeField(null=True, blank=True)
    # Safety-relevant markers shown even on the sanitised view ("do not visit unannounced").
    markers = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "person"],
                                    name="one_case_per_victim_per_force"),
        ]
        indexes = [models.Index(fields=["force", "status"])]

    def __str__(self) -> str:
        return f"Case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseEvent(models.Model):
    """The case's own history: opened, updated, closed, re-opened, regraded, reallocated."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        UPDATED = "updated", "Updated by HAU review"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Re-opened"
        REGRADED = "regraded", "Risk level changed"
        ALLOCATED = "allocated", "Allocated"
        REALLOCATED = "reallocated", "Reallocated"
        SHARED = "shared", "Shared with another force"
        SHARE_WITHDRAWN = "share_withdrawn", "Sharing withdrawn"
        PLAN = "plan", "Plan changed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Case event {self.pk}"


class ContactPreferences(models.Model):
    """How the victim may safely be contacted; shown wherever someone might contact them."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    safe_number = models.CharField(max_length=32, blank=True)
    safe_times = models.CharField(max_length=120, blank=True)
    no_messages = models.BooleanField(default=False, help_text="Do not leave messages")
    no_letters_home = models.BooleanField(default=False,
                                          help_text="Do not write to the home address")
    notes = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "contact preferences"
        constraints = [
            models.UniqueConstraint(fields=["force", "person"],
                                    name="one_contact_preferences_per_victim_per_force"),
        ]

    def __str__(self) -> str:
        return f"Contact preferences {self.pk}"


class PlanAction(models.Model):
    """One action of the harm reduction plan."""

    class Kind(models.TextChoices):
        TARGET_HARDENING = "target_hardening", "Target hardening"
        PANIC_ALARM = "panic_alarm", "Panic alarm"
        SAFE_CONTACT = "safe_contact", "Safe contact arrangements"
        BAIL_CONDITIONS = "bail_conditions", "Bail conditions"
        DVPN = "dvpn", "DVPN consideration"
        REFUGE = "refuge", "Refuge"
        MARKER = "marker", "Address or vehicle marker"
        OTHER = "other", "Other"

    class OwnerKind(models.TextChoices):
        PERSON = "person", "Person"
        TEAM = "team", "Team"
        AGENCY = "agency", "Partner agency"

    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    owner_kind = models.CharField(max_length=8, choices=OwnerKind.choices)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    owner_team = models.CharField(max_length=80, blank=True)
    owner_agency = models.ForeignKey("forces.Agency", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Plan action {self.pk}"

    @property
    def owner_name(self) -> str:
        if self.owner_kind == self.OwnerKind.PERSON and self.owner_user_id:
            u = self.owner_user
            return u.get_full_name() or u.username
        if self.owner_kind == self.OwnerKind.AGENCY and self.owner_agency_id:
            return self.owner_agency.name
        return self.owner_team


class PlanActionChange(models.Model):
    """History of a plan action: every status change is kept."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Plan action change {self.pk}"


class RiskChange(models.Model):
    """A change of the case's risk level; lowering it needs the mitigation and a rationale."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_changes")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    from_grade = models.CharField(max_length=8, choices=Grade.choices, blank=True)
    to_grade = models.CharField(max_length=8, choices=Grade.choices)
    mitigation = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    source = models.CharField(max_length=20, default="plan",
                              help_text="plan (a DARM's decision) or hau_review")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Risk change {self.pk}"


class BreakGlass(models.Model):
    """A justified, time-limited full view of a case by a role without full need."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    review_note = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name_plural = "break-glass accesses"

    def __str__(self) -> str:
        return f"Break-glass {self.pk}"


class CaseShare(models.Model):
    """A case shared with the other force of the alliance, with a reason; withdrawable."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    with_force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdraw_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-shared_at", "-id"]

    def __str__(self) -> str:
        return f"Case share {self.pk}"


class Intelligence(models.Model):
    """Public-protection intelligence about a person (legacy intel.csv and new), owned here.

    The chronology entry points back to this row; the text is read only from here."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    source_system = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    grading = models.CharField(max_length=16, blank=True, help_text="e.g. 3x5x2 grading")
    text = models.TextField()
    sensitivity = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "source_system", "source_id"],
                                    condition=~models.Q(source_id=""),
                                    name="one_intelligence_row_per_source"),
        ]

    def __str__(self) -> str:
        return f"Intelligence item {self.pk}"


from haven.safeguarding.models_partners import *  # noqa: E402,F401,F403
