"""The timeline that a call handler, a sergeant, the HAU and a MARAC chair all read."""

from django.conf import settings
from django.db import models

from haven.access.capabilities import CONFIDENTIAL, NORMAL, RESTRICTED


class Entry(models.Model):
    class Sensitivity(models.IntegerChoices):
        NORMAL = NORMAL, "Normal"
        RESTRICTED = RESTRICTED, "Restricted"
        CONFIDENTIAL = CONFIDENTIAL, "Confidential"

    # No index of its own: the (person, -occurred_at) index below serves every lookup by
    # person, and a relink that moves a million records' lines kept both up to date
    # (docs/benchmarks.md, "Evidence beside the records, and one index fewer").
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="chronology_entries",
        db_index=False,
    )
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT)
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=64, help_text="e.g. incident_opened, dash_graded")
    source_room = models.CharField(max_length=32)
    source_type = models.CharField(max_length=64)
    source_id = models.CharField(max_length=64)
    # A short, factual line. No refuge address ever goes here.
    summary = models.CharField(max_length=300)
    sensitivity = models.PositiveSmallIntegerField(
        choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_at"])]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"Entry {self.pk} ({self.kind})"
