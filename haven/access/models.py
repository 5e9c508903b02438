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

    Append-only. An entry is written unsealed (`seq`, `prev_hash`, `entry_hash` empty), with
    no shared row touched; the sealing step (`haven.access.log.seal`) then gives it its place
    in the chain (`seq`) and the hash of the entry before it, so any later edit, insertion or
    deletion breaks the chain at that row (`haven audit verify`). ADR 0005.
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
    # PostgreSQL's id of the transaction that wrote the entry (None on SQLite): an unsealed
    # entry whose transaction had ended before a completed seal looked is tampering.
    txid = models.BigIntegerField(null=True, blank=True)
    # Set by the sealing step: the entry's place in the chain, and the chain's hashes.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "access log entries"
        indexes = [models.Index(fields=["id"], condition=models.Q(seq__isnull=True),
                                name="access_log_unsealed")]

    def __str__(self) -> str:
        return f"Access log entry {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The access log is append-only.")


class AccessLogHead(models.Model):
    """The end of the sealed chain: one row, touched only by the sealing step (never by
    a reader or an action)."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    last_seq = models.BigIntegerField(default=0)
    # Below this nothing may be unsealed: on PostgreSQL a transaction id (every transaction
    # below it had ended when the last seal looked), on SQLite an entry id.
    horizon = models.BigIntegerField(default=0)

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


class StaffTeam(models.Model):
    """The team a member of staff works in (an OCC watch, a response team, the HAU): one
    fact read by every room that reports by team (audit trends, training gaps, lessons
    read). The user table has no team; the force's HR system is the source, so a trainer or
    supervisor records it here (`haven.access.teams`)."""

    user = models.OneToOneField("access.User", on_delete=models.CASCADE, related_name="+")
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    team = models.CharField(max_length=80)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Team of user {self.user_id}"
