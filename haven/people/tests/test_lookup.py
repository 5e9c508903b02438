import datetime as dt

import pytest

from haven.access.models import AccessLogEntry
from haven.people.lookup import LookupCriteriaError, find_candidates
from haven.people.models import LegacyRecord, Person, WarningMarker
from haven.people.tests.conftest import days_ago
from haven.protection.models import Order

URL = "/api/v1/people/lookup"


@pytest.fixture
def dana(add_record):
    add_record("pvp", "P1", forename="Danielle", surname="Whitfield",
               date_of_birth="1988-04-12", phone="07700 900123", postcode="CV34 4AA",
               address_line="1 Test Street", town="Warwick")
    return add_record("crime", "C9", forename="Dani", surname="Whitfield",
                      date_of_birth="1988-04-12", postcode="cv344aa").person


@pytest.fixture
def others(add_record):
    add_record("pvp", "P2", forename="Daniel", surname="Whitford", date_of_birth="1960-01-01")
    add_record("pvp", "P3", forename="Susan", surname="Green", date_of_birth="1975-06-30",
               phone="07700900999")


def test_a_misspelt_partial_name_finds_the_person_first_and_explains_why(dana, others,
                                                                         persona):
    found = find_candidates(persona("call_handler"), forename="Danni", surname="Whitfeld")
    assert found[0].person == dana
    fields = {e["field"]: e["level"] for e in found[0].explanation}
    assert fields["surname"].startswith("jaro-winkler")
    assert 0 < found[0].score <= 1


def test_a_phone_in_another_format_finds_the_person(dana, others, persona):
    found = find_candidates(persona("call_handler"), phone="+44 7700 900123")
    assert [c.person for c in found] == [dana]
    assert [(e["field"], e["level"]) for e in found[0].explanation] == [("phone", "exact")]
    assert found[0].explanation[0]["weight"] > 0


def test_a_day_month_swapped_birth_date_still_ranks_the_person_first(dana, others, persona):
    found = find_candidates(persona("call_handler"), surname="Whitfield",
                            date_of_birth="1988-12-04")
    assert found[0].person == dana
    levels = {e["field"]: (e["level"], e["weight"]) for e in found[0].explanation}
    assert levels["date_of_birth"][0] == "day and month swapped"
    assert levels["date_of_birth"][1] > 0


def test_a_birth_date_finds_a_person_whose_names_the_caller_gave_differently(
        dana, others, persona):
    # A new married name and a first name the records spell another way: only the date of
    # birth is shared, and it is enough to put her on the list for the handler to judge.
    found = find_candidates(persona("call_handler"), forename="Elle", surname="Marsh",
                            date_of_birth="1988-04-12")
    assert [c.person for c in found] == [dana]
    assert found[0].band != "very likely"


def test_each_lookup_writes_one_log_entry_with_candidate_ids_but_no_search_terms(
        dana, persona):
    find_candidates(persona("call_handler"), forename="Danielle", surname="Whitfield")
    entry = AccessLogEntry.objects.get(record_type="lookup")
    assert entry.detail["candidates"] == [dana.pk]
    assert "Whitfield" not in str(entry.detail) and "Danielle" not in str(entry.detail)
    assert entry.username == "call_handler.warks"


def test_the_other_forces_people_are_not_found(dana, persona):
    assert find_candidates(persona("call_handler", "WMERC"), surname="Whitfield") == []


@pytest.mark.parametrize("typed", ["31/02/1988", "12/04/88", "last May"])
def test_a_malformed_birth_date_is_refused_naming_the_field(persona, db, typed):
    with pytest.raises(LookupCriteriaError) as error:
        find_candidates(persona("call_handler"), date_of_birth=typed)
    assert error.value.field == "date_of_birth"


