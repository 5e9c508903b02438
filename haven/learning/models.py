"""The learning room's tables: training modules and completions, each member of staff's team,
the adopted training plan and its items, and lessons learned from domestic homicide and
serious case reviews (reviews, recommendations and their updates, lessons, acknowledgements).

Staff are `access.User` rows (reference data); nothing here names a victim.
"""

from django.conf import settings
from django.db import models


class Module(models.Model):
    """A training module. The codes are shared with the assurance room, which names the
    module an audit question addresses (e.g. "stalking")."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=120)
    duration_hours = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ImportBatch(models.Model):
    """One CSV of completions from the force's learning system, with a line per row."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    rows = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"row": 2, "outcome": "stored" | "duplicate" | "rejected", "message": "..."}]
    report = models.JSONField(default=list)
    problem = models.CharField(max_length=300, blank=True)  # the whole file refused

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"Import {self.pk}"


class Completion(models.Model):
    class Source(models.TextChoices):
        IMPORT = "import", "Learning system export"
        MANUAL = "manual", "Recorded by a trainer"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    provider = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="completions")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-completed_on"]
        constraints = [models.UniqueConstraint(fields=["user", "module", "completed_on"],
                                               name="one_completion_per_day")]

    def __str__(self) -> str:
        return f"Completion {self.pk}"


class Plan(models.Model):
    """A timed implementation plan a trainer adopted; the latest adopted one is tracked."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField()
    adopted_at = models.DateTimeField()
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    horizon_months = models.PositiveSmallIntegerField()
    capacity = models.JSONField(default=dict)  # the policy it was planned under
    hours_per_month = models.DecimalField(max_digits=7, decimal_places=1)
    beyond = models.JSONField(default=list)  # gaps beyond the horizon, with why
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-adopted_at"]

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class PlanItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)
    reason = models.CharField(max_length=300)
    month = models.DateField()
    due_by = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completion = models.ForeignKey(Completion, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["month", "module__title", "user_id"]

    def __str__(self) -> str:
        return f"Plan item {self.pk}"


class Review(models.Model):
    class Kind(models.TextChoices):
        DHR = "dhr", "Domestic homicide review"
        SCR = "scr", "Serious case review"
        SAR = "sar", "Safeguarding adult review"
        LEDER = "leder", "LeDeR review"
        OTHER = "other", "Other review"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=200)
    published_on = models.DateField()
    summary = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    review = models.ForeignKey(Review, on_delete=models.CASCADE,
                               related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    owner = models.CharField(max_length=120)
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(blank=True)  # why not accepted
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["review_id", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"],
                                               name="one_recommendation_number")]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class RecommendationUpdate(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE,
                                       related_name="updates")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    status_from = models.CharField(max_length=16)
    status_to = models.CharField(max_length=16)
    note = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Update {self.pk}"


class Lesson(models.Model):
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="lessons")
    title = models.CharField(max_length=200)
    text = models.TextField()
    roles = models.JSONField(default=list)  # the roles it concerns
    published_on = models.DateField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Acknowledgement(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="acks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lesson", "user"],
                                               name="one_acknowledgement_each")]

    def __str__(self) -> str:
        return f"Acknowledgement {self.pk}"
