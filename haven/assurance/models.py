"""Audits of domestic abuse calls and risk assessments (issue 17): the sample drawn each
period (with its seed and configuration, so the draw can be re-done and checked), each audit
with its answers, feedback and acknowledgement, blind second markings, and the team each
member of staff is on (for trends by team)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    CALL = "call", "Call"
    DASH = "dash", "DASH risk assessment"


class Sample(models.Model):
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField(help_text="The day after the period (exclusive)")
    seed = models.BigIntegerField()
    # per_staff, weights, double_share, reaudit_staff, reaudit_extra, rules version: all a
    # re-draw needs besides the candidates.
    config = models.JSONField(default=dict)
    candidates = models.PositiveIntegerField(default=0)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_start", "kind"]
        constraints = [models.UniqueConstraint(fields=["force", "kind", "period_start"],
                                               name="one_sample_per_force_kind_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sample {self.period_start:%b %Y}"


class Audit(models.Model):
    class Reason(models.TextChoices):
        SAMPLE = "sample", "Random sample"
        REAUDIT = "reaudit", "Re-audit after a failed audit"

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        COMPLETED = "completed", "Completed"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sample = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="audits")
    # The call (intake incident) or the assessment (risk) audited: its id and reference only.
    subject_id = models.BigIntegerField()
    subject_reference = models.CharField(max_length=64)
    subject_at = models.DateTimeField()
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", help_text="The member of staff audited")
    reason = models.CharField(max_length=8, choices=Reason.choices, default=Reason.SAMPLE)
    repeat = models.BooleanField(default=False)
    high_risk = models.BooleanField(default=False)
    # A blind second marking of the same call by another auditor (for agreement only).
    second_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="second_markings")
    reaudit_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="reaudits")
    form_version = models.CharField(max_length=32)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    # The force's own system's id or address of the call recording: referenced, never copied.
    recording_reference = models.CharField(max_length=300, blank=True)
    feedback = models.TextField(blank=True, help_text="To the member of staff: no victim details")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["subject_at", "id"]
        indexes = [models.Index(fields=["force", "kind", "status"]),
                   models.Index(fields=["staff", "status"])]
        constraints = [models.UniqueConstraint(
            fields=["sample", "subject_id"], condition=Q(second_of__isnull=True),
            name="one_primary_audit_per_subject_in_a_sample")]

    def __str__(self) -> str:
        return f"Audit {self.pk} of {self.subject_reference}"

    @property
    def is_second(self) -> bool:
        return self.second_of_id is not None


class AuditAnswer(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    code = models.CharField(max_length=32)
    value = models.CharField(max_length=3, choices=[("yes", "Yes"), ("no", "No"),
                                                    ("na", "Not applicable")])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "code"],
                                               name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.code}: {self.value}"
