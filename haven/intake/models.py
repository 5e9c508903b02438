"""Incident logs and who was involved (POLE's E, linking P with a role)."""

from django.conf import settings
from django.db import models


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
        indexes = [models.Index(fields=["force", "postcode"])]

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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="one_role_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} on {self.incident_id}"
