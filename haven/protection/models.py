"""The protection room's tables: notices and orders, their breaches, and Clare's Law
(Domestic Violence Disclosure Scheme) applications."""

from django.conf import settings
from django.db import models


class Order(models.Model):
    """A protective notice or order. A DVPN/DAPN and the DVPO/DAPO the court made on it are
    two rows (`notice` links the order to its notice); both are kept for history."""

    class Kind(models.TextChoices):
        DVPN = "dvpn", "Domestic violence protection notice (DVPN)"
        DVPO = "dvpo", "Domestic violence protection order (DVPO)"
        DAPN = "dapn", "Domestic abuse protection notice (DAPN)"
        DAPO = "dapo", "Domestic abuse protection order (DAPO)"
        RESTRAINING = "restraining_order", "Restraining order"
        NON_MOLESTATION = "non_molestation_order", "Non-molestation order"
        BAIL = "bail_conditions", "Bail conditions"

    class Status(models.TextChoices):
        LIVE = "live", "In force"
        LAPSED = "lapsed", "Lapsed"
        DETERMINED = "determined", "Application decided by the court"
        ENDED = "ended", "Ended"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    regime = models.CharField(max_length=16, blank=True, help_text="csa2010 / da2021")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.LIVE)
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                                related_name="orders_as_subject")
    protected = models.ForeignKey("people.Person", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="orders_as_protected")
    notice = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="orders")
    grounds = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    # DAPO: prohibitions and positive requirements (e.g. electronic monitoring,
    # behaviour-change programme), and notification requirements with their own clock.
    requirements = models.JSONField(default=list, blank=True)
    notification_requirements = models.TextField(blank=True)
    notification_due_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    premises_postcode = models.CharField(max_length=16, blank=True)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    authoriser_role = models.CharField(max_length=32, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    served_at = models.DateTimeField(null=True, blank=True)
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    served_where = models.CharField(max_length=200, blank=True)
    subject_address_for_notice = models.CharField(max_length=300, blank=True)
    hearing_due_at = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True, help_text="blank: until varied")
    duration_days = models.PositiveIntegerField(null=True, blank=True)
    court = models.CharField(max_length=200, blank=True)
    source_system = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=128, blank=True)
    legacy_row = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["force", "status", "ends_at"])]
        constraints = [models.UniqueConstraint(
            fields=["force", "source_system", "source_id"],
            condition=~models.Q(source_id=""), name="protection_order_one_per_legacy_row")]

    def __str__(self):
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        if self.source_id:
            return f"{self.source_system}:{self.source_id}"
        return f"PO-{self.pk}"

    @property
    def is_notice(self) -> bool:
        return self.kind in (self.Kind.DVPN, self.Kind.DAPN)


class Breach(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="breaches")
    occurred_at = models.DateTimeField()
    incident_reference = models.CharField(max_length=64, blank=True)
    description = models.TextField()
    crime_prompt = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Breach {self.pk} of {self.order_id}"


class DisclosureApplication(models.Model):
    """A Clare's Law application: right to ask or right to know (R-DVDS-01..06)."""

    class Route(models.TextChoices):
        ASK = "ask", "Right to ask"
        KNOW = "know", "Right to know"

    class Stage(models.TextChoices):
        RECEIVED = "received", "Received: identity and face-to-face meeting"
        RESEARCH = "research", "Research"
        DECISION = "decision", "Waiting for the multi-agency decision"
        DISCLOSE = "disclose", "Decided: disclose"
        CLOSED = "closed", "Closed"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=8, choices=Route.choices)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.RECEIVED)
    person_at_risk = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                                       related_name="dvds_at_risk")
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                                related_name="dvds_subject")
    applicant = models.ForeignKey("people.Person", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="dvds_applicant")
    applicant_relationship = models.CharField(max_length=100, blank=True)
    information_source = models.CharField(max_length=200, blank=True,
                                          help_text="right to know: police or partner")
    concern = models.TextField(blank=True)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    clock_days = models.PositiveIntegerField()
    identity_documents = models.CharField(max_length=200, blank=True)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    research = models.TextField(blank=True)
    research_at = models.DateTimeField(null=True, blank=True)
    immediate_risk_at = models.DateTimeField(null=True, blank=True)
    immediate_risk_note = models.TextField(blank=True)
    decision = models.CharField(max_length=16, blank=True)  # disclose / not_disclose
    decision_tests = models.JSONField(default=dict, blank=True)
    decision_rationale = models.TextField(blank=True)
    decision_panel = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    disclosed_to = models.CharField(max_length=200, blank=True)
    disclosed_what = models.TextField(blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["force", "closed_at", "due_at"])]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"DVDS-{self.pk}"
