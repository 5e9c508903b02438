"""Incident logs and who was involved (POLE's E, linking P with a role)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

# Haven's own system: a person the caller or the officer tells us about is recorded as a
# source record of this system and linked like any other (people.do_add_source_record).
HAVEN_SYSTEM = "haven"


class Incident(models.Model):
    class ReportedVia(models.TextChoices):
        CALL = "call", "999/101 call"
        STATION = "station", "Station front counter"
        PARTNER = "partner", "Partner agency"
        ONLINE = "online", "Online"
        OFFICER = "officer", "Officer"

    class Category(models.TextChoices):
        DOMESTIC = "domestic", "Domestic abuse"
        STALKING = "stalking", "Stalking"
        HARASSMENT = "harassment", "Harassment"
        HONOUR_BASED = "honour_based", "Honour-based abuse"
        OTHER = "other", "Other"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="incidents")
    reference = models.CharField(max_length=32)
    reported_via = models.CharField(max_length=16, choices=ReportedVia.choices)
    category = models.CharField(max_length=16, choices=Category.choices)
    domestic_abuse = models.BooleanField(default=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField()
    address_line = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    summary = models.TextField(blank=True)
    children_present = models.BooleanField(null=True, blank=True)
    state = models.CharField(max_length=24, default="opened")
    # Set when the incident came from a legacy export rather than a live call.
    source_system = models.CharField(max_length=64, blank=True)
    source_id = models.CharField(max_length=128, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="one_reference_per_force")
        ]
        indexes = [
            models.Index(fields=["force", "postcode"]),
            # The call screen's "incidents at this address" asks for the postcode in any
            # case: an index on the upper-cased postcode answers it without reading every
            # incident of the force (185 ms a question at 200k people). The postcode first:
            # led by the force, SQLite read a whole force's incidents in postcode order
            # through it, not in the table's order (a 1 M relink's reads 24 s longer).
            models.Index(Upper("postcode"), models.F("force"), name="intake_inc_pc_upper_force"),
        ]

    def __str__(self) -> str:
        return self.reference


class Involvement(models.Model):
    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        SUSPECT = "suspect", "Suspect"
        WITNESS = "witness", "Witness"
        CHILD = "child", "Child"
        CALLER = "caller", "Caller"
        OTHER = "other", "Other"

    class Relationship(models.TextChoices):
        PARTNER = "partner", "Partner"
        EX_PARTNER = "ex_partner", "Ex-partner"
        FAMILY = "family", "Family"
        OTHER = "other", "Other"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    relationship = models.CharField(max_length=16, choices=Relationship.choices, blank=True)
    # Set when Haven itself recorded this person from what was said on this log (a source
    # record of system "haven" with this source id), so that its details can be corrected.
    haven_source_id = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="one_role_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} on {self.incident_id}"


class IncidentState(models.TextChoices):
    """The log's lifecycle, in order. `haven.intake.rules.NEXT_STATE` says which step may follow."""

    OPENED = "opened", "Opened"
    DISPATCHED = "dispatched", "Dispatched"
    ATTENDED = "attended", "Attended"
    RISK_ASSESSED = "risk_assessed", "Risk assessed"
    ENDORSED = "endorsed", "Sergeant endorsed"
    CLOSED = "closed", "Closed"


class ResponseGrade(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate"
    PRIORITY = "priority", "Priority"
    SCHEDULED = "scheduled", "Scheduled"


class IncidentProgress(models.Model):
    """What happened to one log after the call: checklist, grade, flags, timings, supervision.

    One row per incident (kept apart from `Incident` so that legacy imports stay lean).
    """

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="progress")
    question_set = models.CharField(max_length=32, blank=True)
    # {question code: {"answer": str, "not_asked": reason}}; never logged.
    checklist = models.JSONField(default=dict, blank=True)
    checklist_complete = models.BooleanField(default=False)
    grade = models.CharField(max_length=16, choices=ResponseGrade.choices, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    serious = models.BooleanField(default=False)
    serious_reasons = models.JSONField(default=list, blank=True)
    repeat_victim = models.BooleanField(default=False)
    risk_markers = models.JSONField(default=list, blank=True)
    counter_allegation = models.BooleanField(default=False)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Who was sent: a named officer of the force, or a unit's callsign (or both).
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_unit = models.CharField(max_length=32, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    risk_assessed_at = models.DateTimeField(null=True, blank=True)
    risk_assessment_id = models.BigIntegerField(null=True, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    endorsement = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dash_overdue_tagged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Progress of {self.incident_id}"


class Grading(models.Model):
    """One grading decision. Append-only: a re-grade adds a row, the history stays."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="gradings")
    grade = models.CharField(max_length=16, choices=ResponseGrade.choices)
    # THRIVE: threat, harm, risk, investigation, vulnerability, engagement (short notes).
    thrive = models.JSONField(default=dict)
    reason = models.TextField(blank=True, help_text="Why this grade, or why it changed")
    supervisor_rationale = models.TextField(blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delay_risk_checked = models.BooleanField(default=False)
    delay_check_note = models.TextField(blank=True)
    victim_requested = models.BooleanField(default=False)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField()

    class Meta:
        ordering = ["graded_at", "id"]

    def __str__(self) -> str:
        return f"Grading {self.pk} ({self.grade})"


class StateChange(models.Model):
    """Every step of the lifecycle, who took it and when (append-only)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"


class QuestionWording(models.Model):
    """A force's own (licensed) wording for a checklist question, loaded as data.

    Haven ships short labels only; `haven intake_load_wording` loads a force's text.
    """

    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    question_set = models.CharField(max_length=32)
    code = models.CharField(max_length=32)
    wording = models.TextField()
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "question_set", "code"], name="one_wording_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_set}:{self.code}"

class ReferenceCounter(models.Model):
    """The last log number a force gave out on a day: concurrent calls take numbers one after
    another by locking this row, so parallel creations never collide on a reference."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "day"],
                                               name="one_reference_counter_per_force_day")]

    def __str__(self) -> str:
        return f"{self.force_id}:{self.day}:{self.last}"


from haven.intake.reconcile_models import ReconciledIncident  # noqa: E402,F401  (incident reconciliation, issue 10)
