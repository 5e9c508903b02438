"""The safeguarding, MARAC and protection extracts through a real refresh: the rows each
room gives the store (pseudonymous keys, districts withheld for a refuge's area, no free
text), and the measures page reading them from the store."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.forces.models import Agency
from haven.insight import store
from haven.insight.services import do_refresh_store
from haven.marac.models import Area, Meeting
from haven.marac.models import Case as MaracCase
from haven.marac.models import Referral as MaracReferral
from haven.protection.models import Breach, DisclosureApplication, Order
from haven.safeguarding.models import Case, PlanAction, PlanActionChange, Referral

SECRET = "Do not visit: secret refuge note"


def aware(text):
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.fixture
def casework(forces, make_person, persona):
    warks = forces["WARKS"]
    victim, refuge_victim, suspect = make_person(), make_person(), make_person()
    officer = persona("darm")
    case = Case.objects.create(force=warks, person=victim, opened_at=aware("2024-03-01T09:00"),
                               grade="high", area="CV34")
    hidden = Case.objects.create(force=warks, person=refuge_victim, grade="medium",
                                 opened_at=aware("2024-03-02T09:00"), area="CV31",
                                 area_confidential=True)
    done = PlanAction.objects.create(case=case, kind="target_hardening", detail=SECRET,
                                     owner_kind="team", owner_team="SNT",
                                     due_on=dt.date(2024, 3, 9),
                                     created_at=aware("2024-03-01T10:00"), status="done")
    PlanActionChange.objects.create(action=done, at=aware("2024-03-05T10:00"),
                                    from_status="open", to_status="done")
    PlanAction.objects.create(case=hidden, kind="panic_alarm", owner_kind="team",
                              owner_team="SNT", due_on=dt.date(2024, 3, 3),
                              created_at=aware("2024-03-02T10:00"))
    Referral.objects.create(case=case, force=warks, person=victim, reason=SECRET,
                            agency=Agency.objects.get(force=warks, kind="idva"),
                            consent="given", status="accepted", referred_by=officer,
                            referred_at=aware("2024-03-02T09:00"),
                            answer_due_at=aware("2024-03-04T09:00"),
                            decided_at=aware("2024-03-03T09:00"))
    area = Area.objects.create(force=warks, name="Warwick", districts=["CV34"])
    Area.objects.create(force=warks, name="Rugby")
    referral = MaracReferral.objects.create(
        force=warks, area=area, victim=victim, perpetrator=suspect, criterion="repeat",
        referred_at=aware("2024-03-03T09:00"), consent="given", rationale=SECRET,
        idva_outcome="engaged", idva_outcome_at=aware("2024-03-04T09:00"))
    meeting = Meeting.objects.create(force=warks, area=area, held_at=aware("2024-03-10T10:00"))
    MaracCase.objects.create(meeting=meeting, referral=referral, risk_summary=SECRET,
                             heard_at=aware("2024-03-10T10:30"))
    notice = Order.objects.create(force=warks, kind="dvpn", subject=suspect, protected=victim,
                                  grounds=SECRET, starts_at=aware("2024-03-02T12:00"))
    Breach.objects.create(order=notice, occurred_at=aware("2024-03-03T22:00"),
                          description=SECRET, crime_prompt="x")
    DisclosureApplication.objects.create(
        force=warks, route="ask", person_at_risk=victim, subject=suspect, concern=SECRET,
        received_at=aware("2024-03-01T09:00"), due_at=aware("2024-03-29T09:00"), clock_days=28,
        disclosed_at=aware("2024-03-20T09:00"), closed_at=aware("2024-03-20T10:00"),
        decision="disclose")
    do_refresh_store(actor=None)
    return {"victim": victim, "refuge_victim": refuge_victim, "suspect": suspect}


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_the_casework_rooms_give_the_store_their_rows_pseudonymised(casework):
    key = store.Pseudonym().person
    con = store.connect()
    try:
        assert rows(con, "SELECT victim_key, grade, district FROM cases ORDER BY case_id") == [
            (key(casework["victim"].pk), "high", "CV34"),
            (key(casework["refuge_victim"].pk), "medium", "withheld")]
        assert rows(con, "SELECT kind, status, due_day, closed_at, district FROM plan_actions "
                         "ORDER BY action_id") == [
            ("target_hardening", "done", store.day_number(dt.date(2024, 3, 9)),
             dt.datetime(2024, 3, 5, 10), "CV34"),
            ("panic_alarm", "open", store.day_number(dt.date(2024, 3, 3)), None, "withheld")]
        assert rows(con, "SELECT agency_kind, status FROM partner_referrals") == [
            ("idva", "accepted")]
        assert rows(con, "SELECT area FROM marac_areas ORDER BY area") == [("Rugby",),
                                                                         ("Warwick",)]
        assert rows(con, "SELECT area, victim_key, is_repeat FROM marac_cases") == [
            ("Warwick", key(casework["victim"].pk), True)]
        assert rows(con, "SELECT perpetrator_key, idva_outcome FROM marac_referrals") == [
            (key(casework["suspect"].pk), "engaged")]
        assert rows(con, "SELECT kind, protected_key FROM orders") == [
            ("dvpn", key(casework["victim"].pk))]
        assert rows(con, "SELECT COUNT(*) FROM order_breaches") == [(1,)]
        assert rows(con, "SELECT route, decision FROM disclosures") == [("ask", "disclose")]
        kinds = {k for (k,) in rows(con, "SELECT kind FROM interventions")}
        assert kinds == {"plan:target_hardening", "referral:idva", "marac_heard",
                         "idva_engaged", "order:dvpn", "clares_law_disclosure"}
        for table in ("cases", "plan_actions", "partner_referrals", "marac_referrals",
                      "marac_cases", "orders", "order_breaches", "disclosures"):
            for row in rows(con, f"SELECT * FROM {table}"):  # noqa: S608 (test's own names)
                assert not any(isinstance(v, str) and ("secret" in v.lower() or "Example" in v)
                               for v in row), table
    finally:
        con.close()


def test_the_measures_page_reads_marac_orders_and_plans_from_the_store(casework, client_as):
    page = client_as("analyst").get(
        reverse("insight:measures", args=["WARKS"]) + "?from=2024-03-01&to=2024-03-31")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="marac-areas"' in text and "Rugby" in text
    assert "MARAC cases heard" in text
    assert 'data-testid="what-works"' in text and "Observational, not causal" in text
    assert "Selection by risk" in text
    assert "DVPN 1" in text
    # the refuge victim's overdue alarm is counted for the force, never placed
    assert "1 overdue of 1 open" in text
