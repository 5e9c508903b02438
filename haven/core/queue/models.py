"""Rows the job runner keeps beside django-tasks' queue table (haven/core/jobs.py,
haven/core/events.py; docs/events.md, "A worker killed mid-job"). Ids and times only."""

from django.db import models


class WorkerSeen(models.Model):
    """A `haven worker` process and when it last said it was alive (its heartbeat).

    A job left RUNNING by a worker not seen for longer than the grace period was abandoned
    (the process died) and is put back in the queue."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Worker {self.worker_id} (last seen {self.last_seen:%Y-%m-%d %H:%M:%S})"


class DeliveredReaction(models.Model):
    """One subscriber's reaction to one event has been done: written in the same
    transaction as the reaction's own writes, so a job run again (revived after its worker
    died, or queued twice) finds it and does nothing."""

    event_id = models.CharField(max_length=64)
    subscriber = models.CharField(max_length=255)
    job_id = models.CharField(max_length=64, blank=True)
    delivered_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id", "subscriber"],
                                               name="one_delivery_per_event_subscriber")]

    def __str__(self) -> str:
        return f"Reaction {self.subscriber} to event {self.event_id}"
