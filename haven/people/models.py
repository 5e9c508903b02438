"""POLE's P: one person however many systems know them, each system's record kept as it came."""

from django.conf import settings
from django.db import models


class Person(models.Model):
    """The linked identity. Best values are derived from source records and may be recomputed."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="persons")
    forename = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: a change names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    # Set when a user merged this person into another; the row is kept so unmerge can restore it.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["force", "surname", "forename"]),
            models.Index(fields=["force", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.forename, self.surname) if part) or "(no name)"


class SourceRecord(models.Model):
    """Exactly what one system said about one person. Linkage never edits these fields."""

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT)
    system = models.CharField(max_length=64)
    source_id = models.CharField(max_length=128)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records"
    )
    forename = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    aliases = models.CharField(max_length=500, blank=True)
    pnc_id = models.CharField(max_length=32, blank=True)
    confidential_address = models.BooleanField(default=False)
    # Values the system gave that could not be true (a date of birth in the future, a
    # placeholder such as 1900-01-01, 31/02): the field is stored blank and each note says
    # what was given and why it was set aside: [{"field", "given", "problem"}].
    data_quality = models.JSONField(default=list, blank=True)
    # Columns the contract does not name are kept, never dropped.
    attributes = models.JSONField(default=dict, blank=True)
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Blocking keys derived from the fields above (see haven.people.keys), indexed so the
    # call-time lookup and incremental linkage find candidates without a scan.
    sn_key = models.CharField(max_length=100, blank=True)
    sn_phonetic = models.CharField(max_length=32, blank=True)
    fn_key = models.CharField(max_length=100, blank=True)
    phone_norm = models.CharField(max_length=20, blank=True)
    postcode_norm = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "system", "source_id"], name="one_record_per_source_id"
            )
        ]
        indexes = [
            models.Index(fields=["force", "sn_key"], name="people_src_sn_key"),
            models.Index(fields=["force", "sn_phonetic", "fn_key"], name="people_src_sn_phonetic"),
            models.Index(fields=["force", "fn_key"], name="people_src_fn_key"),
            models.Index(fields=["force", "date_of_birth", "fn_key"], name="people_src_dob"),
            models.Index(fields=["force", "phone_norm"], name="people_src_phone"),
            models.Index(fields=["force", "postcode_norm"], name="people_src_postcode"),
            # Refuge flags are few: every page that shows an address reads them all.
            models.Index(fields=["force"], condition=models.Q(confidential_address=True),
                         name="people_src_confidential"),
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.source_id}"

    def save(self, *args, **kwargs):
        self.refresh_keys()
        super().save(*args, **kwargs)

    def refresh_keys(self) -> None:
        """Recompute the blocking keys from the fields as the system gave them."""
        # keys imports the linkage package (Splink): models load at start-up without it.
        from haven.people.keys import blocking_keys

        for name, value in blocking_keys(self.__dict__).items():
            setattr(self, name, value)

    @property
    def uid(self) -> str:
        return f"{self.system}:{self.source_id}"


class Address(models.Model):
    """An address a person is known at. A confidential (refuge) address never leaves Haven."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    source_record = models.ForeignKey(
        SourceRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    line = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    confidential = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["person"], condition=models.Q(confidential=True),
                                name="people_address_confidential")]

    def __str__(self) -> str:
        return f"Address {self.pk}"


class ConfidentialityLift(models.Model):
    """Someone with `person.lift_confidential_address` decided a place need no longer be
    hidden (see haven.people.addresses). Kept for the record and outranks older flags."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE,
                               related_name="confidentiality_lifts")
    postcode_key = models.CharField(max_length=16, blank=True)
    line_key = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    lifted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Lift {self.pk}"


class PersonShare(models.Model):
    """A person's case shared with a partner agency (IDVA service, children's services …)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("forces.Agency", on_delete=models.PROTECT, related_name="shares")
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    granted_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Share {self.pk}"


from haven.people.models_history import LegacyRecord, WarningMarker  # noqa: E402
from haven.people.models_linkage import LinkRun, MergeEvent, ReviewItem  # noqa: E402

__all__ = ["Address", "ConfidentialityLift", "LegacyRecord", "LinkRun", "MergeEvent", "Person",
           "PersonShare", "ReviewItem", "SourceRecord", "WarningMarker"]
from haven.people.models_national import CrossForceProposal  # noqa: E402, F401  (issue 19)
