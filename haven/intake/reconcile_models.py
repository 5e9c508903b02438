"""One row per source incident: which reconciled (real) event it belongs to.

A plain table others read: count real incidents with
`ReconciledIncident.objects.filter(force=f).values("event").distinct().count()`, or join an
incident to its event. The source incidents themselves are never changed.
"""

from django.db import models


class ReconciledIncident(models.Model):
    force = models.ForeignKey("forces.Force", on_delete=models.CASCADE, related_name="+")
    incident = models.OneToOneField("intake.Incident", on_delete=models.CASCADE,
                                    related_name="reconciled")
    #: the reconciled event: the smallest incident id among the incidents of one real event
    event = models.BigIntegerField(db_index=True)
    #: the evidence weight (log2 Bayes factor) of the strongest link into the event (0 alone)
    weight = models.FloatField(default=0.0)
    reconciled_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["force", "event"])]

    def __str__(self) -> str:
        return f"incident {self.incident_id} -> event {self.event}"
