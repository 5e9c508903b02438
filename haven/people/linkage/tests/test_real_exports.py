"""Issue 10: the evidence real exports carry (placeholders, swaps, landlines, incidents)."""

import datetime as dt

import pandas as pd
import pytest

from haven.people.linkage import (
    LinkageSettings,
    explain_pair,
    hard_conflict,
    link_records,
    prepare_records,
)
from haven.people.linkage.normalise import incident_fingerprints, normalise_address

from .factories import population, record

KASIA = {"pid": 9101, "forename": "Katarzyna", "surname": "Nowicka", "dob": "1990-03-14",
         "gender": "F", "phone": "07444555666", "postcode": "LS7 3AB"}
# adult twins at one address giving the household landline
SEAN = {"pid": 9102, "forename": "Sean", "surname": "Byrne", "dob": "1996-08-02",
        "gender": "M", "phone": "0113 496 0000", "postcode": "LS8 1QQ"}
SHANE = {**SEAN, "pid": 9103, "forename": "Shane"}
MOVER = {"pid": 9104, "forename": "Peter", "surname": "Fenwick", "dob": "1974-01-21",
         "gender": "M", "phone": "", "postcode": "LS1 4DT"}
EVENT = "victim|a:14 mill lane|2024-01-02"
# two women of one name; the second one's names typed the wrong way round
NAMESAKE = {"pid": 9105, "forename": "Aleksandra", "surname": "Thomas", "dob": "1975-05-17",
            "gender": "F", "phone": "07700 900111", "postcode": "OX9 6FB"}
NAMESAKE_TOO = {**NAMESAKE, "pid": 9106, "forename": "Thomas", "surname": "Aleksandra",
                "dob": "", "phone": "", "postcode": "OX5 6PX"}
# a man whose crime record has his names swapped and his forename shortened besides
STEPHEN = {"pid": 9107, "forename": "Stephen", "surname": "Hargreaves", "dob": "1970-01-09",
           "gender": "M", "phone": "", "postcode": "NN26 4AB"}


@pytest.fixture(scope="module")
def linked():
    records = population(n_people=150, seed=11) + [
        # one victim, in two systems, tied only by the incident they were both recorded on:
        # a diminutive the matcher's table does not know, no date of birth, no phone
        record("crime", "K1", KASIA, address_line="14 Mill Lane", incident_keys=EVENT),
        record("command_and_control", "K2", KASIA, forename="Kasieńka", date_of_birth="",
               phone="", address_line="14 Mill Ln", incident_keys=EVENT),
        record("crime", "TW1", SEAN, address_line="3 Park Road"),
        record("command_and_control", "TW2", SHANE, date_of_birth="",
               address_line="3 Park Rd"),
        record("pvp", "TW3", SHANE, address_line="3 Park Road"),
        record("crime", "M1", MOVER, address_line="185 Stephen Street", town="Leeds"),
        record("pvp", "M2", MOVER, address_line="72 Hayward Hill", town="Wakefield",
               postcode="WF1 2AA"),
        # a placeholder date of birth is not a disagreement
        record("intel", "M3", MOVER, date_of_birth="1900-01-01",
               address_line="72 Hayward Hill", town="Wakefield", postcode="WF1 2AA"),
        record("crime", "SH1", STEPHEN, forename="Hargreaves", surname="Steve",
               address_line="196 Thomas Vista"),
        record("intel", "SH2", STEPHEN, address_line="196 Thomas Vista"),
    ]
    return link_records(records, LinkageSettings(review_band=(0.5, 0.99)))


def levels_of(linked, left, right) -> dict[str, str]:
    """What each field of two records agreed as under the trained model."""
    return {item["field"]: item["comparison_level"]
            for item in explain_pair(linked.model, left, right)}


def test_placeholder_and_year_only_dates_are_not_dates():
    frame = prepare_records([
        {"uid": "a:1", "date_of_birth": "1900-01-01"},
        {"uid": "a:2", "date_of_birth": "1985-01-01"},
        {"uid": "a:3", "date_of_birth": "1985-07-09"},
    ]).set_index("uid")
    assert frame.loc["a:1", "dob"] is None and frame.loc["a:1", "dob_y"] is None
    assert frame.loc["a:2", "dob"] is None and frame.loc["a:2", "dob_y"] == "1985"
    assert frame.loc["a:3", "dob"] == "1985-07-09"
    # a year-only entry still separates generations
    assert hard_conflict({"dob_y": "1985"}, {"dob": "1960-03-02", "dob_y": "1960"}) == \
        "date_of_birth"
    assert hard_conflict({"dob_y": "1985"}, {"dob": "1985-03-02", "dob_y": "1985"}) is None


