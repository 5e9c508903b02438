"""Work items: the HAU queue, the daily management meeting, Victims' Code deadlines."""

from django.conf import settings
from django.db import models

from haven.access.roles import Role


class Task(models.Model):
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=64, help_text="e.g. hau_review, marac_referral")
    title = models.CharField(max_length=200)
    owner_role = models.CharField(max_length=32, choices=Role.choices)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Partner work (IDVA offer, children's services referral) is owned by an agency.
    owner_agency = models.ForeignKey(
        "forces.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_note = models.CharField(max_length=500, blank=True)
    source_room = models.CharField(max_length=32)
    source_type = models.CharField(max_length=64)
    source_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["force", "owner_role", "done_at", "due_at"])]

    def __str__(self) -> str:
        return f"Task {self.pk} ({self.kind})"
