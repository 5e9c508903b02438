"""What MARAC gives the insight store (docs/insight.md, "The extract shape"): the force's
MARAC areas, every referral (criterion, repeat, referring agency, the IDVA's outcome) and
every case listed at a meeting (when it was heard). Victim and perpetrator appear only as
pseudonymous keys; an area is the MARAC's own name (never an address). Never the research,
the information shared, the risk summary, the rationale or the actions' text."""

from __future__ import annotations

from django.utils import timezone

from haven.forces.models import Force
from haven.marac.models import Area, Case, Referral

REPEAT = Referral.Criterion.REPEAT

TABLES = {
    "marac_areas": [("force_code", "VARCHAR"), ("area", "VARCHAR")],
    "marac_referrals": [
        ("force_code", "VARCHAR"), ("referral_id", "BIGINT"), ("area", "VARCHAR"),
        ("victim_key", "VARCHAR"), ("perpetrator_key", "VARCHAR"),
        ("referred_at", "TIMESTAMP"), ("criterion", "VARCHAR"), ("is_repeat", "BOOLEAN"),
        ("referring_agency", "VARCHAR"), ("transferred", "BOOLEAN"),
        ("idva_outcome", "VARCHAR"), ("idva_outcome_at", "TIMESTAMP"),
    ],
    "marac_cases": [
        ("force_code", "VARCHAR"), ("case_id", "BIGINT"), ("referral_id", "BIGINT"),
        ("area", "VARCHAR"), ("emergency", "BOOLEAN"), ("heard_at", "TIMESTAMP"),
        ("victim_key", "VARCHAR"), ("is_repeat", "BOOLEAN"), ("children", "INTEGER"),
    ],
}


def local(moment):
    """UK local time without a zone (the store's timestamps are local)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def extracts(force_ids, since, until, *, pseudonym) -> dict:
    """Referrals narrowed by when they were made, cases by when they were heard."""
    codes = dict(Force.objects.values_list("pk", "code"))
    areas = Area.objects.all()
    referrals = Referral.objects.all()
    cases = Case.objects.filter(heard_at__isnull=False)
    if force_ids is not None:
        areas = areas.filter(force_id__in=list(force_ids))
        referrals = referrals.filter(force_id__in=list(force_ids))
        cases = cases.filter(meeting__force_id__in=list(force_ids))
    if since is not None:
        referrals = referrals.filter(referred_at__gte=since)
        cases = cases.filter(heard_at__gte=since)
    if until is not None:
        referrals = referrals.filter(referred_at__lt=until)
        cases = cases.filter(heard_at__lt=until)

    def area_rows():
        for force_id, name in areas.values_list("force_id", "name"):
            yield (codes.get(force_id), name)

    def referral_rows():
        for (pk, force_id, area, victim, perpetrator, referred, criterion, repeat_of, agency,
             transferred_from, idva, idva_at) in referrals.values_list(
                "pk", "force_id", "area__name", "victim_id", "perpetrator_id", "referred_at",
                "criterion", "repeat_of_id", "referring_agency", "transferred_from_id",
                "idva_outcome", "idva_outcome_at").iterator(chunk_size=20000):
            yield (codes.get(force_id), pk, area, pseudonym.person(victim),
                   pseudonym.person(perpetrator), local(referred), criterion,
                   criterion == REPEAT or repeat_of is not None, agency,
                   transferred_from is not None, idva or None, local(idva_at))

    def case_rows():
        # a case is the MARAC's repeat when its referral is (the room's own rule,
        # marac.measures): criterion "repeat" or a referral it repeats
        for (pk, referral_id, force_id, area, emergency, heard, victim, criterion, repeat_of,
             children) in cases.values_list(
                "pk", "referral_id", "meeting__force_id", "meeting__area__name",
                "meeting__emergency", "heard_at", "referral__victim_id", "referral__criterion",
                "referral__repeat_of_id", "referral__children_in_household").iterator(
                chunk_size=20000):
            yield (codes.get(force_id), pk, referral_id, area, emergency, local(heard),
                   pseudonym.person(victim), criterion == REPEAT or repeat_of is not None,
                   children or 0)

    return {"marac_areas": area_rows(), "marac_referrals": referral_rows(),
            "marac_cases": case_rows()}