def test_swapped_names_and_address_spellings():
    assert hard_conflict({"fn": "smith", "sn": "john"}, {"fn": "john", "sn": "smith"}) is None
    assert normalise_address("Flat 3, 12 High St.") == normalise_address("3/12 HIGH STREET")
    assert normalise_address("12, High Street")[1] == normalise_address("Flat 3 12 High St")[1]


def test_names_swapped_with_a_slip_are_not_two_forenames():
    """A record with forename and surname in each other's fields and a typo, nickname or
    spelling besides is not held apart from the person as if it named someone else."""
    kenneth = {"fn": "kenneth", "fn_all": ["kenneth"], "sn": "webb"}
    assert hard_conflict({"fn": "webb", "sn": "kennth"}, kenneth) is None
    assert hard_conflict({"fn": "pugh", "sn": "muhammed"},
                         {"fn": "mohammed", "fn_all": ["mohammed"], "sn": "pugh"}) is None
    assert hard_conflict({"fn": "bevan"}, {"fn": "andrew", "sn": "bevan"}) is None
    assert hard_conflict({"fn": "gardiner", "sn": "steve"},
                         {"fn": "steven", "sn": "murphygardiner"}) is None
    # twins: the forename in a swapped record's surname field is not the other twin's
    assert hard_conflict({"fn": "thompson", "sn": "harrison"},
                         {"fn": "oliver", "sn": "thompson"}) == "forename"
    assert hard_conflict({"fn": "harrison", "sn": "thompson"},
                         {"fn": "oliver", "sn": "thompson"}) == "forename"
    # a surname near another's forename is not a swap unless the forename is their surname
    assert hard_conflict({"fn": "owen", "sn": "thomas"},
                         {"fn": "thomas", "sn": "thomas"}) == "forename"


def test_names_in_other_letters_and_languages_are_the_same_names(linked):
    """"Paweł" typed by one system and "Pawel" by another is one name, as is a name one
    system holds in Cyrillic; "Kasia" is Katarzyna and "Piotr" Peter. The letters with no
    accent to take off (ł, ß, Cyrillic) were dropped, so "Łukasz" was "ukasz"."""
    frame = prepare_records([
        {"uid": "a:1", "forename": "Łukasz", "surname": "Kołodziej"},
        {"uid": "a:2", "forename": "Lukasz", "surname": "Kolodziej"},
        {"uid": "a:3", "forename": "Александр", "surname": "Петров"},
        {"uid": "a:4", "forename": "Gerhard", "surname": "Strauß"},
    ]).set_index("uid")
    assert frame.loc["a:1", "fn"] == frame.loc["a:2", "fn"] == "lukasz"
    assert frame.loc["a:1", "sn"] == frame.loc["a:2", "sn"] == "kolodziej"
    assert (frame.loc["a:3", "fn"], frame.loc["a:3", "sn"]) == ("aleksandr", "petrov")
    assert frame.loc["a:4", "sn"] == "strauss"
    cyrillic = record("crime", "R1", NAMESAKE, forename="Александра", surname="Петрова")
    levels = levels_of(linked, cyrillic, record("pvp", "R2", NAMESAKE, surname="Petrova"))
    assert levels["surname"] == levels["forename"] == "exact"
    kasia = {"fn": "kasia", "fn_all": ["katherine"], "sn": "nowicka"}
    assert hard_conflict(kasia, {"fn": "katarzyna", "fn_all": ["katherine"],
                                 "sn": "nowicka"}) is None
    diminutive = levels_of(linked, record("crime", "K3", KASIA, forename="Kasia"),
                           record("pvp", "K4", KASIA))
    assert diminutive["forename"] == "nickname or alias"