def test_history_shows_repeat_victim_orders_markers_grade_and_marac(dana, persona,
                                                                    victim_history):
    victim_history(dana, days_ago(300), days_ago(20))
    record = dana.source_records.first()
    # Orders are the protection room's (issue 14): a DVPO protecting Dana.
    Order.objects.create(force=dana.force, kind="dvpo", protected=dana,
                         subject=Person.objects.create(force=dana.force, surname="Holt"),
                         starts_at=days_ago(10), ends_at=days_ago(-30))
    LegacyRecord.objects.create(force=dana.force, system="pvp", kind="risk_assessment",
                                source_id="R1", occurred_at=days_ago(20), subject=record,
                                data={"officer_grade": "medium", "supervisor_grade": "high"})
    LegacyRecord.objects.create(force=dana.force, system="pvp", kind="risk_assessment",
                                source_id="R0", occurred_at=days_ago(900), subject=record,
                                data={"officer_grade": "standard"})
    # MARAC referrals are the MARAC room's (legacy marac.csv is ingested there)
    from haven.marac.models import Area, Referral

    Referral.objects.create(force=dana.force, victim=dana, referred_at=days_ago(15),
                            area=Area.objects.create(force=dana.force, name="South"),
                            criterion="visible_high_risk", consent="not_sought",
                            source_system="pvp", source_id="M1",
                            legacy_row={"heard_at": "2026-01-01"})
    WarningMarker.objects.create(person=dana, kind="weapons", recorded_at=days_ago(5))
    history = find_candidates(persona("call_handler"), surname="Whitfield")[0].history
    assert history["da_incidents"]["count"] == 2
    assert history["repeat_victim"] is True
    assert history["highest_dash_grade_12m"] == "high"
    assert history["marac"]["referred_at"] is not None
    assert [o["kind"] for o in history["live_orders"]] == ["dvpo"]
    assert [m["kind"] for m in history["warning_markers"]] == ["weapons"]
    assert history["roles"] == ["victim"]


def test_incidents_further_apart_than_the_repeat_window_are_not_a_repeat(dana, victim_history):
    from haven.people.history import history_summary

    victim_history(dana, days_ago(800), days_ago(20))
    summary = history_summary(dana)
    assert summary["repeat_victim"] is False
    assert summary["recent_victim_incident"] is True


def test_the_repeat_window_comes_from_the_forces_policy(dana, victim_history):
    from haven.forces.models import PolicySetting
    from haven.people.history import history_summary

    victim_history(dana, days_ago(800), days_ago(20))
    PolicySetting.objects.create(force=dana.force, key="repeat_window_days", value=1000,
                                 effective_from=dt.date(2000, 1, 1))
    assert history_summary(dana)["repeat_victim"] is True


def test_victim_and_suspect_roles_hint_at_a_counter_allegation(dana, victim_history):
    from haven.people.history import history_summary

    victim_history(dana, days_ago(100))
    victim_history(dana, days_ago(50), role="suspect")
    summary = history_summary(dana)
    assert summary["roles"] == ["suspect", "victim"]
    assert summary["counter_allegation"] is True


def test_children_recorded_at_the_persons_address_are_counted(dana, victim_history,
                                                              make_person):
    from haven.people.history import history_summary

    child = make_person(forename="Kai")
    victim_history(child, days_ago(40), role="child", postcode="CV344AA")
    assert history_summary(dana)["children_at_address"] == 1


def test_api_returns_ranked_candidates_with_history(client_as, dana, others):
    data = client_as("call_handler").get(URL, {"surname": "whitfield", "forename": "dani"}
                                         ).json()
    first = data["results"][0]
    assert first["person"]["id"] == dana.pk
    assert first["history"]["da_incidents"] == {"count": 0, "last_at": None}
    assert first["explanation"]


def test_api_refuses_a_malformed_birth_date_naming_the_field(client_as, db):
    response = client_as("call_handler").get(URL, {"date_of_birth": "31-02-1990"})
    assert response.status_code == 400
    assert "date_of_birth" in response.json()


def test_api_refuses_a_lookup_with_no_details(client_as, db):
    response = client_as("call_handler").get(URL)
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize("role", ["trainer", "analyst", "idva", "auditor"])
def test_roles_without_lookup_get_404(client_as, dana, role):
    assert client_as(role).get(URL, {"surname": "Whitfield"}).status_code == 404
    assert client_as(role).get("/people/search/", {"surname": "Whitfield"}).status_code == 404


def test_the_other_force_finds_no_one_through_the_api_or_page(client_as, dana):
    client = client_as("call_handler", "WMERC")
    assert client.get(URL, {"surname": "Whitfield"}).json()["results"] == []
    page = client.get("/people/search/", {"surname": "Whitfield"}).content
    assert b'data-testid="candidate"' not in page and b"No one found" in page


