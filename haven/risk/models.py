"""Risk: questionnaires as versioned data, assessments and their answers, grading history.

Question wording is data. Haven ships short labels of its own; a force loads its
licensed wording as a new version, and an assessment keeps the version it was asked with.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Grade(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class QuestionnaireVersion(models.Model):
    """One version of one instrument (DASH 2009 police form, stalking screen, HBA screen …).

    `force` is empty for the versions Haven ships; a force's licensed wording is its own
    version. Versions are never edited once an assessment uses them.
    """

    class Instrument(models.TextChoices):
        DASH_POLICE = "dash-2009-police", "DASH 2009 police form"
        SAFELIVES_RIC = "safelives-ric", "SafeLives Dash risk checklist"
        STALKING = "stalking-screen-2009", "Stalking and harassment screen"
        HBA = "hba-screen", "Honour-based abuse screen"
        DARA = "dara", "DARA"

    instrument = models.CharField(max_length=32, choices=Instrument.choices)
    number = models.PositiveIntegerField()
    force = models.ForeignKey(
        "forces.Force", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=120)
    wording_source = models.CharField(max_length=200, help_text="Whose wording the labels are")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"],
                                    name="one_number_per_instrument")
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"


class Question(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="questions"
    )
    code = models.CharField(max_length=16)
    section = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=300)
    # A high-risk indicator prompted whatever the score (strangulation, threats to kill …).
    indicator = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_code_per_version")
        ]

    def __str__(self) -> str:
        return self.code


class Assessment(models.Model):
    """One risk assessment of one victim, usually after one incident."""

    class Status(models.TextChoices):
        AWAITING_SERGEANT = "awaiting_sergeant", "Awaiting sergeant review"
        AWAITING_HAU = "awaiting_hau", "Awaiting HAU review"
        REVIEWED = "reviewed", "HAU reviewed"

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        TELEPHONE = "telephone", "By telephone"

    class VictimResponse(models.TextChoices):
        ANSWERED = "answered", "Victim answered"
        REFUSED = "refused", "Victim refused"
        UNABLE = "unable", "Victim unable to answer"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    victim = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    incident = models.ForeignKey(
        "intake.Incident", null=True, blank=True, on_delete=models.PROTECT,
        related_name="risk_assessments",
    )
    questionnaire = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=24, choices=Status.choices, default=Status.AWAITING_SERGEANT
    )
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.IN_PERSON)
    victim_response = models.CharField(
        max_length=16, choices=VictimResponse.choices, default=VictimResponse.ANSWERED
    )
    response_reason = models.CharField(max_length=500, blank=True)
    victim_view = models.TextField(blank=True, help_text="The victim's own view of the risk")
    other_information = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    # Current grade: blank until graded.
    grade = models.CharField(max_length=16, choices=Grade.choices, blank=True)
    grade_basis = models.CharField(max_length=32, blank=True, help_text="score / judgement")
    escalation = models.BooleanField(default=False)
    stalking_triggered = models.BooleanField(default=False)
    hba_triggered = models.BooleanField(default=False)
    hba_concern = models.BooleanField(default=False, help_text="HBA or forced marriage indicated")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    sergeant_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sergeant_at = models.DateTimeField(null=True, blank=True)
    safeguarding_guidance = models.TextField(blank=True)
    hau_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hau_at = models.DateTimeField(null=True, blank=True)
    hau_response_matched = models.BooleanField(null=True, blank=True)
    hau_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(fields=["force", "status"]),
            models.Index(fields=["victim", "-completed_at"]),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"

    @property
    def needs_review_flag(self) -> bool:
        return self.method == self.Method.TELEPHONE


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"
        NOT_ASKED = "not_asked", "Not asked"

    class Source(models.TextChoices):
        VICTIM = "victim", "Victim"
        OFFICER = "officer", "Officer observation"
        RECORDS = "records", "Records"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=16, choices=Value.choices)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.VICTIM)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["question__version_id", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="one_answer_per_q")
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"


class Child(models.Model):
    """A child or dependant recorded on the assessment (R-CHILD-01)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(max_length=120)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    school = models.CharField(max_length=120, blank=True)
    present = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return f"Child {self.pk}"


class GradingEvent(models.Model):
    """Who graded, in what role, when, from what to what and why. Never updated or deleted."""

    class Stage(models.TextChoices):
        OFFICER = "officer", "Attending officer"
        SERGEANT = "sergeant", "Sergeant review"
        HAU = "hau", "HAU review"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="grading_events"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    at = models.DateTimeField()
    from_grade = models.CharField(max_length=16, choices=Grade.choices, blank=True)
    to_grade = models.CharField(max_length=16, choices=Grade.choices)
    rationale = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Grading {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Grading history is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Grading history is immutable.")


class ReassessmentFlag(models.Model):
    """Live risk: something happened that means the victim's grade needs a fresh look."""

    class Source(models.TextChoices):
        INCIDENT = "incident_recorded", "New incident"
        CUSTODY = "custody_event", "Custody event"
        BREACH = "order_breached", "Order breached"
        OTHER = "other", "Other"

    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    source = models.CharField(max_length=32, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"Flag {self.pk}"