def test_a_former_surname_in_the_surname_field_is_a_former_surname(linked):
    """"Smith (nee Jones)" is Ann Smith, once Ann Jones; "Smith, Ann" with no forename is
    Ann Smith. Read whole, "smithneejones" agreed with neither."""
    frame = prepare_records([
        {"uid": "a:1", "forename": "Ann", "surname": "Smith (nee Jones)"},
        {"uid": "a:2", "forename": "", "surname": "Smith, Ann"},
    ]).set_index("uid")
    assert frame.loc["a:1", "sn"] == "smith" and "jones" in frame.loc["a:1", "sn_all"]
    assert (frame.loc["a:2", "fn"], frame.loc["a:2", "sn"]) == ("ann", "smith")
    typed = record("crime", "N1", NAMESAKE, surname="Thomas (née Pryce)")
    assert levels_of(linked, typed, record("pvp", "N2", NAMESAKE))["surname"] == "exact"
    assert levels_of(linked, typed, record("pvp", "N3", NAMESAKE, surname="Pryce"))[
        "surname"] == "alias or former surname"


def test_a_former_surname_given_without_a_forename_is_still_one_of_her_surnames(linked):
    """A control room's "Smith (nee Jones)" with no forename: with no forename for an
    alias, "Jones" was dropped, and her records as Jones shared no surname with it."""
    frame = prepare_records([
        {"uid": "a:1", "forename": "", "surname": "Smith (nee Jones)"},
        {"uid": "a:2", "forename": "", "surname": "WEBB NEE HARTLEY-COX"},
        {"uid": "a:3", "forename": "", "surname": "Smith"},
    ]).set_index("uid")
    assert frame.loc["a:1", "sn"] == "smith"
    assert set(frame.loc["a:1", "sn_all"]) == {"smith", "jones"}
    assert {"hartleycox", "hartley", "cox"} <= set(frame.loc["a:2", "sn_all"])
    assert frame.loc["a:3", "sn_all"] == ["smith"]
    typed = record("command_and_control", "N4", NAMESAKE, forename="",
                   surname="Thomas (née Pryce)")
    assert levels_of(linked, typed, record("pvp", "N5", NAMESAKE, surname="Pryce"))[
        "surname"] == "alias or former surname"


def test_a_hyphenated_forename_is_also_each_of_its_names(linked):
    """Mary-Jane is also known as Mary: the whole, squashed, was a forename of its own
    that agreed with Mary only as far as Jaro-Winkler went."""
    frame = prepare_records([{"uid": "a:1", "forename": "Mary-Jane"}]).set_index("uid")
    assert set(frame.loc["a:1", "fn_all"]) == {"maryjane", "mary", "jane"}
    levels = levels_of(linked, record("crime", "H1", NAMESAKE, forename="Anne-Marie"),
                       record("pvp", "H2", NAMESAKE, forename="Marie"))
    assert levels["forename"] == "nickname or alias"


def test_initials_typed_together_are_initials_and_saint_is_st(linked):
    """"JP", "J.P." and "J P" are the initials J and P: read as one name "jp" they agreed
    with no John Paul, not even on the initial. "Saint John", "St. John" and "St-John"
    are one surname, and "Van" is no one's surname by itself."""
    frame = prepare_records([
        {"uid": "a:1", "forename": "JP", "surname": "Saint John"},
        {"uid": "a:2", "forename": "J.P.", "surname": "St. John"},
        {"uid": "a:3", "forename": "Jo", "surname": "Van Dijk"},
        {"uid": "a:4", "forename": "Wm", "surname": "St-John"},
    ]).set_index("uid")
    for uid in ("a:1", "a:2"):
        assert (frame.loc[uid, "fn"], frame.loc[uid, "mn"]) == ("j", "p")
    assert frame.loc["a:3", "fn"] == "jo"  # a name with a vowel stays a name
    assert frame.loc["a:1", "sn"] == frame.loc["a:2", "sn"] == frame.loc["a:4", "sn"] \
        == "stjohn"
    assert "van" not in frame.loc["a:3", "sn_all"] and "dijk" in frame.loc["a:3", "sn_all"]
    assert "william" in frame.loc["a:4", "fn_all"]
    initials = levels_of(linked, record("command_and_control", "J1", NAMESAKE,
                                        forename="A.M.", middle_names=""),
                         record("pvp", "J2", NAMESAKE, middle_names="Mary"))
    assert initials["forename"] == "initial only" and initials["middle_name"] == "same initial"
    saint = levels_of(linked, record("crime", "S1", NAMESAKE, surname="Saint Clair"),
                      record("pvp", "S2", NAMESAKE, surname="St. Clair"))
    assert saint["surname"] == "exact"


