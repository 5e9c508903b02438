"""Referrals to partner agencies, letters, vulnerable people meetings, the daily board.

Persons are named by id (the people room owns them); a partner agency is a reference row
(`forces.Agency`). Tables users edit carry `version` for optimistic concurrency.
"""

from django.conf import settings
from django.db import models

__all__ = ["BoardTask", "Letter", "LetterTemplate", "MeetingItem", "PartnerEntry", "Referral",
           "VulnerablePeopleMeeting"]


class Referral(models.Model):
    """A victim's case referred to one partner agency. Sharing is per case and per agency:
    while a referral is awaiting an answer or accepted, the agency's staff see the case."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting the agency's answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Sharing withdrawn"

    class Consent(models.TextChoices):
        GIVEN = "given", "The victim consented"
        NOT_GIVEN = "not_given", "Shared without consent (lawful basis recorded)"

    class LawfulBasis(models.TextChoices):
        SAFEGUARDING = "safeguarding", (
            "Safeguarding an individual at risk (DPA 2018 Sch 8 para 4)")
        CHILDREN = "children", "Safeguarding children (Children Act 2004 s.11)"
        CRIME = "crime", "Prevention or detection of crime (DPA 2018 Sch 2 para 2)"
        VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Art 6(1)(d))"

    ACTIVE = (Status.PENDING, Status.ACCEPTED)

    case = models.ForeignKey("safeguarding.Case", on_delete=models.PROTECT,
                             related_name="referrals")
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+",
        help_text="The victim (people room)")
    agency = models.ForeignKey("forces.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why the agency is asked to help")
    consent = models.CharField(max_length=10, choices=Consent.choices)
    lawful_basis = models.CharField(max_length=16, choices=LawfulBasis.choices, blank=True)
    basis_note = models.TextField(blank=True, help_text="Why consent was not sought or given")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    referred_at = models.DateTimeField()
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    answer_due_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decision_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    withdraw_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"], condition=models.Q(status__in=["pending", "accepted"]),
                name="one_live_referral_per_case_and_agency"),
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class PartnerEntry(models.Model):
    """What a partner agency adds to a referred case; it shows on the chronology as theirs."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="entries")
    agency = models.ForeignKey("forces.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()
    text = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "partner entries"

    def __str__(self) -> str:
        return f"Partner entry {self.pk}"


class LetterTemplate(models.Model):
    """A letter's wording as data: Haven's default (no force) or a force's own, versioned.

    The body is plain text with `{{ placeholders }}` (see haven.safeguarding.letters.FIELDS);
    the newest active template of a force wins over the default."""

    class Kind(models.TextChoices):
        VICTIM = "victim", "Letter to the victim"
        PERPETRATOR = "perpetrator", "Letter to the perpetrator"

    force = models.ForeignKey("forces.Force", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=120)
    body = models.TextField()
    number = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=200, blank=True, help_text="The file it was loaded from")
    loaded_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["force_id", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["force", "kind", "number"],
                                    name="one_letter_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


class Letter(models.Model):
    """A letter sent (the PDF, who, when, its SHA-256) or suppressed (who, when, why)."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        SUPPRESSED = "suppressed", "Suppressed (professional judgement)"

    case = models.ForeignKey("safeguarding.Case", on_delete=models.PROTECT,
                             related_name="letters")
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(max_length=12, choices=LetterTemplate.Kind.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+",
        help_text="Who the letter is to")
    status = models.CharField(max_length=10, choices=Status.choices)
    template = models.ForeignKey(LetterTemplate, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, help_text="Why it was suppressed")
    pdf = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Letter {self.pk}"


class VulnerablePeopleMeeting(models.Model):
    """A local, multi-agency meeting about medium and standard risk cases and families."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=80)
    held_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    attendees = models.CharField(max_length=300, blank=True,
                                 help_text="Agencies present, e.g. housing, school nurse")

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "area", "held_on"],
                                    name="one_vulnerable_people_meeting_per_area_and_day"),
        ]

    def __str__(self) -> str:
        return f"Vulnerable people meeting {self.pk}"


class MeetingItem(models.Model):
    """One case discussed at a meeting, and what was decided (also on the chronology)."""

    meeting = models.ForeignKey(VulnerablePeopleMeeting, on_delete=models.CASCADE,
                                related_name="items")
    case = models.ForeignKey("safeguarding.Case", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="one_outcome_per_case"),
        ]

    def __str__(self) -> str:
        return f"Meeting item {self.pk}"


class BoardTask(models.Model):
    """A task the chair of the daily management meeting allocated, about a high-risk case or
    an incident. The work item itself is a `tasks` task (its due time, owner and completion);
    this row says which board and subject it belongs to, so it is carried over day to day
    until it is done."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=80, blank=True)
    meeting_on = models.DateField()
    case = models.ForeignKey("safeguarding.Case", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    incident_id = models.PositiveBigIntegerField(null=True, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    task_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["meeting_on", "id"]
        indexes = [models.Index(fields=["force", "area"])]

    def __str__(self) -> str:
        return f"Board task {self.pk}"
