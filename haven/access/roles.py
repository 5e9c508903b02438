"""The people who use Haven, named as the police and partners name themselves."""

from django.db import models


class Role(models.TextChoices):
    CALL_HANDLER = "call_handler", "Call handler"
    OCC_SUPERVISOR = "occ_supervisor", "OCC supervisor"
    RESPONSE_OFFICER = "response_officer", "Response officer"
    SERGEANT = "sergeant", "Sergeant"
    INSPECTOR = "inspector", "Inspector"
    SUPERINTENDENT = "superintendent", "Superintendent"
    HAU = "hau", "Harm assessment unit"
    DARM = "darm", "Domestic abuse risk manager"
    DETECTIVE = "detective", "Detective"
    SNT_OFFICER = "snt_officer", "Neighbourhood (SNT) officer"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    IDVA = "idva", "IDVA"
    CHILDRENS_SERVICES = "childrens_services", "Children's services worker"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor"
    TRAINER = "trainer", "Trainer"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    SYSTEM_ADMIN = "system_admin", "System administrator"


# Partner roles belong to an agency, not a force, and see only what is shared with them.
PARTNER_ROLES = frozenset({Role.IDVA, Role.CHILDRENS_SERVICES})