def test_names_swapped_count_once(linked):
    """A record with forename and surname the wrong way round says the two names agree,
    no more: it weighs no more than the same names in order. It weighed about twice as
    much, each name comparison counting the swap, so on the harsher benchmark export a
    swapped record joined a namesake on little else (docs/benchmarks.md, "Names swapped
    counted once")."""
    swapped, in_order = record("crime", "X1", NAMESAKE_TOO), record("crime", "X2", NAMESAKE)
    target = record("pvp", "X3", NAMESAKE, date_of_birth="")
    def names_weight(a, b):
        return sum(item["match_weight"] for item in explain_pair(linked.model, a, b)
                   if item["field"] in ("forename", "surname"))
    assert 0 < names_weight(swapped, target) <= names_weight(in_order, target)


def test_names_swapped_with_a_nickname_besides_are_one_mans(linked):
    """"Hargreaves Steve" is Stephen Hargreaves with the names swapped and his forename
    shortened: his two records, one date of birth and one address, are one person. Each
    name comparison scored the pair "different" (both against him) and they stayed two
    people. The names weigh as the same names in order with the nickname would, no more."""
    assert linked.clusters["crime:SH1"] == linked.clusters["intel:SH2"]
    slipped = record("crime", "SH3", STEPHEN, forename="Hargreaves", surname="Steve")
    in_order = record("crime", "SH4", STEPHEN, forename="Steve")
    target = record("pvp", "SH5", STEPHEN, date_of_birth="")
    levels = levels_of(linked, slipped, target)
    assert (levels["forename"], levels["surname"]) == ("swapped, with a slip",) * 2

    def names_weight(a, b):
        return sum(item["match_weight"] for item in explain_pair(linked.model, a, b)
                   if item["field"] in ("forename", "surname"))
    assert 0 < names_weight(slipped, target) <= names_weight(in_order, target) + 0.5
    # one name in the other's field is no swap when the other name is someone else's
    other = levels_of(linked, record("crime", "SH6", STEPHEN, forename="Hargreaves",
                                     surname="Jones"), target)
    assert (other["forename"], other["surname"]) == ("different", "different")


def test_one_incident_in_two_systems_shares_a_fingerprint_across_midnight():
    night = dt.datetime(2024, 1, 1, 22, 40)
    control_room = incident_fingerprints(night, "Flat 2, 14 Mill Lane", "LS7 3AB", "victim")
    crime = incident_fingerprints(night + dt.timedelta(hours=2), "2/14 MILL LN", "", "victim")
    assert set(control_room) & set(crime)
    suspect = incident_fingerprints(night, "14 Mill Lane", "LS7 3AB", "suspect")
    assert not set(control_room) & set(suspect)
    assert incident_fingerprints(night, "14 Mill Lane", "LS7 3AB", "child") == []


def test_an_incident_time_read_as_stored_text_gives_the_same_fingerprints():
    """A relink reads SQLite's stored text (UTC) instead of datetimes: same keys."""
    for moment in (dt.datetime(2024, 1, 1, 22, 40, tzinfo=dt.UTC),
                   dt.datetime(2024, 3, 1, 0, 5, 9, 120000, tzinfo=dt.UTC),
                   dt.datetime(2024, 6, 30, 12, 0, tzinfo=dt.UTC)):
        stored = moment.replace(tzinfo=None).isoformat(sep=" ")
        assert incident_fingerprints(stored, "14 Mill Lane", "LS7 3AB", "victim") == \
            incident_fingerprints(moment, "14 Mill Lane", "LS7 3AB", "victim")
    # a text with an offset is the same instant: 01:30 at +01:00 is 00:30 UTC, near midnight
    assert incident_fingerprints("2024-05-02T01:30:00+01:00", "", "LS7 3AB", "victim") == \
        ["victim|p:LS73AB|2024-05-02", "victim|p:LS73AB|2024-05-01"]


