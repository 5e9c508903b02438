"""Users with a force or agency and a role; the tamper-evident access log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from haven.access.roles import PARTNER_ROLES, Role


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices)
    force = models.ForeignKey(
        "forces.Force", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    agency = models.ForeignKey(
        "forces.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    collar_number = models.CharField(max_length=16, blank=True)

    @property
    def is_partner(self) -> bool:
        return self.role in PARTNER_ROLES

    def clean(self):
        if self.is_partner and (self.agency_id is None or self.force_id is not None):
            raise ValidationError("A partner user belongs to an agency and no force.")
        if not self.is_partner and (self.force_id is None or self.agency_id is not None):
            raise ValidationError("A police user belongs to a force and no agency.")

    @property
    def organisation(self):
        return self.agency if self.is_partner else self.force


class AccessLogEntry(models.Model):
    """One processing operation on personal data (DPA 2018 s.62).

    Append-only. Each row carries the hash of the previous row, so any edit,
    insertion or deletion breaks the chain at that row (`haven audit verify`).
    """

    class Action(models.TextChoices):
        COLLECTION = "collection", "Collection"
        ALTERATION = "alteration", "Alteration"
        CONSULTATION = "consultation", "Consultation"
        DISCLOSURE = "disclosure", "Disclosure"
        COMBINATION = "combination", "Combination"
        ERASURE = "erasure", "Erasure"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        REFUSED = "refused", "Refused"

    at = models.DateTimeField(db_index=True)
    # Ids and names are copied, not foreign keys: the log outlives users and records.
    user_id_at = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, blank=True)
    organisation = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    record_type = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"Access log entry {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The access log is append-only.")


class AccessLogHead(models.Model):
    """The last hash of the chain: one row, locked while an entry is appended."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Chain head at {self.last_id}"


class EnrolmentToken(models.Model):
    """A one-time link, started by an administrator, to set up a user's authenticator.

    Only the SHA-256 of the token is stored; the link is shown once, when it is made.
    A password alone never enrols an authenticator (issue 8 item 2).
    """

    user = models.ForeignKey("access.User", on_delete=models.CASCADE,
                             related_name="enrolment_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("access.User", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Enrolment link {self.pk} for user {self.user_id}"


class IdempotentSubmission(models.Model):
    """An API submission sent with an `Idempotency-Key` header, and the answer it got
    (issue 18 item 5; haven/core/idempotency.py; ADR 0005).

    A phone that retries a submit (the signal dropped before the answer came) sends the same
    key: the first answer is replayed and nothing is done twice. Saved in the same
    transaction as the submission's own writes, so a submission and its key are kept or lost
    together. The body is the API's JSON answer: ids and references, as the caller saw it.
    """

    user = models.ForeignKey("access.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="one_submission_per_user_key")]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.method} {self.path})"
