"""Demo for the partners' part of the safeguarding room (called by the room's demo.py): the
first open high-risk case of each force is referred to its IDVA service with consent, the
IDVA accepts and records a first contact, the victim's letter is sent (unless an address or
a preference forbids it) and the perpetrator's is held back with a reason; the daily board
gets a task from the inspector. Synthetic people only; runs once per force."""

from __future__ import annotations

import contextlib

from haven.forces.models import Agency
from haven.safeguarding import board, letters
from haven.safeguarding.models import Case
from haven.safeguarding.models_partners import Referral
from haven.safeguarding.referrals import do_add_partner_entry, do_answer_referral, do_refer_case


def seed(context):
    for force in context.forces:
        users = {role: context.users[(force.code, role)]
                 for role in ("hau", "idva", "inspector", "darm")}
        agency = Agency.objects.filter(force=force, kind=Agency.Kind.IDVA).order_by("pk").first()
        case = (Case.objects.filter(force=force, status=Case.Status.OPEN, grade="high")
                .order_by("id").first())
        if agency is None or case is None or Referral.objects.filter(case=case).exists():
            continue
        referral = do_refer_case(case, agency, reason="Safety planning and support at court",
                                 consent=Referral.Consent.GIVEN, actor=users["hau"])
        referral = do_answer_referral(referral, accept=True, version=referral.version,
                                      actor=users["idva"])
        do_add_partner_entry(referral, text="First contact by phone on the safe number; "
                             "safety plan started", actor=users["idva"])
        # A confidential address or a preference means no letter, as in real use.
        with contextlib.suppress(letters.LetterRefused):
            letters.do_send_letter(case, recipient="victim", actor=users["hau"])
        for perpetrator in letters.perpetrators_of(users["hau"], case)[:1]:
            letters.do_suppress_letter(case, recipient="perpetrator", person_id=perpetrator.pk,
                                       reason="He would learn that she called the police",
                                       actor=users["hau"])
        board.do_allocate_board_task(area="", subject=f"case:{case.pk}",
                                     title="Confirm the panic alarm is fitted",
                                     owner_id=users["darm"].pk, actor=users["inspector"])