def test_landlines_are_household_phones():
    frame = prepare_records([
        {"uid": "a:1", "forename": "Sean", "phone": "0113 496 0000"},
        {"uid": "a:2", "forename": "Mary", "phone": "07700 900001"},
        {"uid": "a:3", "forename": "Lee", "phone": "07700 900001"},
        {"uid": "a:4", "forename": "Ann", "phone": "07700 900002"},
    ]).set_index("uid")
    assert frame.loc["a:1", "phone_hh"] == "+441134960000"
    assert frame.loc["a:2", "phone_hh"] == frame.loc["a:3", "phone_hh"] == "+447700900001"
    assert frame.loc["a:4", "phone_hh"] is None


def _on_phones(*names):
    """Records "a:1", "a:2"... of (forename, surname, phone), prepared, by uid."""
    return prepare_records([
        {"uid": f"a:{k}", "forename": forename, "surname": surname, "phone": phone}
        for k, (forename, surname, phone) in enumerate(names, start=1)
    ]).set_index("uid")


def test_a_phone_given_under_swapped_names_is_one_persons():
    frame = _on_phones(("Kenneth", "Webb", "07700 900003"), ("Webb", "Kenneth", "07700 900003"),
                       ("Gordon", "Wilson", "07700 900004"), ("Wilson", "Gordon", "07700 900004"),
                       ("Wendy", "Wilson", "07700 900004"))
    assert frame.loc["a:1", "phone_hh"] is None and frame.loc["a:2", "phone_hh"] is None
    # Wendy gives it too: a household's phone, swapped names or not
    assert frame.loc["a:3", "phone_hh"] == "+447700900004"


def test_a_phone_given_under_a_clipped_forename_is_one_persons():
    frame = _on_phones(
        ("Alexander", "Mason", "07700 900005"), ("Xander", "Mason", "07700 900005"),
        # Kit is Christopher by the table, Topher by the clipping: one man, three names
        ("Kit", "Wright", "07700 900006"), ("Topher", "Wright", "07700 900006"),
        ("Christopher", "Wright", "07700 900006"),
        # Sandra is not Xander clipped: a household
        ("Xander", "Hale", "07700 900007"), ("Sandra", "Hale", "07700 900007"),
        # under another surname a clipped name is another person's
        ("Xander", "Hale", "07700 900008"), ("Alexander", "Cole", "07700 900008"))
    assert frame.loc[["a:1", "a:2", "a:3", "a:4", "a:5"], "phone_hh"].isna().all()
    assert frame.loc["a:6", "phone_hh"] == "+447700900007"
    assert frame.loc["a:8", "phone_hh"] == "+447700900008"


def test_the_incremental_linker_reads_a_clipped_forename_as_the_model_does():
    from haven.people.scoring import shared_phone

    def holder(forename, surname="mason"):
        return {"fn": forename, "sn": surname, "phone": "+447700900005", "dob": "1978-12-07"}

    assert not shared_phone(holder("xander"), [holder("alexander")])
    assert not shared_phone(holder("kit", "wright"), [holder("topher", "wright"),
                                                      holder("christopher", "wright")])
    assert shared_phone(holder("xander"), [holder("sandra")])
    assert shared_phone(holder("xander"), [holder("alexander", "cole")])


def test_an_unknown_diminutive_links_through_a_shared_incident(linked):
    linked = linked.clusters
    assert linked["crime:K1"] == linked["command_and_control:K2"]


def test_twins_sharing_a_landline_stay_apart(linked):
    linked = linked.clusters
    assert linked["crime:TW1"] != linked["pvp:TW3"]
    assert linked["crime:TW1"] != linked["command_and_control:TW2"]


def test_a_placeholder_birth_date_is_missing_not_different(linked):
    mover = record("pvp", "M2", MOVER)
    placeholder = explain_pair(linked.model, mover,
                               record("intel", "M3", MOVER, date_of_birth="1900-01-01"))
    wrong = explain_pair(linked.model, mover,
                         record("intel", "M3", MOVER, date_of_birth="1988-05-05"))
    level = {e["field"]: (e["comparison_level"], e["match_weight"]) for e in placeholder}
    assert level["date_of_birth"] == ("missing", 0.0)
    assert placeholder.match_probability > wrong.match_probability
    # a move: linked across two addresses on name and date of birth
    assert linked.clusters["crime:M1"] == linked.clusters["pvp:M2"]