def test_search_page_shows_candidates_and_htmx_gets_only_the_partial(client_as, dana):
    client = client_as("call_handler")
    page = client.get("/people/search/", {"surname": "Whitfield"}).content.decode()
    dana.refresh_from_db()
    assert "Find a person" in page and dana.display_name in page
    assert 'hx-trigger="keyup changed delay:300ms' in page
    partial = client.get("/people/search/", {"surname": "Whitfield"},
                         headers={"HX-Request": "true"}).content.decode()
    assert dana.display_name in partial and "<html" not in partial


@pytest.mark.parametrize("typed", ["12/04/1988", "12.4.1988", "1988-04-12"])
def test_a_birth_date_typed_day_first_finds_the_person(dana, others, persona, typed):
    found = find_candidates(persona("call_handler"), surname="Whitfield", date_of_birth=typed)
    assert found[0].person == dana
    assert {e["field"]: e["level"] for e in found[0].explanation}["date_of_birth"] == "exact"


def test_search_page_shows_an_error_summary_for_a_bad_birth_date(client_as, db):
    page = client_as("call_handler").get("/people/search/", {"date_of_birth": "tomorrow"})
    assert b"govuk-error-summary" in page.content
    assert b"Date of birth must be a real date" in page.content
    assert b"date_of_birth must" not in page.content  # words, not the field's code


def test_the_candidates_partial_renders_with_only_candidates_for_other_rooms(dana, persona):
    from django.template.loader import render_to_string

    candidates = find_candidates(persona("call_handler"), surname="Whitfield")
    html = render_to_string("people/_candidates.html", {"candidates": candidates})
    assert 'data-testid="candidate"' in html and "Why this match" in html


def _trained_model(levels: dict):
    """The documented default parameters as if a force's relink had trained them, with
    `levels` ({(comparison, level): (m, u)}) changed."""
    from copy import deepcopy

    from haven.people.linkage.engine import default_parameters

    parameters = deepcopy(default_parameters())
    for (comparison, level), m_u in levels.items():
        parameters["comparisons"][comparison][level] = list(m_u)
    return parameters


def _relinked(force, parameters):
    from django.utils import timezone

    from haven.people.models import LinkRun

    LinkRun.objects.create(force=force, kind=LinkRun.Kind.FULL, finished_at=timezone.now(),
                           counts={"records": 900, "model": parameters})


def test_without_a_trained_model_the_lookup_says_it_used_the_default_weights(dana, persona):
    found = find_candidates(persona("call_handler"), forename="Danielle", surname="Whitfield")
    assert found[0].person == dana
    assert "default linkage weights" in found[0].scored_with


def test_the_lookup_scores_with_the_forces_last_trained_model(dana, others, persona, forces):
    def phone_only():
        return find_candidates(persona("call_handler"), phone="07700 900123")[0]

    before = phone_only()
    # this force's model learnt that a shared phone is weak evidence (household phones)
    _relinked(forces["WARKS"], _trained_model({("phone", "exact"): (0.5, 0.01)}))
    after = phone_only()
    assert after.person == before.person == dana
    assert after.explanation[0]["weight"] < before.explanation[0]["weight"]
    assert after.score < before.score
    assert "this force's linkage model" in after.scored_with


def test_caller_not_known_but_sharing_a_relatives_surname_and_postcode_is_not_very_likely(
        dana, persona):
    found = find_candidates(persona("call_handler"), forename="Marcus", surname="Whitfield",
                            date_of_birth="1961-09-30", postcode="CV34 4AA")
    assert all(c.band != "very likely" for c in found)


def _one_person(*records):
    """The records as one person, as a relink that joined them leaves them."""
    from haven.people.models import SourceRecord

    person = records[0].person
    SourceRecord.objects.filter(pk__in=[r.pk for r in records]).update(person=person)
    return person


