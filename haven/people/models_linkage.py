"""Linkage bookkeeping: runs, the clerical review queue, merges that can be undone."""

from django.conf import settings
from django.db import models


class LinkRun(models.Model):
    """One linkage run (full relink or an incremental add), with counts only."""

    class Kind(models.TextChoices):
        FULL = "full", "Full relink"
        INCREMENTAL = "incremental", "Incremental"

    force = models.ForeignKey("forces.Force", null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"LinkRun {self.pk}"


class ReviewItem(models.Model):
    """A pair of source records the model was unsure about, for a person to decide."""

    class Decision(models.TextChoices):
        PENDING = "", "Not decided"
        LINK = "link", "Same person"
        NOT_LINK = "not_link", "Not the same person"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT)
    record_a = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT,
                                 related_name="+")
    record_b = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT,
                                 related_name="+")
    probability = models.FloatField()
    # [{field, level, weight, values_a, values_b}], ids and normalised values only.
    evidence = models.JSONField(default=list, blank=True)
    conflict = models.CharField(max_length=32, blank=True)
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL)
    decision = models.CharField(max_length=16, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="one_review_per_pair"),
        ]
        indexes = [models.Index(fields=["force", "decision", "-probability"])]

    def __str__(self) -> str:
        return f"ReviewItem {self.pk}"


class MergeEvent(models.Model):
    """A user's merge of two persons, with everything that moved, so unmerge restores it."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT)
    keep = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    absorbed = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    # {"moved": {"app.Model.field": [ids]}, "keep_before": {...}, "absorbed_before": {...},
    #  "dropped": {"room.Model": [{...}]}} (rows a room's registered mover removed as
    #  duplicates; merges recorded before movers kept intake's as "dropped_involvements")
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"MergeEvent {self.pk}"
