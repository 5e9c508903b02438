"""The perpetrators room's tables: ranking runs and their rows (with the explanation of each
score), the force's crime-harm table, primary-perpetrator determinations for counter-
allegations, the management programme (adoptions and interventions) and new-partner alerts.

Other rooms' rows are named by string foreign keys only (persons, users)."""

from django.conf import settings
from django.db import models


class HarmWeight(models.Model):
    """A force's crime-harm weight for one offence (replaces the shipped default)."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    offence = models.CharField(max_length=40)
    days = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "offence"],
                                               name="perp_one_harm_weight_per_offence")]

    def __str__(self) -> str:
        return f"{self.offence}: {self.days} days"


class PrimaryDetermination(models.Model):
    """Who is the primary perpetrator of a pair recorded both ways round (domain rules §13),
    with the rationale. person_low < person_high."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    person_low = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    person_high = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    primary = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person_low", "person_high"],
                                               name="perp_one_determination_per_pair")]

    def __str__(self) -> str:
        return f"Primary of {self.person_low_id}/{self.person_high_id}"


class Run(models.Model):
    """One ranking of a force's perpetrators (nightly or on demand)."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", "Nightly"
        ON_DEMAND = "on_demand", "On demand"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    as_of = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    perpetrators = models.PositiveIntegerField(default=0)
    serial = models.PositiveIntegerField(default=0)
    repeat = models.PositiveIntegerField(default=0)
    # Harm concentration and the counter-allegation determinations of this run.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.as_of})"


class Ranked(models.Model):
    """One perpetrator's place in a run, with every part of the score."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="rows")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()
    previous_rank = models.PositiveIntegerField(null=True, blank=True)
    score = models.IntegerField()
    recency = models.IntegerField(default=0)
    frequency = models.IntegerField(default=0)
    gravity = models.IntegerField(default=0)
    victims_points = models.IntegerField(default=0)
    band = models.CharField(max_length=16)
    serial = models.BooleanField(default=False)
    repeat = models.BooleanField(default=False)
    victims = models.JSONField(default=list)  # victim person ids in the window
    victim_groups = models.JSONField(default=list)  # unconnected groups of them
    parts = models.JSONField(default=list)  # [{component, text, points, ref, label}]
    area = models.CharField(max_length=64)
    live_orders = models.BooleanField(default=False)
    in_custody = models.BooleanField(default=False)
    on_programme = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["run", "person"],
                                               name="perp_one_row_per_person_per_run")]
        indexes = [models.Index(fields=["run", "rank"])]

    def __str__(self) -> str:
        return f"#{self.rank} in run {self.run_id}"


class SeveralAbusers(models.Model):
    """The victim-side mirror in a run: a victim with several unconnected abusers."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="victims_rows")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    abuser_groups = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"victim {self.person_id} in run {self.run_id}"


class Adoption(models.Model):
    """A perpetrator adopted onto the management programme (MATAC-style) with a lead."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    reason = models.TextField(blank=True)
    adopted_on = models.DateField()
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["person"], condition=models.Q(ended_on__isnull=True),
            name="perp_one_open_adoption_per_person")]

    def __str__(self) -> str:
        return f"Adoption {self.pk}"


class Intervention(models.Model):
    class Kind(models.TextChoices):
        ENFORCEMENT = "enforcement", "Enforcement (arrest, charge, breach action)"
        DISRUPTION = "disruption", "Disruption"
        DIVERSION = "diversion", "Diversion to a behaviour-change programme"
        RIGHT_TO_KNOW = "right_to_know", "Clare's Law right-to-know disclosure to a new partner"
        IOM = "iom", "Integrated offender management"

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE,
                                 related_name="interventions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    detail = models.TextField()
    owner = models.CharField(max_length=100, blank=True)  # agency or officer responsible
    due_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class NewPartnerAlert(models.Model):
    """A serial perpetrator with a new, unconnected person on a new incident: the HAU
    considers a right-to-know disclosure (its task)."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    perpetrator = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    new_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    incident_id = models.BigIntegerField()
    task_id = models.BigIntegerField(null=True, blank=True)
    raised_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["incident_id", "perpetrator", "new_person"], name="perp_one_alert_per_pair")]

    def __str__(self) -> str:
        return f"Alert {self.pk}"
