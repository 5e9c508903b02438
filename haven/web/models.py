"""Drafts of long forms, kept on the server so that an idle sign-out loses nothing."""

from django.conf import settings
from django.db import models


class Draft(models.Model):
    """What one user had typed into one form (`data-haven-draft` key) on one page.

    Holds DASH answers: server-side only, never in the browser's storage; scoped to the
    user; deleted when the form is sent or after `draft_retention_hours`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    fields = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key", "path"],
                                               name="one_draft_per_form_and_page")]

    def __str__(self) -> str:
        return f"Draft {self.pk}"
