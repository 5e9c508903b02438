"""Matches with other forces (issue 19): a reviewer of each force finds a cross-force proposal
from the review queue, reads it (the other force's record only through a share), answers for
their force's side; both saying "same person" confirms it, and nothing is merged."""

import re

import pytest
from django.test import Client

from haven.access.models import AccessLogEntry, User
from haven.chronology.models import Entry
from haven.core.concurrency import StaleEdit
from haven.forces.services import do_add_force
from haven.people import national
from haven.people.models import Person
from haven.people.models_national import CrossForceProposal
from haven.people.national import (
    do_decide_cross_force,
    do_queue_cross_force,
    do_withdraw_cross_force,
)
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db

PERPETRATOR = {"forename": "Darren", "surname": "Whitcombe", "date_of_birth": "1984-03-17",
               "gender": "M", "pnc_id": "84/123456A"}
LIST = "/people/review/other-forces/"


@pytest.fixture
def proposal(add_record):
    """Warwickshire's crime record and West Mercia's control-room record of one man, queued
    as a national run queues them (Warwickshire is force_a: its record is older)."""
    warks = add_record("crime", "W1", **PERPETRATOR, address_line="4 Mill Lane",
                       town="Warwick", postcode="CV34 4AB")
    wmerc = add_record("command_and_control", "M1", "WMERC",
                       **{**PERPETRATOR, "forename": "Daren"}, address_line="17 Bath Road",
                       town="Worcester", postcode="WR5 3AA")
    do_queue_cross_force([(warks.pk, wmerc.pk, 0.97)], engine="duckdb")
    return CrossForceProposal.objects.get()


@pytest.fixture
def outsider(forces):
    """A Staffordshire reviewer: a force not party to the proposal (and outside the alliance)."""
    force = do_add_force("STAFFS", "Staffordshire Police").obj
    user = User(username="hau.staffs", role="hau", force=force)
    user.set_password("correct horse battery")
    user.save()
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(proposal):
    return f"{LIST}{proposal.pk}/"


def version_on(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html)[1]


def logged(**fields):
    return AccessLogEntry.objects.filter(**fields)


def test_a_reviewer_finds_the_match_from_the_review_queue(proposal, persona):
    hau = signed_in(persona("hau"))
    queue = hau.get("/people/review/").content.decode()
    assert "Matches with other forces (1 waiting)" in queue
    assert 'href="/people/review/other-forces/"' in queue

    listing = hau.get(LIST).content.decode()
    waiting = listing.split('data-testid="cross-force-waiting"')[1].split("</table>")[0]
    assert f'href="{page(proposal)}"' in waiting
    assert "Darren Whitcombe" in waiting and "West Mercia Police (WMERC)" in waiting
    assert "Daren" not in listing.replace("Darren", "")  # never the other force's values
    assert "Your force has not answered any yet." in listing
    # the list names Warwickshire's person: logged, one entry per person shown
    assert logged(username="hau.warks", record_type="cross_force_queue",
                  person_id=proposal.record_a.person_id, outcome="allowed").exists()
    # West Mercia's reviewer has it in their list too
    assert page(proposal) in signed_in(persona("darm", "WMERC")).get(LIST).content.decode()


def test_the_page_shows_both_records_through_the_alliance_and_the_evidence(proposal, persona):
    html = signed_in(persona("darm", "WMERC")).get(page(proposal)).content.decode()
    table = html.split('data-testid="side-by-side"')[1].split("</table>")[0]
    assert "Daren" in table and "Darren" in table  # own and, shared, the other's
    assert "not-shared" not in html
    evidence = html.split('data-testid="evidence"')[1].split("</table>")[0]
    assert "Forename" in evidence and "Surname" in evidence
    assert 'name="version" value="1"' in html
    assert "Same person" in html and "Not the same person" in html
    assert logged(username="darm.wmerc", record_type="cross_force_proposal",
                  record_id=str(proposal.pk), action="consultation",
                  person_id=proposal.record_b.person_id, outcome="allowed").exists()


