"""The permission matrix (issue 18 item 8): who reaches every URL pattern of Haven.

One row per URL pattern, keyed by its route as `haven roles --urls` prints it. A row says who
gets the page (anyone, every signed-in user, or the roles holding a capability from
`haven/access/capabilities.py`), how it is probed (GET, or POST for a form-only view) and
which real demo record fills its ids. `test_permission_matrix.py` walks the URL map: a pattern
without a row fails the test by name, and so does a row whose pattern has gone.

Every role not allowed, every user of the other force and every partner agency without need
get 404 (the API too: "not found" is its convention for forbidden, ADR 0003). Allowed roles of
the record's own force reach it (not 404, never 5xx), except where `need_to_know` says the
record's own scoping (a task's owner, a partner's shared cases) decides further.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from haven.access.capabilities import MATRIX as CAPABILITIES
from haven.access.roles import Role

ANYONE = "anyone"          # no sign-in needed (sign-in pages, health checks)
SIGNED_IN = "signed in"    # every signed-in user, whatever their role


@dataclass(frozen=True)
class Obj:
    """A real record from the demo world that fills a pattern's ids: the model, the path from
    it to its force, and which attribute fills each URL argument (`pk` fills itself)."""

    model: str
    force: str = "force"
    kwargs: dict = field(default_factory=dict)


PERSON = Obj("people.Person", kwargs={"person_id": "pk"})
ADDRESS = Obj("people.Address", "person__force",
              {"person_id": "person_id", "address_id": "pk"})
REVIEW_ITEM = Obj("people.ReviewItem", kwargs={"item_id": "pk"})
MERGE = Obj("people.MergeEvent", kwargs={"merge_id": "pk"})
# A proposal belongs to two forces. The demo's Warwickshire–Staffordshire one (Warwickshire
# is its force_b; the alliance one has West Mercia there) is the one probed: West Mercia is a
# force not party to it, so every West Mercia user must get 404 (haven/people/demo.py).
CROSS_FORCE_PROPOSAL = Obj("people.CrossForceProposal", "force_b", {"proposal_id": "pk"})
TASK = Obj("tasks.Task", kwargs={"task_id": "pk"})
INCIDENT = Obj("intake.Incident", kwargs={"incident_id": "pk"})
INVOLVEMENT = Obj("intake.Involvement", "incident__force",
                  {"incident_id": "incident_id", "involvement_id": "pk"})
ASSESSMENT = Obj("risk.Assessment", kwargs={"assessment_id": "pk"})
FLAG = Obj("risk.ReassessmentFlag", kwargs={"assessment_id": "assessment_id", "flag_id": "pk"})
CASE = Obj("safeguarding.Case", kwargs={"case_id": "pk"})
BREAK_GLASS = Obj("safeguarding.BreakGlass", "case__force", {"glass_id": "pk"})
PLAN_ACTION = Obj("safeguarding.PlanAction", "case__force",
                  {"case_id": "case_id", "item_id": "pk"})
CASE_SHARE = Obj("safeguarding.CaseShare", "case__force",
                 {"case_id": "case_id", "share_id": "pk"})
LETTER = Obj("safeguarding.Letter", kwargs={"letter_id": "pk"})
SG_REFERRAL = Obj("safeguarding.Referral", kwargs={"referral_id": "pk"})
BOARD_TASK = Obj("safeguarding.BoardTask", kwargs={"board_task_id": "pk"})
CRIME = Obj("investigation.Crime", kwargs={"crime_id": "pk"})
VICTIM_NOTICE = Obj("investigation.VictimNotice", "crime__force",
                    {"crime_id": "crime_id", "notice_id": "pk"})
EVIDENCE = Obj("investigation.EvidenceItem", kwargs={"public_id": "public_id"})
EVIDENCE_INCIDENT = Obj("investigation.EvidenceItem", kwargs={"incident_id": "incident_id"})
ORDER = Obj("protection.Order", kwargs={"order_id": "pk"})
DVDS = Obj("protection.DisclosureApplication", kwargs={"app_id": "pk"})
MARAC_REFERRAL = Obj("marac.Referral", kwargs={"referral_id": "pk"})
MARAC_MEETING = Obj("marac.Meeting", kwargs={"meeting_id": "pk"})
MARAC_CASE = Obj("marac.Case", "meeting__force", {"case_id": "pk"})
FORCE = Obj("forces.Force", "", {"force_code": "code"})
QA_AUDIT = Obj("assurance.Audit", kwargs={"audit_id": "pk"})
QA_SAMPLE = Obj("assurance.Sample", kwargs={"sample_id": "pk"})
STAFF_MEMBER = Obj("access.User", kwargs={"user_id": "pk"})
LESSON = Obj("learning.Lesson", kwargs={"lesson_id": "pk"})
LEARNING_REVIEW = Obj("learning.Review", kwargs={"review_id": "pk"})
RECOMMENDATION = Obj("learning.Recommendation", "review__force", {"rec_id": "pk"})


PARTNERS = frozenset({"idva", "childrens_services"})
RECORD = "record"  # every allowed role: the record's own scoping decides (e.g. its owner)


@dataclass(frozen=True)
class Expect:
    """`who`: ANYONE, SIGNED_IN, a capability, capabilities joined by " & " (a role needs
    all of them), or a frozenset of role values. `need_to_know`: allowed roles that may still
    be refused this particular record (RECORD: any of them). `params`: query (GET) or form
    (POST) fields, an Obj meaning that record's id."""

    who: str | frozenset
    method: str = "GET"
    obj: Obj | None = None
    need_to_know: frozenset | str = frozenset()
    params: dict = field(default_factory=dict)
    note: str = ""


