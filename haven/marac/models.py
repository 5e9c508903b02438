"""The MARAC room's tables: areas, referrals, meetings with their case lists, each agency's
research, the actions agreed, and the IDVA's contact with the victim."""

from django.conf import settings
from django.db import models


class Area(models.Model):
    """One local MARAC of a force, with its meeting pattern, chair and coordinator."""

    class Pattern(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    pattern = models.CharField(max_length=16, choices=Pattern.choices, default=Pattern.MONTHLY)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Postcode districts ("CV34") or letters ("CV") the area covers: picks the area of a
    # referral made from an HAU review.
    districts = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "name"],
                                               name="marac_one_area_name_per_force")]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} MARAC"


class Referral(models.Model):
    class Criterion(models.TextChoices):
        VISIBLE_HIGH_RISK = "visible_high_risk", "Visible high risk"
        PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"
        POTENTIAL_ESCALATION = "potential_escalation", "Potential escalation"
        REPEAT = "repeat", "Repeat MARAC"

    class Agency(models.TextChoices):
        POLICE = "police", "Police"
        IDVA = "idva", "IDVA service"
        CHILDREN = "children", "Children's services"
        HEALTH = "health", "Health"
        HOUSING = "housing", "Housing"
        PROBATION = "probation", "Probation"
        OTHER = "other", "Other agency"

    class Consent(models.TextChoices):
        GIVEN = "given", "The victim consented"
        REFUSED = "refused", "The victim refused: referred without consent"
        NOT_SOUGHT = "not_sought", "Not sought (unsafe or not possible): referred without consent"

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Waiting to be listed"
        LISTED = "listed", "Listed for a meeting"
        HEARD = "heard", "Heard at MARAC"
        TRANSFERRED = "transferred", "Transferred to another MARAC"

    class IdvaOutcome(models.TextChoices):
        CONTACTED = "contacted", "Contacted"
        ENGAGED = "engaged", "Engaged with the IDVA"
        DECLINED = "declined", "Declined the IDVA"
        UNABLE = "unable", "Unable to contact"

    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    # Blank until the coordinator lists it: a referral made before the force set up its
    # areas (or for an address no area covers) takes the area of the meeting it is listed at.
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="referrals")
    victim = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    perpetrator = models.ForeignKey("people.Person", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(max_length=32, choices=Criterion.choices)
    dash_yes_count = models.PositiveSmallIntegerField(null=True, blank=True)
    incidents_in_window = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    referring_agency = models.CharField(max_length=16, choices=Agency.choices,
                                        default=Agency.POLICE)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    consent = models.CharField(max_length=16, choices=Consent.choices)
    consent_basis = models.TextField(blank=True)
    children_in_household = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AWAITING)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="repeats")
    transferred_from = models.ForeignKey("self", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="transfers")
    # Where it came from in other rooms (ids only: never their models).
    assessment_id = models.IntegerField(null=True, blank=True)
    incident_id = models.IntegerField(null=True, blank=True)
    idva_offered = models.BooleanField(default=False)
    idva_due_at = models.DateTimeField(null=True, blank=True)
    idva_outcome = models.CharField(max_length=16, choices=IdvaOutcome.choices, blank=True)
    idva_outcome_at = models.DateTimeField(null=True, blank=True)
    idva_contacted_on = models.DateField(null=True, blank=True)
    source_system = models.CharField(max_length=64, blank=True)
    source_id = models.CharField(max_length=128, blank=True)
    legacy_row = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["victim", "perpetrator", "referred_at"])]
        constraints = [
            models.UniqueConstraint(fields=["repeat_of", "incident_id"],
                                    name="marac_one_repeat_per_incident"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"MR-{self.pk}"

    @property
    def area_name(self) -> str:
        return self.area.name if self.area_id else "area to be chosen"

    @property
    def is_repeat(self) -> bool:
        return self.criterion == self.Criterion.REPEAT or self.repeat_of_id is not None


class Meeting(models.Model):
    force = models.ForeignKey("forces.Force", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="meetings")
    held_at = models.DateTimeField()
    emergency = models.BooleanField(default=False)
    agencies = models.ManyToManyField("forces.Agency", related_name="+", blank=True)
    list_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["held_at"]

    def __str__(self) -> str:
        kind = "Emergency MARAC" if self.emergency else "MARAC"
        return f"{self.area.name} {kind}"


class Case(models.Model):
    """A referral listed at a meeting: what was shared and the chair's risk summary."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="cases")
    position = models.PositiveSmallIntegerField(default=0)
    information_shared = models.TextField(blank=True)
    risk_summary = models.TextField(blank=True)
    heard_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "referral"],
                                               name="marac_listed_once_per_meeting")]

    def __str__(self) -> str:
        return f"Case {self.position} of meeting {self.meeting_id}"


class Research(models.Model):
    """One agency's research on one listed case (agency null: the police)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="research")
    agency = models.ForeignKey("forces.Agency", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agency"],
                                               name="marac_one_research_per_agency")]

    def __str__(self) -> str:
        return f"Research on case {self.case_id}"


class Action(models.Model):
    """An action an agency volunteered at the meeting (agency null: the police)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey("forces.Agency", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    owner = models.CharField(max_length=100)
    description = models.TextField()
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Action {self.pk} due {self.due_on}"

    @property
    def agency_name(self) -> str:
        return self.agency.name if self.agency_id else "Police"