def test_without_a_share_the_page_says_so_and_shows_none_of_their_details(proposal, persona,
                                                                          forces):
    wmerc = forces["WMERC"]
    wmerc.alliance = None
    wmerc.save()
    html = signed_in(persona("hau")).get(page(proposal)).content.decode()
    assert "details are not shared with your force" in html
    assert f"their record {proposal.record_b_id}" in html
    assert "Darren" in html  # Warwickshire's own record
    for theirs in ("Daren", "Worcester", "WR5", "Bath Road"):
        assert theirs not in html.replace("Darren", "")
    evidence = html.split('data-testid="evidence"')[1].split("</table>")[0]
    assert "Forename" in evidence  # the comparison's level, not West Mercia's value


def test_both_forces_say_same_person_and_it_is_confirmed_without_a_merge(proposal, persona):
    persons = {proposal.record_a.person_id, proposal.record_b.person_id}
    hau = signed_in(persona("hau"))
    html = hau.get(page(proposal)).content.decode()
    answered = hau.post(page(proposal), {"decision": "link", "version": version_on(html)},
                        follow=True)
    text = answered.content.decode()
    assert answered.redirect_chain[-1][0] == LIST
    assert "Your force&#x27;s answer is recorded (Same person)" in text
    assert "waits for the other force" in text
    answered_table = text.split('data-testid="cross-force-answered"')[1]
    assert f'href="{page(proposal)}"' in answered_table
    assert "Nothing waiting for your force's answer." in text

    darm = signed_in(persona("darm", "WMERC"))
    html = darm.get(page(proposal)).content.decode()
    assert 'data-testid="answer-other">Same person' in html  # Warwickshire's answer
    text = darm.post(page(proposal), {"decision": "link", "version": version_on(html)},
                     follow=True).content.decode()
    assert "the match is confirmed" in text and "No records were merged" in text

    html = darm.get(page(proposal)).content.decode()
    assert 'data-testid="confirmed"' in html and "No records were merged" in html
    assert 'name="decision"' not in html  # answered: no form
    proposal.refresh_from_db()
    assert proposal.confirmed
    # nothing merged: the same two persons, one in each force
    assert Person.objects.filter(pk__in=persons, merged_into__isnull=True).count() == 2
    assert {proposal.record_a.person_id, proposal.record_b.person_id} == persons
    for username in ("hau.warks", "darm.wmerc"):
        assert logged(username=username, record_type="cross_force_proposal",
                      record_id=str(proposal.pk), action="combination").exists()
    # each force's person's chronology names the other force, never its values
    summaries = dict(Entry.objects.filter(kind="cross_force_link")
                     .values_list("person_id", "summary"))
    assert summaries[proposal.record_a.person_id].startswith("Also recorded by WMERC")
    assert summaries[proposal.record_b.person_id].startswith("Also recorded by WARKS")


def test_a_second_answer_from_the_same_force_is_refused_with_a_clear_message(proposal,
                                                                            persona):
    first, second = signed_in(persona("hau")), signed_in(persona("darm"))
    version = version_on(first.get(page(proposal)).content.decode())
    assert version_on(second.get(page(proposal)).content.decode()) == version
    assert first.post(page(proposal), {"decision": "link", "version": version}).status_code \
        == 302
    refused = second.post(page(proposal), {"decision": "not_link", "version": version})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else in your force has already decided this match (Same person)" in html
    assert "Your answer was not saved" in html
    proposal.refresh_from_db()
    assert proposal.decision_a == "link" and proposal.decided_by_a.username == "hau.warks"


def test_the_other_forces_answer_in_between_is_not_overwritten_silently(proposal, persona):
    warks = signed_in(persona("hau"))
    version = version_on(warks.get(page(proposal)).content.decode())
    do_decide_cross_force(proposal, decision="not_link", version=proposal.version,
                          actor=persona("darm", "WMERC"))
    html = warks.post(page(proposal), {"decision": "link", "version": version}).content.decode()
    assert "The other force answered while you were reading this page" in html
    assert 'data-testid="answer-other">Not the same person' in html  # the page as it is now
    proposal.refresh_from_db()
    assert proposal.decision_a == ""


