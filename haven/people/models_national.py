"""Cross-force linkage proposals (issue 19): a national or regional run's candidate links
between two forces' records, for both forces to review. Never a merge: each force's persons
stay its own; a proposal only says the two forces may hold the same person."""

from django.conf import settings
from django.db import models


class CrossForceProposal(models.Model):
    """Two source records of two forces that a national run scored as one person.

    Both forces review it (`decision_a` by force_a, `decision_b` by force_b). Persons are
    never merged across forces; "confirmed" (both said same person) is the shared fact.
    """

    class Decision(models.TextChoices):
        PENDING = "", "Not decided"
        LINK = "link", "Same person"
        NOT_LINK = "not_link", "Not the same person"

    force_a = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    force_b = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    record_a = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT,
                                 related_name="+")
    record_b = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT,
                                 related_name="+")
    probability = models.FloatField()
    engine = models.CharField(max_length=16, default="spark")
    decision_a = models.CharField(max_length=16, choices=Decision.choices, blank=True,
                                  default="")
    decision_b = models.CharField(max_length=16, choices=Decision.choices, blank=True,
                                  default="")
    decided_by_a = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decided_by_b = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"],
                                    name="one_cross_force_proposal_per_pair"),
        ]
        indexes = [models.Index(fields=["force_a", "decision_a"]),
                   models.Index(fields=["force_b", "decision_b"])]

    def __str__(self) -> str:
        return f"CrossForceProposal {self.pk}"

    @property
    def confirmed(self) -> bool:
        return self.decision_a == self.decision_b == self.Decision.LINK


class CrossForceWithdrawal(models.Model):
    """A force took back its answer to a proposal (with its reason). The proposal waits for
    that force's answer again; a confirmed match is confirmed no longer. The reason is the
    withdrawing force's own words, so only that force reads it (it may name its person)."""

    proposal = models.ForeignKey(CrossForceProposal, on_delete=models.PROTECT,
                                 related_name="withdrawals")
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=CrossForceProposal.Decision.choices)
    was_confirmed = models.BooleanField(default=False)
    reason = models.TextField(max_length=1000)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawn_at = models.DateTimeField()

    class Meta:
        ordering = ["withdrawn_at", "pk"]

    def __str__(self) -> str:
        return f"CrossForceWithdrawal {self.pk}"
