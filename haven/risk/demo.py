"""Demo assessments at each stage: awaiting sergeant, awaiting HAU, reviewed, and one flagged."""

from haven.intake.public import victims_in_force
from haven.risk.live import do_flag_reassessment
from haven.risk.models import Assessment, ReassessmentFlag
from haven.risk.questionnaires import DASH, HBA, STALKING, current_version
from haven.risk.review import do_review_hau
from haven.risk.services import AssessmentInput, do_complete_assessment, do_review_sergeant

PLAN = [  # (number of yes answers, officer grade, rationale, stage reached)
    (16, "high", "", "hau"),
    (9, "medium", "", "sergeant"),
    (4, "standard", "", "officer"),
    (11, "high", "Strangulation disclosed and victim very frightened", "hau"),
    (3, "standard", "", "sergeant"),
    (7, "medium", "", "officer"),
]


def seed(context):
    for force in context.forces:
        if Assessment.objects.filter(force=force).exists():
            continue
        users = {role: context.users[(force.code, role)]
                 for role in ("response_officer", "sergeant", "hau")}
        codes = list(current_version(DASH, force).questions.values_list("code", flat=True))
        screens = [q.code for instrument in (STALKING, HBA)
                   for q in current_version(instrument, force).questions.all()]
        victims = _victims(context, force)
        for (yes, grade, rationale, stage), (victim, incident) in zip(PLAN, victims,
                                                                      strict=False):
            shuffled = context.rng.sample(codes, len(codes))
            answers = {c: ("yes" if i < yes else context.rng.choice(["no", "not_known"]),
                           "victim", "") for i, c in enumerate(shuffled)}
            answers |= {c: (context.rng.choice(["yes", "no", "not_known"]), "victim", "")
                        for c in screens}
            children = ([{"name": context.fake.first_name(), "age": context.rng.randint(5, 15),
                          "school": f"{context.fake.city()} Primary School", "present": True}]
                        if context.rng.random() < 0.5 else [])
            a = do_complete_assessment(
                victim=victim, incident=incident, actor=users["response_officer"],
                data=AssessmentInput(answers=answers, grade=grade, rationale=rationale,
                                     children=children))
            if stage in ("sergeant", "hau"):
                do_review_sergeant(a, version=a.version, grade=a.grade,
                                   guidance="Safety advice given; check on the victim tomorrow",
                                   actor=users["sergeant"])
            if stage == "hau":
                do_review_hau(a, version=a.version, grade=a.grade, response_matched=True,
                              actor=users["hau"])
        first = Assessment.objects.filter(force=force).order_by("id").first()
        if first and not ReassessmentFlag.objects.filter(person=first.victim).exists():
            do_flag_reassessment(first.victim, reason="Abuser released from custody",
                                 source=ReassessmentFlag.Source.CUSTODY, source_ref="demo",
                                 actor=users["hau"])


def _victims(context, force):
    """Victims of demo incidents when intake seeded some, else demo people without one."""
    # Attended logs are left for the officer's "Assessments to complete".
    found = victims_in_force(force, exclude_state="attended")[:len(PLAN)]
    for person in context.people.get(force.code, [])[:len(PLAN)]:
        if len(found) >= len(PLAN):
            break
        if all(person.pk != p.pk for p, _ in found):
            found.append((person, None))
    return found