def test_no_answer_chosen_asks_for_one(proposal, persona):
    hau = signed_in(persona("hau"))
    html = hau.post(page(proposal), {"version": "1"}).content.decode()
    assert "Choose whether the records are the same person" in html


@pytest.mark.parametrize("who", ["snt_officer", "sergeant", "idva", "childrens_services"])
def test_the_list_is_404_for_roles_without_review_and_partners(proposal, persona, who):
    response = signed_in(persona(who)).get(LIST)
    assert response.status_code == 404
    assert logged(username=f"{who}.warks", record_type="cross_force_queue",
                  outcome="refused").exists()


@pytest.mark.parametrize("who", ["snt_officer", "idva", "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_proposal_is_404_for_wrong_role_partner_and_a_force_not_party(
        proposal, persona, outsider, who, method):
    user = outsider if who == "outsider" else persona(who)
    client = signed_in(user)
    response = getattr(client, method)(page(proposal), {"decision": "link", "version": "1"}
                                       if method == "post" else {})
    assert response.status_code == 404
    assert logged(username=user.username, record_type="cross_force_proposal",
                  record_id=str(proposal.pk), outcome="refused").exists()
    assert not logged(username=user.username, outcome="allowed",
                      record_type="cross_force_proposal").exists()
    proposal.refresh_from_db()
    assert proposal.decision_a == proposal.decision_b == ""


def test_the_outside_force_sees_an_empty_list_not_the_proposal(proposal, outsider):
    html = signed_in(outsider).get(LIST).content.decode()
    assert "Nothing waiting for your force's answer." in html
    assert page(proposal) not in html and "Darren" not in html


def _confirm(proposal, persona):
    proposal = do_decide_cross_force(proposal, decision="link", version=proposal.version,
                                     actor=persona("hau"))
    return do_decide_cross_force(proposal, decision="link", version=proposal.version,
                                 actor=persona("darm", "WMERC"))


def test_the_person_page_says_also_recorded_by_the_other_force_once_confirmed(proposal,
                                                                              persona):
    person = f"/people/{proposal.record_a.person_id}/"
    officer = signed_in(persona("sergeant"))
    assert "Also recorded by" not in officer.get(person).content.decode()  # not confirmed yet
    _confirm(proposal, persona)
    html = officer.get(person).content.decode()
    links = html.split('data-testid="cross-force-links"')[1].split("</ul>")[0]
    assert "Also recorded by WMERC" in links
    assert f"their record {proposal.record_b_id}" in links
    assert "Daren Whitcombe, born 17 March 1984" in links  # shared through the alliance
    assert logged(username="sergeant.warks", record_type="cross_force_link",
                  person_id=proposal.record_a.person_id,
                  detail__other_records=[proposal.record_b_id]).exists()
    # and West Mercia's person page the other way round
    other = signed_in(persona("sergeant", "WMERC")).get(
        f"/people/{proposal.record_b.person_id}/").content.decode()
    assert "Also recorded by WARKS" in other and "Darren Whitcombe" in other


def test_without_a_share_the_person_page_gives_only_the_force_and_record(proposal, persona,
                                                                         forces):
    _confirm(proposal, persona)
    wmerc = forces["WMERC"]
    wmerc.alliance = None
    wmerc.save()
    html = signed_in(persona("sergeant")).get(
        f"/people/{proposal.record_a.person_id}/").content.decode()
    links = html.split('data-testid="cross-force-links"')[1].split("</ul>")[0]
    assert "Also recorded by WMERC" in links and str(proposal.record_b_id) in links
    assert "not shared with your force" in links and "Daren" not in links


# ------------------------------------------------------------------ the other force's task

TASK_TITLE = "Another force has answered a cross-force match; your force's answer is needed"


def open_tasks(force_code):
    return Task.objects.filter(force__code=force_code, kind="cross_force_answer",
                               done_at__isnull=True)


def answer(client, proposal, decision="link"):
    html = client.get(page(proposal)).content.decode()
    return client.post(page(proposal), {"decision": decision, "version": version_on(html)})


def test_the_other_forces_reviewers_get_a_task_that_closes_when_they_answer(proposal,
                                                                            persona):
    assert not Task.objects.filter(kind="cross_force_answer").exists()  # nobody answered yet
    assert answer(signed_in(persona("hau")), proposal).status_code == 302

    # West Mercia's reviewers (both roles that answer) have it; Warwickshire has none
    tasks = open_tasks("WMERC")
    assert sorted(tasks.values_list("owner_role", flat=True)) == ["darm", "hau"]
    assert not open_tasks("WARKS").exists()
    task = tasks.get(owner_role="darm")
    assert task.title.startswith(TASK_TITLE) and "WARKS" in task.title
    assert task.person_id == proposal.record_b.person_id  # West Mercia's own person
    # where the task page leads (the tasks room asks the people room: national.task_link)
    assert national.task_link(persona("darm", "WMERC"), task)["url"] == page(proposal)
    darm = signed_in(persona("darm", "WMERC"))
    home = darm.get("/").content.decode()
    assert TASK_TITLE.replace("'", "&#x27;") in home
    assert f'href="/tasks/{task.pk}/"' in home
    assert TASK_TITLE.replace("'", "&#x27;") in darm.get("/tasks/").content.decode()
    # Warwickshire's reviewer is not asked: their force has answered
    assert "cross-force match" not in signed_in(persona("darm")).get("/").content.decode()

    assert answer(darm, proposal, "not_link").status_code == 302
    assert not open_tasks("WMERC").exists()
    closed = Task.objects.get(pk=task.pk)
    assert closed.done_at is not None and closed.done_by.username == "darm.wmerc"
    assert "cross-force match" not in darm.get("/").content.decode()


def test_the_task_carries_no_detail_of_the_other_forces_record(proposal, persona, forces):
    wmerc = forces["WMERC"]
    wmerc.alliance = None  # no share: West Mercia may not read Warwickshire's values
    wmerc.save()
    answer(signed_in(persona("hau")), proposal)
    task = open_tasks("WMERC").get(owner_role="hau")
    home = signed_in(persona("hau", "WMERC")).get("/").content.decode()
    for theirs in ("Darren", "Mill Lane", "CV34", "Warwick "):
        assert theirs not in task.title and theirs not in home
    assert "Daren Whitcombe" in home  # West Mercia's own person, theirs to see


def test_withdrawing_the_answer_closes_the_other_forces_task(proposal, persona):
    hau = signed_in(persona("hau"))
    answer(hau, proposal)
    assert open_tasks("WMERC").count() == 2
    html = hau.get(page(proposal)).content.decode()
    response = hau.post(f"{page(proposal)}withdraw/",
                        {"reason": "Wrong record opened", "version": version_on(html)},
                        follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == page(proposal)
    assert "Your force&#x27;s answer is withdrawn" in text
    assert 'name="decision"' in text  # it waits for Warwickshire's answer again
    assert not Task.objects.filter(kind="cross_force_answer", done_at__isnull=True).exists()
    assert "Wrong record opened" in text  # the own force reads its reason
    proposal.refresh_from_db()
    assert proposal.decision_a == "" and proposal.decided_by_a is None
    assert logged(username="hau.warks", record_type="cross_force_proposal", action="alteration",
                  record_id=str(proposal.pk), reason="Wrong record opened",
                  person_id=proposal.record_a.person_id).exists()
    # West Mercia sees that an answer was withdrawn, never Warwickshire's reason
    other = signed_in(persona("hau", "WMERC")).get(page(proposal)).content.decode()
    assert 'data-testid="withdrawals"' in other and "Wrong record opened" not in other
    assert 'data-testid="answer-other">Not answered yet' in other


def test_withdrawing_a_confirmed_match_unconfirms_it_on_both_person_pages(proposal, persona):
    _confirm(proposal, persona)
    pages = {"WARKS": f"/people/{proposal.record_a.person_id}/",
             "WMERC": f"/people/{proposal.record_b.person_id}/"}
    for force, person in pages.items():
        assert "Also recorded by" in signed_in(persona("sergeant", force)).get(
            person).content.decode()
    darm = signed_in(persona("darm", "WMERC"))
    html = darm.get(page(proposal)).content.decode()
    assert "will no longer be confirmed" in html
    text = darm.post(f"{page(proposal)}withdraw/",
                     {"reason": "Custody photo shows a different man",
                      "version": version_on(html)}, follow=True).content.decode()
    assert "the match is no longer confirmed" in text
    assert 'data-testid="confirmed"' not in text
    for force, person in pages.items():
        html = signed_in(persona("sergeant", force)).get(person).content.decode()
        assert 'data-testid="cross-force-links"' not in html  # the line and its link gone
        assert "No longer confirmed as also recorded by" in html  # the chronology says so
    summaries = dict(Entry.objects.filter(kind="cross_force_unlink")
                     .values_list("person_id", "summary"))
    assert summaries[proposal.record_a.person_id].startswith(
        "No longer confirmed as also recorded by WMERC: WMERC withdrew")
    assert summaries[proposal.record_b.person_id].startswith(
        "No longer confirmed as also recorded by WARKS: WMERC withdrew")
    assert "Custody photo" not in " ".join(summaries.values())  # the reason stays in WMERC
    # Warwickshire said "same person" and West Mercia no longer has: West Mercia is asked
    assert open_tasks("WMERC").count() == 2 and not open_tasks("WARKS").exists()


def test_a_withdrawal_without_a_reason_is_refused_and_says_so(proposal, persona):
    hau = signed_in(persona("hau"))
    answer(hau, proposal)
    html = hau.get(page(proposal)).content.decode()
    refused = hau.post(f"{page(proposal)}withdraw/", {"reason": "  ",
                                                      "version": version_on(html)})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Enter why your force is withdrawing its answer" in text
    assert 'id="reason-error"' in text
    proposal.refresh_from_db()
    assert proposal.decision_a == "link"


def test_a_reason_too_long_to_keep_is_refused_not_cut_short(proposal, persona):
    hau = signed_in(persona("hau"))
    answer(hau, proposal)
    html = hau.get(page(proposal)).content.decode()
    refused = hau.post(f"{page(proposal)}withdraw/", {"reason": "x" * 1001,
                                                      "version": version_on(html)})
    text = refused.content.decode()
    assert "The reason can be 1,000 characters at most (this one has 1,001)" in text
    proposal.refresh_from_db()
    assert proposal.decision_a == "link"


def test_a_stale_withdrawal_is_refused_saying_what_changed(proposal, persona):
    hau = signed_in(persona("hau"))
    answer(hau, proposal)
    html = hau.get(page(proposal)).content.decode()
    proposal.refresh_from_db()
    do_decide_cross_force(proposal, decision="not_link", version=proposal.version,
                          actor=persona("darm", "WMERC"))
    refused = hau.post(f"{page(proposal)}withdraw/",
                       {"reason": "Second thoughts", "version": version_on(html)})
    text = refused.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert refused.status_code == 200
    assert "This match changed while you were reading it" in text
    assert ("your force's answer is now \"Same person\" and the other force's "
            "\"Not the same person\"") in text
    assert "Nothing was withdrawn" in text
    assert "Second thoughts" in text  # what they typed is kept
    proposal.refresh_from_db()
    assert proposal.decision_a == "link" and not proposal.withdrawals.exists()


def test_withdrawing_what_was_never_answered_is_refused(proposal, persona):
    with pytest.raises(StaleEdit, match="no answer to withdraw"):
        do_withdraw_cross_force(proposal, reason="Oops", version=proposal.version,
                                actor=persona("hau"))


@pytest.mark.parametrize("who", ["snt_officer", "sergeant", "idva", "childrens_services",
                                 "outsider"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_withdraw_is_404_for_wrong_role_partner_and_a_force_not_party(
        proposal, persona, outsider, who, method):
    proposal = do_decide_cross_force(proposal, decision="link", version=proposal.version,
                                     actor=persona("hau"))
    user = outsider if who == "outsider" else persona(who)
    response = getattr(signed_in(user), method)(
        f"{page(proposal)}withdraw/",
        {"reason": "x", "version": str(proposal.version)} if method == "post" else {})
    assert response.status_code == 404
    assert logged(username=user.username, record_type="cross_force_proposal",
                  record_id=str(proposal.pk), outcome="refused").exists()
    proposal.refresh_from_db()
    assert proposal.decision_a == "link"


# ------------------------------------------------------------------ paging


@pytest.fixture
def many(add_record, monkeypatch):
    """Five proposals naming one Warwickshire record, three rows a page."""
    monkeypatch.setattr(national, "PER_PAGE", 3)
    warks = add_record("crime", "W1", **PERPETRATOR)
    pairs = []
    for i, surname in enumerate(("Ashdown", "Brereton", "Calloway", "Dunmore", "Eversley")):
        theirs = add_record("command_and_control", f"M{i}", "WMERC", forename="Lee",
                            surname=surname, date_of_birth=f"19{60 + i}-01-0{i + 1}")
        pairs.append((warks.pk, theirs.pk, 0.9 - i / 100))
    do_queue_cross_force(pairs, engine="duckdb")
    return list(CrossForceProposal.objects.order_by("-probability"))


def waiting_ids(html):
    table = html.split('data-testid="cross-force-waiting"')[1].split("</table>")[0]
    return [int(x) for x in re.findall(r"other-forces/(\d+)/", table)]


def test_the_list_pages_through_the_waiting_matches(many, persona):
    hau = signed_in(persona("hau"))
    first = hau.get(LIST).content.decode()
    assert "Waiting for your force's answer (5)" in first
    assert waiting_ids(first) == [p.pk for p in many[:3]]
    nav = first.split('data-testid="waiting-pages"')[1].split("</nav>")[0]
    assert 'href="?page=2#waiting"' in nav and 'rel="next"' in nav and 'rel="prev"' not in nav
    assert 'aria-current="page">1<' in nav
    assert "Page 1 of 2" in first
    second = hau.get(LIST + "?page=2").content.decode()
    assert waiting_ids(second) == [p.pk for p in many[3:]]
    assert 'rel="prev"' in second and "Page 2 of 2" in second


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "3", "99999999999999999999", "1.5", ""])
def test_a_bad_page_number_shows_page_one(many, persona, bad):
    response = signed_in(persona("hau")).get(LIST, {"page": bad, "answered_page": bad})
    assert response.status_code == 200
    assert waiting_ids(response.content.decode()) == [p.pk for p in many[:3]]


def test_the_answered_matches_page_separately_keeping_the_waiting_page(many, persona):
    hau = persona("hau")
    for proposal in many[:4]:
        do_decide_cross_force(proposal, decision="not_link", version=proposal.version,
                              actor=hau)
    html = signed_in(hau).get(LIST, {"page": "1", "answered_page": "2"}).content.decode()
    answered = html.split('data-testid="cross-force-answered"')[1].split("</table>")[0]
    newest_first = sorted((p.pk for p in many[:4]), reverse=True)
    assert [int(x) for x in re.findall(r"other-forces/(\d+)/", answered)] == newest_first[3:]
    nav = html.split('data-testid="answered-pages"')[1].split("</nav>")[0]
    assert 'href="?answered_page=1#answered"' in nav
    assert "waiting-pages" not in html  # one waiting match left: one page, no navigation