def test_a_person_is_judged_on_all_their_records_not_the_one_that_fits_best(
        add_record, persona):
    # Two men of one name: the first has told the crime system a date of birth that is
    # not the caller's; the second has never given one. The caller's date of birth rules
    # the first out, though his control-room record carries none.
    first = _one_person(
        add_record("command_and_control", "CC1", forename="Steven", surname="Thomas"),
        add_record("crime", "CR1", forename="Steven", surname="Thomas",
                   date_of_birth="1973-11-27", postcode="CV3 1RS"))
    second = add_record("command_and_control", "CC2", forename="Steven", surname="Thomas",
                        phone="07700 900314").person
    assert first.pk < second.pk  # a tie would have put the first first
    found = find_candidates(persona("call_handler"), forename="Steven", surname="Thomas",
                            date_of_birth="1952-02-01")
    assert [c.person for c in found][:2] == [second, first]
    assert ("date_of_birth", "different") in {
        (e["field"], e["level"]) for e in found[1].explanation}


def test_a_date_of_birth_on_one_record_and_a_phone_on_another_both_count(add_record, persona):
    person = _one_person(
        add_record("command_and_control", "CC3", forename="Amanda", surname="Parkes",
                   phone="07700 900271"),
        add_record("pvp", "PV3", forename="Amanda", surname="Parkes",
                   date_of_birth="1990-01-07"))
    found = find_candidates(persona("call_handler"), forename="Amanda", surname="Parkes",
                            date_of_birth="1990-01-07", phone="07700900271")
    levels = {(e["field"], e["level"]) for e in found[0].explanation}
    assert found[0].person == person
    assert {("date_of_birth", "exact"), ("phone", "exact")} <= levels
    assert found[0].band == "very likely"


def test_names_swapped_on_one_record_are_not_counted_again_beside_another(add_record, persona):
    swapped = _one_person(
        add_record("crime", "CR4", forename="Davies", surname="Damian"),
        add_record("pvp", "PV4", forename="Gareth", surname="Davies"))
    plain = add_record("pvp", "PV5", forename="Damian", surname="Davies").person
    found = {c.person: c for c in find_candidates(persona("call_handler"), forename="Damian",
                                                  surname="Davies")}
    levels = [e["level"] for e in found[swapped].explanation]
    assert "swapped with surname" not in levels or len(levels) == 1
    assert found[swapped].score <= found[plain].score


def test_names_swapped_with_a_nickname_besides_score_as_his_names(add_record, persona):
    """A handler who types "Hargreaves" as the forename and "Steve" as the surname finds
    Stephen Hargreaves with both names agreeing (once), not both disagreeing."""
    stephen = add_record("pvp", "PV8", forename="Stephen", surname="Hargreaves",
                         date_of_birth="1970-01-09").person
    add_record("pvp", "PV9", forename="Stephen", surname="Harper", date_of_birth="1970-01-09")
    found = find_candidates(persona("call_handler"), forename="Hargreaves", surname="Steve",
                            date_of_birth="1970-01-09")
    assert found[0].person == stephen
    levels = {e["field"]: (e["level"], e["weight"]) for e in found[0].explanation}
    assert levels["forename"][0] == "swapped, with a slip" and levels["forename"][1] > 0
    assert "surname" not in levels


def test_a_surname_that_is_also_a_title_is_the_surname(add_record, persona):
    lord = add_record("pvp", "PV6", forename="Terence", surname="Lord",
                      date_of_birth="1975-07-06").person
    add_record("pvp", "PV7", forename="Terence", surname="Davies", date_of_birth="1976-02-21")
    found = find_candidates(persona("call_handler"), forename="Terence", surname="Lord")
    assert found[0].person == lord
    assert ("surname", "exact") in {(e["field"], e["level"]) for e in found[0].explanation}


def test_one_half_of_a_double_barrelled_surname_finds_the_person(add_record, persona):
    janet = add_record("crime", "CR8", forename="Janet", surname="Shaw",
                       date_of_birth="2002-01-08").person
    found = find_candidates(persona("call_handler"), forename="Janet", surname="Ahmed-Shaw")
    assert found and found[0].person == janet
    assert ("surname", "alias or former surname") in {
        (e["field"], e["level"]) for e in found[0].explanation}


def levels_of(candidate) -> dict[str, str]:
    """What each field of a candidate's explanation agreed as."""
    return {e["field"]: e["level"] for e in candidate.explanation}


