"""What the legacy exports said beyond people, kept until later rooms adopt it; warning markers."""

from django.db import models


class LegacyRecord(models.Model):
    """A crime, DASH assessment, MARAC referral, order or intel item from a legacy export.

    Every column of the export row is kept in `data`, so nothing is lost before the room
    that owns such records (investigation, risk, marac, protection) adopts them.
    """

    class Kind(models.TextChoices):
        CRIME = "crime", "Crime"
        RISK_ASSESSMENT = "risk_assessment", "DASH risk assessment"
        MARAC = "marac", "MARAC referral"
        ORDER = "order", "Order"
        INTEL = "intel", "Intelligence"
        # The full incidents.csv row (lat/long, response grade ...) behind an intake.Incident.
        INCIDENT = "incident", "Incident (export row)"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT)
    system = models.CharField(max_length=64)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    source_id = models.CharField(max_length=128)
    occurred_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    subject = models.ForeignKey("people.SourceRecord", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="legacy_records")
    other_party = models.ForeignKey("people.SourceRecord", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey("intake.Incident", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["force", "system", "kind", "source_id"],
                                    name="one_legacy_record_per_source_id")
        ]
        indexes = [
            models.Index(fields=["subject", "kind"]),
            models.Index(fields=["other_party", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.kind}:{self.source_id}"


class WarningMarker(models.Model):
    """A safety warning about a person (weapons, firearms, violence, self-harm ...)."""

    class Kind(models.TextChoices):
        WEAPONS = "weapons", "Weapons"
        FIREARMS = "firearms", "Firearms"
        VIOLENCE = "violence", "Violence"
        SELF_HARM = "self_harm", "Self-harm"
        DRUGS = "drugs", "Drugs"
        MENTAL_HEALTH = "mental_health", "Mental health"
        OTHER = "other", "Other"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="warning_markers")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField()
    source_record = models.ForeignKey("people.SourceRecord", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"WarningMarker {self.pk} ({self.kind})"