def allowed_roles(who) -> frozenset:
    """The roles a row's `who` lets through (every role holding all the capabilities)."""
    if who in (ANYONE, SIGNED_IN):
        return frozenset(Role.values)
    if isinstance(who, frozenset):
        return who
    roles = frozenset(Role.values)
    for capability in who.split(" & "):
        roles &= frozenset(CAPABILITIES[capability])
    return roles


E = Expect
P = "POST"
NO_DEMO_RECORD = "the demo has no such record: only 'a missing id is 404 for everyone' is checked"

# The route (as `haven roles --urls` prints it) -> who reaches it.
MATRIX: dict[str, Expect] = {
    # The shell, sign-in, health, drafts, the API's own pages.
    "": E(SIGNED_IN, note="each role's home page"),
    "healthz/": E(ANYONE),
    "readyz/": E(ANYONE, note="503 until every migration is applied; says nothing personal"),
    "account/login/": E(ANYONE),
    "account/logout/": E(ANYONE, P),
    "account/two-factor/": E(ANYONE, note="a signed-in user without a device: 403"),
    "account/enrol/<str:token>/": E(ANYONE, note="a made-up token: 404 for everyone "
                                    "(real links: haven/access/tests/test_second_factor.py)"),
    "account/ping/": E(SIGNED_IN, P),
    "account/drafts/": E(SIGNED_IN, note="each user's own drafts only"),
    "account/audit/": E("audit.search"),
    "api/v1/": E(SIGNED_IN),
    "api/schema/": E(SIGNED_IN),
    "api/docs/": E(SIGNED_IN),
    # people
    "people/search/": E("person.lookup"),
    "people/<int:person_id>/": E("person.view", obj=PERSON, need_to_know=PARTNERS,
                                 note="a partner sees only people shared with its agency"),
    "people/<int:person_id>/addresses/<int:address_id>/lift/": E(
        "person.lift_confidential_address", P, obj=ADDRESS),
    "people/review/": E("linkage.review"),
    "people/review/<int:item_id>/": E("linkage.review", obj=REVIEW_ITEM, note=NO_DEMO_RECORD),
    "people/review/other-forces/": E("linkage.review",
                                     note="the force's matches with other forces"),
    "people/review/other-forces/<int:proposal_id>/": E(
        "linkage.review", obj=CROSS_FORCE_PROPOSAL,
        note="GET reads, POST answers; only the two forces party to the proposal"),
    "people/review/other-forces/<int:proposal_id>/withdraw/": E(
        "linkage.review", P, obj=CROSS_FORCE_PROPOSAL,
        note="POST withdraws the force's answer (a reason needed); only the two forces party"),
    "people/<int:person_id>/merge/": E("person.merge & person.view", P, obj=PERSON),
    "people/merges/<int:merge_id>/unmerge/": E("person.merge", P, obj=MERGE,
                                               note=NO_DEMO_RECORD),
    "api/v1/people/lookup": E("person.lookup", note="400 without a query"),
    "api/v1/people/lookup/": E("person.lookup", note="400 without a query"),
    "api/v1/people/<pk>/": E("person.view", obj=PERSON, need_to_know=PARTNERS),
    # tasks
    "tasks/": E("tasks.view"),
    "tasks/<int:task_id>/": E("tasks.view", obj=TASK, need_to_know=RECORD,
                              note="only the task's owner (user or agency)"),
    "api/v1/tasks/": E(SIGNED_IN, note="the user's own tasks: an empty list for a role "
                       "without tasks.view (the page answers 404)"),
    "api/v1/tasks/<pk>/": E("tasks.view", obj=TASK, need_to_know=RECORD),
    # intake
    "intake/": E("incident.view"),
    "intake/new/": E("incident.create"),
    "intake/new/lookup/": E("person.lookup"),
    "intake/new/checklist/": E("incident.create"),
    "intake/<int:incident_id>/": E("incident.view", obj=INCIDENT),
    "intake/<int:incident_id>/briefing/": E("briefing.view", obj=INCIDENT),
    "intake/<int:incident_id>/grade/": E("incident.grade", P, obj=INCIDENT),
    "intake/<int:incident_id>/people/": E("incident.create", obj=INCIDENT),
    "intake/<int:incident_id>/people/<int:involvement_id>/": E("incident.create", P,
                                                               obj=INVOLVEMENT),
    "intake/<int:incident_id>/step/<str:target>/": E(
        "incident.view", P, obj=INCIDENT,
        note="probed with target dispatched and an empty form: a 400 (no version) for anyone "
        "who may see the log; the step itself checks its own capability (its action)"),
    "api/v1/incidents/": E("incident.view"),
    "api/v1/incidents/<pk>/": E("incident.view", obj=INCIDENT),
    "api/v1/incidents/<pk>/grade/": E("incident.grade", P, obj=INCIDENT),
    "api/v1/incidents/<pk>/step/": E("incident.view", P, obj=INCIDENT,
                                     note="the step named in the body checks its own "
                                     "capability; without one: 400"),
    # risk
    "risk/": E("risk.view"),
    "risk/new/": E("risk.complete", params={"incident": INCIDENT}),
    "risk/hau/": E("risk.hau_review"),
    "risk/measures/": E("risk.measures"),
    "risk/<int:assessment_id>/": E("risk.view", obj=ASSESSMENT),
    "risk/<int:assessment_id>/sergeant/": E("risk.review_sergeant", P, obj=ASSESSMENT),
    "risk/<int:assessment_id>/hau/": E("risk.hau_review", P, obj=ASSESSMENT),
    "risk/<int:assessment_id>/flags/<int:flag_id>/clear/": E("risk.flag_reassessment", P,
                                                             obj=FLAG),
    "api/v1/risk/assessments/": E("risk.complete", P),
    "api/v1/risk/assessments/<pk>/": E("risk.view", obj=ASSESSMENT),
    "api/v1/risk/assessments/<pk>/hau_review/": E("risk.hau_review", P, obj=ASSESSMENT),
    "api/v1/risk/assessments/<pk>/sergeant_review/": E("risk.review_sergeant", P,
                                                       obj=ASSESSMENT),
    # safeguarding
    "safeguarding/": E("case.view"),
    "safeguarding/workload/": E("case.workload"),
    "safeguarding/break-glass/": E("case.review_break_glass"),
    "safeguarding/break-glass/<int:glass_id>/reviewed/": E("case.review_break_glass", P,
                                                           obj=BREAK_GLASS),
    "safeguarding/<int:case_id>/": E("case.view", obj=CASE),
    "safeguarding/<int:case_id>/close/": E("case.manage", obj=CASE),
    "safeguarding/<int:case_id>/risk/": E("case.manage", obj=CASE),
    "safeguarding/<int:case_id>/allocate/": E("case.allocate", obj=CASE),
    "safeguarding/<int:case_id>/plan/": E("case.manage", obj=CASE),
    "safeguarding/<int:case_id>/plan/<int:item_id>/status/": E("case.manage", P,
                                                               obj=PLAN_ACTION),
    "safeguarding/<int:case_id>/contact/": E("case.manage", obj=CASE),
    "safeguarding/<int:case_id>/markers/": E("case.manage", obj=CASE),
    "safeguarding/<int:case_id>/share/": E("case.share_force", obj=CASE),
    "safeguarding/<int:case_id>/share/<int:share_id>/withdraw/": E("case.share_force",
                                                                   obj=CASE_SHARE),
    "safeguarding/<int:case_id>/break-glass/": E("case.break_glass", obj=CASE),
    "safeguarding/cases/<int:case_id>/partners/": E("referral.make", obj=CASE),
    "safeguarding/cases/<int:case_id>/partners/refer/": E("referral.make", P, obj=CASE),
    "safeguarding/cases/<int:case_id>/partners/letters/": E(
        "letter.send", P, obj=CASE, need_to_know=RECORD,
        note="without a recipient the letter names nobody: 404"),
    "safeguarding/letters/<int:letter_id>/pdf/": E("letter.send", obj=LETTER),
    "safeguarding/referrals/": E("referral.view"),
    "safeguarding/referrals/<int:referral_id>/": E(
        "referral.view", obj=SG_REFERRAL, need_to_know=PARTNERS,
        note="a partner sees only referrals to its own agency"),
    "safeguarding/referrals/<int:referral_id>/answer/": E("referral.answer", P,
                                                          obj=SG_REFERRAL,
                                                          need_to_know=PARTNERS),
    "safeguarding/referrals/<int:referral_id>/entries/": E("referral.add_entry", P,
                                                           obj=SG_REFERRAL,
                                                           need_to_know=PARTNERS),
    "safeguarding/referrals/<int:referral_id>/recorded-answer/": E("referral.make", P,
                                                                   obj=SG_REFERRAL),
    "safeguarding/referrals/<int:referral_id>/withdraw/": E("referral.make", P,
                                                            obj=SG_REFERRAL),
    "safeguarding/meetings/": E("meeting.view"),
    "safeguarding/meetings/outcome/": E("meeting.record", P, need_to_know=RECORD,
                                        note="the area and case come in the form: 404 "
                                        "without them"),
    "safeguarding/board/": E("board.view"),
    "safeguarding/board/tasks/": E("board.chair", P, need_to_know=RECORD,
                                   note="the area comes in the form: 404 without it"),
    "safeguarding/board/tasks/<int:board_task_id>/done/": E(
        "board.view", P, obj=BOARD_TASK, need_to_know=RECORD,
        note="only those on the task's area board"),
    "api/v1/safeguarding/cases/": E("case.view"),
    "api/v1/safeguarding/cases/<pk>/": E("case.view", obj=CASE),
    # investigation
    "investigation/": E("crime.view"),
    "investigation/new/": E("crime.record"),
    "investigation/measures/": E("investigation.measures"),
    "investigation/<int:crime_id>/": E("crime.view", obj=CRIME),
    "investigation/<int:crime_id>/allocate/": E("crime.allocate", P, obj=CRIME),
    "investigation/<int:crime_id>/arrest/": E(
        "crime.view", P, obj=CRIME,
        note="an empty form is a 400 for anyone who may see the crime; the arrest itself "
        "needs crime.investigate (checked by its action)"),
    "investigation/<int:crime_id>/events/": E("crime.investigate", P, obj=CRIME),
    "investigation/<int:crime_id>/outcome/": E("crime.outcome", P, obj=CRIME),
    "investigation/<int:crime_id>/evidence/": E("evidence.upload", P, obj=CRIME),
    "investigation/<int:crime_id>/notices/<int:notice_id>/told/": E("crime.investigate", P,
                                                                    obj=VICTIM_NOTICE),
    "investigation/incident/<int:incident_id>/evidence/": E(
        "evidence.view & incident.view", obj=INCIDENT),
    "investigation/evidence/<str:public_id>/": E("evidence.view", obj=EVIDENCE),
    "investigation/evidence/<str:public_id>/shown/": E(
        "evidence.view", obj=EVIDENCE, need_to_know=RECORD,
        note="the demo's evidence has no stored file: 404"),
    "investigation/evidence/<str:public_id>/download/": E(
        "evidence.view", obj=EVIDENCE, need_to_know=RECORD,
        note="the demo's evidence has no stored file: 404"),
    "api/v1/investigation/crimes/<pk>/": E("crime.view", obj=CRIME),
    "api/v1/investigation/prison-releases/": E("crime.record", P),
    # protection
    "protection/": E("order.view"),
    "protection/notice/new/": E("order.notice"),
    "protection/orders/new/": E("order.record"),
    "protection/<int:order_id>/": E("order.view", obj=ORDER, note=NO_DEMO_RECORD),
    "protection/person/<int:person_id>/": E("order.view", obj=PERSON),
    "protection/clares-law/new/": E("dvds.manage"),
    "protection/clares-law/<int:app_id>/": E("dvds.view", obj=DVDS, note=NO_DEMO_RECORD),
    "protection/clares-law/measures/": E("dvds.measures"),
    # marac
    "marac/": E("marac.view"),
    "marac/governance/": E("marac.governance"),
    "marac/governance/dataset.csv": E("marac.governance"),
    "marac/areas/new/": E("marac.coordinate"),
    "marac/referrals/new/": E("marac.refer"),
    "marac/referrals/<int:referral_id>/": E(
        frozenset({"marac_coordinator", "hau", "darm", "inspector", "superintendent",
                   "detective", "idva", "childrens_services"}),
        obj=MARAC_REFERRAL, need_to_know=frozenset({"detective"}) | PARTNERS,
        note="marac.view, the IDVA's contact or the referrer (marac.refer); a referrer or "
        "partner sees only its own referrals and its area's cases"),
    "marac/meetings/new/": E("marac.coordinate"),
    "marac/meetings/<int:meeting_id>/": E("marac.view", obj=MARAC_MEETING,
                                          note=NO_DEMO_RECORD),
    "marac/meetings/<int:meeting_id>/agenda.pdf": E("marac.view", obj=MARAC_MEETING,
                                                    note=NO_DEMO_RECORD),
    "marac/meetings/<int:meeting_id>/minutes.pdf": E("marac.view", obj=MARAC_MEETING,
                                                     note=NO_DEMO_RECORD),
    "marac/cases/<int:case_id>/": E("marac.view", obj=MARAC_CASE, note=NO_DEMO_RECORD),
    # perpetrators (issue 15)
    "perpetrators/": E("perpetrator.rank", note="analysts and senior leaders see pseudonyms"),
    "perpetrators/refresh/": E("perpetrator.refresh", P),
    "perpetrators/programme/": E("perpetrator.manage"),
    "perpetrators/concentration/": E("perpetrator.rank"),
    "perpetrators/<int:person_id>/": E(
        "perpetrator.rank", obj=PERSON, need_to_know=RECORD,
        note="only a person ranked in one of the force's runs (the small demo has none)"),
    "perpetrators/<int:person_id>/adopt/": E(
        "perpetrator.rank & perpetrator.names & perpetrator.manage", P, obj=PERSON,
        need_to_know=RECORD, note="only a ranked person"),
    "perpetrators/<int:person_id>/intervention/": E(
        "perpetrator.rank & perpetrator.names & perpetrator.manage", P, obj=PERSON,
        need_to_know=RECORD, note="only a person on the programme"),
    "perpetrators/<int:person_id>/end/": E(
        "perpetrator.rank & perpetrator.names & perpetrator.manage", P, obj=PERSON,
        need_to_know=RECORD, note="only a person on the programme"),
    # insight (issue 16): a force's own pages; the other force's code is 404
    "insight/": E("insight.view", note="redirects to the user's own force's profile"),
    "insight/<str:force_code>/profile/": E("insight.view", obj=FORCE),
    "insight/<str:force_code>/profile.pdf": E(
        "insight.view", obj=FORCE, need_to_know=RECORD,
        note="404 until the store has been built (the test world has none)"),
    "insight/<str:force_code>/chart/<slug:name>.csv": E(
        "insight.view", obj=FORCE, need_to_know=RECORD,
        note="404 until the store has been built (the test world has none)"),
    "insight/<str:force_code>/measures/": E("insight.view", obj=FORCE),
    "insight/<str:force_code>/person/<str:key>/": E(
        "insight.drill_down", obj=FORCE, need_to_know=RECORD,
        note="a made-up pseudonym: 404; a real one opens the person (logged)"),
    "insight/<str:force_code>/refresh/": E("insight.refresh", P, obj=FORCE),
    "insight/<str:force_code>/refresh/progress/": E(
        "insight.view", obj=FORCE, note="the rebuild's progress bar (reads a file only)"),
    # assurance (issue 17 items 1-3): audits of calls and risk assessments, own force only
    "assurance/": E("qa.view"),
    "assurance/samples/draw/": E("qa.sample", P, note="last month's sample: already drawn by "
                                 "the demo, so refused with a message"),
    "assurance/samples/<int:sample_id>/": E("qa.view", obj=QA_SAMPLE),
    "assurance/audits/<int:audit_id>/": E("qa.view", obj=QA_AUDIT),
    "assurance/audits/<int:audit_id>/complete/": E(
        "qa.audit", P, obj=QA_AUDIT, note="without a version: refused with a message"),
    "assurance/feedback/<int:audit_id>/": E(
        "qa.acknowledge", obj=QA_AUDIT, need_to_know=RECORD,
        note="only the member of staff audited, once the audit is complete"),
    "assurance/feedback/<int:audit_id>/acknowledge/": E(
        "qa.acknowledge", P, obj=QA_AUDIT, need_to_know=RECORD,
        note="only the member of staff audited"),
    "assurance/trends/": E("qa.view"),
    "assurance/trends.csv": E("qa.view"),
    "assurance/agreement/": E("qa.view"),
    # learning (issue 17 items 4-5): training records and plan, lessons learned, own force
    "learning/": E("training.view"),
    "learning/staff/<int:user_id>/": E("training.view", obj=STAFF_MEMBER),
    "learning/staff/<int:user_id>/complete/": E(
        "training.view & training.record", P, obj=STAFF_MEMBER,
        note="an empty form: 400 with the errors"),
    "learning/staff/<int:user_id>/team/": E(
        "training.view & training.record", P, obj=STAFF_MEMBER,
        note="an empty form: 400 with the errors"),
    "learning/plan/": E("training.view"),
    "learning/plan/adopt/": E("training.plan", P),
    "learning/import/": E("training.record"),
    "learning/lessons/": E("lesson.read"),
    "learning/lessons/<int:lesson_id>/": E("lesson.read", obj=LESSON),
    "learning/lessons/<int:lesson_id>/acknowledge/": E("lesson.read", P, obj=LESSON),
    "learning/reviews/": E("lesson.publish"),
    "learning/reviews/<int:review_id>/": E("lesson.publish", obj=LEARNING_REVIEW),
    "learning/reviews/<int:review_id>/recommendations/": E(
        "lesson.publish", P, obj=LEARNING_REVIEW, note="an empty form: 400 with the errors"),
    "learning/reviews/<int:review_id>/lessons/": E(
        "lesson.publish", P, obj=LEARNING_REVIEW, note="an empty form: 400 with the errors"),
    "learning/recommendations/<int:rec_id>/update/": E(
        "recommendation.update & lesson.publish", P, obj=RECOMMENDATION,
        note="an empty form: 400 with the errors"),
}
