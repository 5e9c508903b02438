"""Forces, partner agencies, and per-force policy with effective dates."""

from django.core.exceptions import ValidationError
from django.db import models

from haven.forces.policy import check, forget_snapshots


class Alliance(models.Model):
    """Forces that share a joint policy but deliver locally (e.g. Warwickshire and West Mercia)."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Force(models.Model):
    code = models.CharField(max_length=16, unique=True, help_text="Short code, e.g. WARKS")
    name = models.CharField(max_length=100)
    alliance = models.ForeignKey(Alliance, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A partner agency whose staff see only the cases shared with it."""

    class Kind(models.TextChoices):
        IDVA = "idva", "IDVA service"
        CHILDREN = "children", "Children's services"
        HEALTH = "health", "Health"
        HOUSING = "housing", "Housing"
        PROBATION = "probation", "Probation"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The force area the agency serves; cases are shared with it case by case.
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="agencies")

    def __str__(self) -> str:
        return self.name


class PolicySetting(models.Model):
    """One policy value for one force from a date on.

    A force (or the alliance, when force is null) overrides a default from
    `haven.forces.policy.DEFAULTS`. Rows are never edited: a change of policy is a
    new row with a later `effective_from`, so that old decisions can be explained
    by the policy in force when they were made.
    """

    force = models.ForeignKey(Force, null=True, blank=True, on_delete=models.PROTECT)
    alliance = models.ForeignKey(Alliance, null=True, blank=True, on_delete=models.PROTECT)
    key = models.CharField(max_length=64)
    value = models.JSONField()
    effective_from = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["key", "effective_from"])]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "alliance", "key", "effective_from"], name="one_value_per_day"
            )
        ]

    def __str__(self) -> str:
        owner = self.force or self.alliance or "default"
        return f"{owner}: {self.key}={self.value} from {self.effective_from}"

    def save(self, *args, **kwargs):
        # Checked on every save (admin, `haven setup`, shell, tests), not only in forms.
        self.clean()
        super().save(*args, **kwargs)
        forget_snapshots()  # a read later in this request or job sees the new row

    def clean(self):
        """Refuse an unknown key, a value of the wrong type or out of bounds, or a row that
        names both (or neither) a force and an alliance. The value is stored normalised."""
        if (self.force_id is None) == (self.alliance_id is None):
            raise ValidationError(f"Policy {self.key}: give a force or an alliance, not both.")
        self.value = check(self.key, self.value)