@pytest.mark.parametrize(("stored", "typed"), [
    (("Łukasz", "Kołodziej"), ("Lukasz", "Kolodziej")),
    (("Lukasz", "Kolodziej"), ("Łukasz", "Kołodziej")),
    (("Александр", "Петров"), ("Aleksandr", "Petrov")),
])
def test_a_name_typed_in_other_letters_finds_the_person(add_record, persona, stored, typed):
    # ł and Cyrillic have no accent to take off; dropping them made "Łukasz Kołodziej"
    # "ukasz koodziej", a name a handler typing it on an English keyboard never finds
    him = add_record("pvp", "PL1", forename=stored[0], surname=stored[1],
                     date_of_birth="1984-03-27").person
    add_record("pvp", "PL2", forename="Lucas", surname="Coleridge", date_of_birth="1984-03-27")
    found = find_candidates(persona("call_handler"), forename=typed[0], surname=typed[1])
    assert found and found[0].person == him
    assert levels_of(found[0])["surname"] == levels_of(found[0])["forename"] == "exact"


def test_a_surname_field_holding_more_than_the_surname_is_read_as_meant(add_record, persona):
    # "Smith (nee Jones)" keyed as "smithneejones" was found by no one typing Smith; a
    # control room's one name field exported as "Smith, Ann" had no forename at all
    ann = add_record("pvp", "PL4", forename="Ann", surname="Smith (nee Jones)",
                     date_of_birth="1979-09-01").person
    found = find_candidates(persona("call_handler"), forename="Ann", surname="Smith")
    assert [c.person for c in found] == [ann]
    assert levels_of(found[0])["surname"] == "exact"
    tom = add_record("command_and_control", "CC4", forename="", surname="Hale, Tom").person
    found = find_candidates(persona("call_handler"), forename="Tom", surname="Hale")
    assert [c.person for c in found] == [tom]
    assert levels_of(found[0])["surname"] == levels_of(found[0])["forename"] == "exact"
    # a former surname with no forename to make an alias of is still one of her surnames
    webb = add_record("command_and_control", "CC5", forename="", surname="Webb (nee Hartley)",
                      date_of_birth="1981-04-17").person
    found = find_candidates(persona("call_handler"), surname="Hartley",
                            date_of_birth="17/04/1981")
    assert found and found[0].person == webb
    assert levels_of(found[0])["surname"] == "alias or former surname"


def test_initials_typed_together_and_saint_written_out_are_found(add_record, persona):
    # "J.P." was keyed as one forename "jp", which John's initial did not reach;
    # "Saint Clair" and "St Clair" were two surnames
    jp = add_record("crime", "IN1", forename="J.P.", surname="Saint Clair",
                    date_of_birth="1983-11-02").person
    found = find_candidates(persona("call_handler"), forename="John", surname="St Clair",
                            date_of_birth="02/11/1983")
    assert [c.person for c in found] == [jp]
    assert levels_of(found[0])["surname"] == "exact"
    assert levels_of(found[0])["forename"] == "initial only"


def test_a_polish_diminutive_finds_the_person_by_her_full_name(add_record, persona):
    kasia = add_record("pvp", "PL3", forename="Katarzyna", surname="Nowak",
                       date_of_birth="1991-02-03").person
    found = find_candidates(persona("call_handler"), forename="Kasia", surname="Nowak")
    assert found and found[0].person == kasia
    assert levels_of(found[0])["forename"] == "nickname or alias"


def test_a_surname_spelt_nearly_alike_is_possible_never_very_likely(add_record, persona):
    # Brown and Browne are two families; the handler asks the caller to spell it.
    browne = add_record("pvp", "PV9", forename="Alexandra", surname="Browne",
                        date_of_birth="1976-04-21", phone="07700 900418").person
    near = find_candidates(persona("call_handler"), forename="Alexandra", surname="Brown",
                           date_of_birth="1976-04-21")
    assert near[0].person == browne and near[0].band == "possible"
    exact = find_candidates(persona("call_handler"), forename="Alexandra", surname="Browne",
                            date_of_birth="1976-04-21")
    assert exact[0].band == "very likely"