def test_placeholders_are_not_evidence_two_records_share(linked):
    # Two men of one name, both recorded of no fixed abode with the placeholder number and
    # e-mail: what they share is that nobody knew, so they weigh as two records left blank.
    man = {"pid": 9107, "forename": "Dean", "surname": "Carver", "dob": "", "gender": "M",
           "phone": "", "postcode": ""}

    def pair(**given):
        return explain_pair(linked.model, record("crime", "D1", man, **given),
                            record("command_and_control", "D2", man, **given))

    placeholders = pair(address_line="No fixed abode", town="Unknown", postcode="ZZ99 3VZ",
                        phone="07000 000000", email="none@none.com")
    blank = pair(address_line="", town="", postcode="", phone="", email="")
    home = pair(address_line="14 Mill Lane", town="Leeds", postcode="LS7 3AB",
                phone="07700 900555")
    level = {e["field"]: e["comparison_level"] for e in placeholders}
    assert [level[f] for f in ("address", "phone", "email")] == ["missing"] * 3
    assert placeholders.match_probability == pytest.approx(blank.match_probability)
    level = {e["field"]: e["comparison_level"] for e in home}
    assert level["address"] == "same flat or house" and level["phone"] != "missing"
    # and a name nobody knew is no name: "Unknown Unknown" at one home weighs as no name
    nameless = pair(forename="Unknown", surname="Unknown", address_line="14 Mill Lane",
                    town="Leeds", postcode="LS7 3AB")
    no_name = pair(forename="", surname="", address_line="14 Mill Lane", town="Leeds",
                   postcode="LS7 3AB")
    assert nameless.match_probability == pytest.approx(no_name.match_probability)


def test_two_men_of_one_name_both_of_no_fixed_abode_stay_two_people():
    # Each is "No fixed abode", "NFA", with the placeholder number and no date of birth:
    # before, the shared placeholders joined them as one man.
    man = {"pid": 9108, "forename": "Dean", "surname": "Carver", "dob": "", "gender": "M",
           "phone": "07000 000000", "postcode": "NFA"}
    result = link_records(population(n_people=150, seed=11) + [
        record("crime", "D1", man, address_line="No fixed abode", town="",
               email="none@none.com"),
        record("command_and_control", "D2", {**man, "pid": 9109},
               address_line="No fixed abode", town="", email="none@none.com"),
    ], LinkageSettings(review_band=(0.5, 0.99)))
    assert result.clusters["crime:D1"] != result.clusters["command_and_control:D2"]


def test_a_move_is_one_location_difference_not_three():
    from haven.people.linkage.comparisons import all_comparisons

    names = [c.create_output_column_name() for c in all_comparisons()]
    assert "address" in names
    assert "postcode" not in names and "town" not in names


def test_the_review_queue_skips_pairs_that_share_nothing_but_names():
    from haven.people.linkage.clustering import _Records, _uncertain

    prepared = prepare_records([
        {"uid": "a:1", "forename": "John", "surname": "Smith", "date_of_birth": "1980-02-03",
         "postcode": "LS1 1AA"},
        {"uid": "b:1", "forename": "John", "surname": "Smith", "postcode": "M1 1AE"},
        {"uid": "c:1", "forename": "John", "surname": "Smith", "postcode": "LS1 1AA"},
    ])
    pairs = pd.DataFrame({"uid_l": ["a:1", "a:1"], "uid_r": ["b:1", "c:1"],
                          "match_probability": [0.9, 0.8], "match_weight": [3.0, 2.0]})
    clusters = {u: u for u in prepared["uid"]}
    queue = _uncertain(pairs, clusters, [], LinkageSettings(review_band=(0.5, 0.99)),
                       _Records(prepared), prepared["uid"].tolist())
    # b:1 shares only the name (no date of birth, another postcode): a reviewer could not
    # tell either; c:1 gives the same postcode, something to decide on
    assert [(a, b) for a, b, _ in queue] == [("a:1", "c:1")]
