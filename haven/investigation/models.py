"""The investigation room's tables: crimes and their offences, allocation, custody and court
events, outcomes, evidence and its chain of custody, and Victims' Code notices.

Other rooms' rows are named by string foreign keys only (persons, incidents, users); this
room reads them through their services.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Offence(models.TextChoices):
    ASSAULT_WITH_INJURY = "assault_with_injury", "Assault with injury"
    ASSAULT_INTENT_SERIOUS_HARM = ("assault_intent_serious_harm",
                                   "Assault with intent to cause serious harm")
    COMMON_ASSAULT = "common_assault", "Assault without injury"
    NON_FATAL_STRANGULATION = "non_fatal_strangulation", "Non-fatal strangulation"
    HARASSMENT = "harassment", "Harassment"
    STALKING = "stalking", "Stalking"
    SEXUAL_OFFENCE = "sexual_offence", "Sexual offence"
    CONTROLLING_COERCIVE = "controlling_coercive_behaviour", "Controlling or coercive behaviour"
    THREATS_TO_KILL = "threats_to_kill", "Threats to kill"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage"
    BREACH_OF_ORDER = "breach_of_order", "Breach of an order"
    HOMICIDE = "homicide", "Homicide"
    OTHER = "other", "Other offence"


class Team(models.TextChoices):
    DETECTIVE = "detective", "Detectives"
    HAU = "hau", "HAU detectives"
    LOCAL = "local", "Local officers"


class Crime(models.Model):
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=64)
    incident = models.ForeignKey("intake.Incident", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    victim = models.ForeignKey("people.Person", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    suspect = models.ForeignKey("people.Person", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    domestic_abuse = models.BooleanField(default=True)
    # Victims' Code: DA victims get enhanced entitlements unless they opt out.
    victim_enhanced = models.BooleanField(default=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True)
    # Where a legacy export said it (blank for crimes recorded in Haven).
    source_system = models.CharField(max_length=64, blank=True)
    source_id = models.CharField(max_length=128, blank=True)
    legacy_row = models.JSONField(default=dict, blank=True)  # the export row, as sent
    # Allocation
    team = models.CharField(max_length=16, choices=Team.choices, default=Team.LOCAL)
    allocated_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    allocation_reason = models.CharField(max_length=300, blank=True)
    # Positive action: arrested (True), not arrested with a reason (False), or not yet said.
    arrested = models.BooleanField(null=True)
    arrested_at = models.DateTimeField(null=True, blank=True)
    no_arrest_reason = models.CharField(max_length=500, blank=True)
    # Home Office outcome type (1-22), blank while the investigation is open.
    outcome = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="inv_crime_reference"),
        ]
        indexes = [models.Index(fields=["force", "recorded_at"]),
                   models.Index(fields=["force", "source_system", "source_id"])]

    def __str__(self) -> str:
        return f"Crime {self.reference}"

    @property
    def principal(self):
        return next((o for o in self.offences.all() if o.principal), None)


class CrimeOffence(models.Model):
    """Every offence disclosed; one is the principal crime counted (HOCR), all are kept."""

    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="offences")
    offence = models.CharField(max_length=40, choices=Offence.choices)
    principal = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_offence_display()}"


class Reallocation(models.Model):
    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="allocations")
    team = models.CharField(max_length=16, choices=Team.choices)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_team_display()} ({self.reason})"


class CaseEvent(models.Model):
    """Custody and court: what happened to the suspect, in order."""

    class Kind(models.TextChoices):
        ARREST = "arrest", "Arrested"
        INTERVIEW = "interview", "Interviewed under caution"
        RELEASED_NFA = "released_nfa", "Released without charge"
        RUI = "rui", "Released under investigation"
        BAIL = "bail", "Released on police bail"
        BAIL_CHANGE = "bail_change", "Bail cancelled or conditions changed"
        BAIL_BREACH = "bail_breach", "Bail conditions breached"
        CHARGE = "charge", "Charged"
        OUT_OF_COURT = "out_of_court", "Out-of-court disposal"
        NO_PROSECUTION = "no_prosecution", "Decision not to prosecute"
        REMAND = "remand", "Remanded in custody"
        HEARING = "hearing", "Court hearing"
        RESULT = "result", "Court result"
        SENTENCE = "sentence", "Sentenced"
        RESTRAINING_ORDER = "restraining_order", "Restraining order made"
        ORDER_BREACH = "order_breach", "Restraining order breached"
        PRISON_RELEASE = "prison_release", "Released from prison"

    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    # Bail conditions: {"protected_person": bool, "exclusion_zone": text, "no_contact": bool}
    conditions = models.JSONField(default=dict, blank=True)
    court = models.CharField(max_length=200, blank=True)
    next_date = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=100, blank=True)  # e.g. prison information process
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class VictimNotice(models.Model):
    """Victims' Code: the victim is to be told of a qualifying event by `due_at`."""

    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="notices")
    what = models.CharField(max_length=200)
    enhanced = models.BooleanField(default=True)
    due_at = models.DateTimeField()
    task_id = models.PositiveIntegerField(null=True, blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    told_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"Tell the victim: {self.what}"


class EvidenceItem(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", "Photograph"
        VIDEO = "video", "Video"
        DOCUMENT = "document", "Document (PDF)"
        BWV = "bwv", "Body-worn video reference"
        STATEMENT = "statement", "Statement"

    # The id in every URL: random, never guessable from another item's.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey("intake.Incident", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    crime = models.ForeignKey(Crime, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="evidence")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.CharField(max_length=500, blank=True)
    # Files: the name inside the evidence storage (random), what it was called on the phone.
    storage_name = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)  # EXIF, where present
    had_location = models.BooleanField(default=False)  # GPS in the original (stripped on show)
    received_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Body-worn video reference, or a statement's text.
    reference = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"


class CustodyRecord(models.Model):
    """Chain of custody: every upload, view, download and export of an evidence item."""

    class Act(models.TextChoices):
        RECEIVED = "received", "Received"
        VIEWED = "viewed", "Viewed"
        DOWNLOADED = "downloaded", "Downloaded (fingerprint matched)"
        EXPORTED = "exported", "Exported"
        ALTERED = "altered", "Stored file no longer matches its fingerprint"

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    act = models.CharField(max_length=16, choices=Act.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64, blank=True)  # what the file hashed to then

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.get_act_display()