def test_a_first_name_known_only_by_its_initial_is_possible_never_very_likely(add_record,
                                                                              persona):
    # "R Dawson", born 6 August 1981, is Robert or his twin Richard: the handler asks more.
    dawson = add_record("crime", "TW1", forename="R", surname="Dawson",
                        date_of_birth="1981-08-06").person
    initial = find_candidates(persona("call_handler"), forename="Richard", surname="Dawson",
                              date_of_birth="06/08/1981")
    assert initial[0].person == dawson and initial[0].band == "possible"
    assert levels_of(initial[0])["forename"] == "initial only"
    # Once a record gives his first name, the same call finds him "Very likely".
    add_record("pvp", "TW2", forename="Richard", surname="Dawson", date_of_birth="1981-08-06")
    named = find_candidates(persona("call_handler"), forename="Richard", surname="Dawson",
                            date_of_birth="06/08/1981")
    assert named[0].band == "very likely"


def test_a_relative_at_the_callers_postcode_does_not_outrank_the_caller(add_record, persona,
                                                                       forces):
    # Timothy gives his mother's postcode; his own record holds none. Ruth shares the
    # surname because she lives there, not because she is the caller. A force's model
    # trained on many addresses weighs a shared postcode as strongly as this (16 bits at
    # 200,000 people), which on its own put Ruth first.
    _relinked(forces["WARKS"], _trained_model({
        ("address", "same flat or house"): (0.84, 1e-5),
        ("address", "same building"): (0.065, 1e-6), ("address", "same postcode"): (0.008, 1e-6)}))
    add_record("pvp", "PV10", forename="Ruth", surname="Kowalski", date_of_birth="1984-04-08",
               postcode="LE31 4XH")
    timothy = add_record("crime", "CR10", forename="Timothy", surname="Kowalski",
                         date_of_birth="2008-10-05").person
    found = find_candidates(persona("call_handler"), forename="Timothy", surname="Kowalski",
                            postcode="LE31 4XH")
    assert found[0].person == timothy


@pytest.mark.parametrize("given", [{"forename": "Unknown", "surname": "N/K"},
                                   {"postcode": "NFA"}, {"phone": "07000 000000"}])
def test_a_search_on_placeholders_alone_says_they_find_no_one(dana, persona, given):
    with pytest.raises(LookupCriteriaError, match="finds no one: it reads as not known") as error:
        find_candidates(persona("call_handler"), **given)
    assert error.value.field == "non_field_errors"


def test_a_placeholder_beside_a_real_value_is_ignored_not_refused(dana, persona):
    found = find_candidates(persona("call_handler"), forename="Unknown", surname="Whitfield")
    assert found[0].person == dana


def test_the_search_page_says_placeholders_find_no_one(client_as, dana):
    page = client_as("call_handler").get("/people/search/", {"surname": "Unknown"})
    text = page.content.decode()
    assert "govuk-error-summary" in text and "reads as not known" in text
    assert "No one found" not in text


@pytest.mark.parametrize(("migration", "fields", "keyed_before", "typed", "keyed_now"), [
    # ł dropped, and Kasia a forename of her own
    ("0009_names_in_latin_letters_keyed",
     {"forename": "Kasia", "surname": "Kołodziej", "date_of_birth": "1990-05-06"},
     {"sn_key": "koodziej", "sn_phonetic": "KTJ", "fn_key": "kasia"},
     {"forename": "Katarzyna", "surname": "Kolodziej"},
     {"sn_key": "kolodziej", "fn_key": "katherine"}),
    # "JP" one forename, "Saint" written out
    ("0010_initials_and_saint_keyed",
     {"forename": "JP", "surname": "Saint John", "date_of_birth": "1979-01-30"},
     {"sn_key": "saintjohn", "sn_phonetic": "SNTJN", "fn_key": "jp"},
     {"forename": "James", "surname": "St John"},
     {"sn_key": "stjohn", "fn_key": "j"}),
])
def test_records_keyed_the_old_way_are_keyed_again(add_record, persona, migration, fields,
                                                   keyed_before, typed, keyed_now):
    import importlib

    from django.apps import apps

    from haven.people.models import SourceRecord

    record = add_record("crime", "RK1", **fields)
    SourceRecord.objects.filter(pk=record.pk).update(**keyed_before)
    assert not find_candidates(persona("call_handler"), **typed)
    importlib.import_module(f"haven.people.migrations.{migration}").rekey(apps, None)
    assert SourceRecord.objects.values("sn_key", "fn_key").get(pk=record.pk) == keyed_now
    found = find_candidates(persona("call_handler"), **typed)
    assert [c.person for c in found] == [record.person]
