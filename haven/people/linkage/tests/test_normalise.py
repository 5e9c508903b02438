"""Normalisation and nickname tests: cheap, no model."""

import numpy as np
import phonenumbers
import pytest

from haven.people.linkage.nicknames import canonical_forenames, canonical_key, table_size
from haven.people.linkage.normalise import (
    clean_name,
    combined_codes,
    forename_tokens,
    name_fields,
    name_tokens,
    normalise_address,
    normalise_email,
    normalise_phone,
    normalise_pnc,
    normalise_postcode,
    normalise_town,
    parse_dob,
    prepare_records,
    surname_set,
    surname_tokens,
)


@pytest.mark.parametrize(
    ("nick", "canonical"),
    [
        ("bill", "william"),
        ("billy", "william"),
        ("liz", "elizabeth"),
        ("betty", "elizabeth"),
        ("bob", "robert"),
        ("katie", "katherine"),
        ("jimmy", "james"),
        ("dave", "david"),
        ("becky", "rebecca"),
        ("tony", "anthony"),
        ("sue", "susan"),
        ("jenny", "jennifer"),
        ("harry", "henry"),
        ("jack", "john"),
        ("peggy", "margaret"),
        ("maggie", "margaret"),
        ("kasia", "katherine"),
        ("katarzyna", "katherine"),
        ("gosia", "margaret"),
        ("piotr", "peter"),
        ("wojtek", "wojciech"),
        ("usman", "osman"),
        ("shaun", "sean"),
        ("kieran", "ciaran"),
        ("wm", "william"),
        ("thos", "thomas"),
    ],
)
def test_nicknames_map_to_canonical(nick, canonical):
    assert canonical in canonical_forenames(nick)


def test_ambiguous_nickname_keeps_both_and_unknown_maps_to_itself():
    assert canonical_forenames("sam") == ("samantha", "samuel")
    assert canonical_forenames("steve") == ("stephen", "steven")
    assert canonical_forenames("zebedee") == ("zebedee",)
    assert canonical_key("") is None
    assert 100 <= table_size() <= 160


@pytest.mark.parametrize(("forename", "surname", "read"), [
    ("Ann", "Smith (nee Jones)", ("Ann", "Smith", "Jones")),
    ("Ann", "SMITH NÉE JONES", ("Ann", "SMITH", "JONES")),
    ("Ann", "Smith, formerly Jones", ("Ann", "Smith", "Jones")),
    ("", "Smith, Ann", ("Ann", "Smith", "")),
    ("", "Smith, formerly Jones", ("", "Smith", "Jones")),
    ("", "SMITH, Ann (nee Jones)", ("Ann", "SMITH", "Jones")),
    # what stays: the surname Nee, a forename given beside a comma, one part only
    ("Ann", "Nee", ("Ann", "Nee", "")),
    ("Ann", "Smith-Nee", ("Ann", "Smith-Nee", "")),
    ("Bob", "Smith, Jones", ("Bob", "Smith, Jones", "")),
    ("", "Smith,", ("", "Smith,", "")),
])
def test_a_surname_field_holding_more_than_the_surname(forename, surname, read):
    assert name_fields(forename, surname) == read


@pytest.mark.parametrize(("forename", "tokens"), [
    ("JP", ["j", "p"]), ("J.P.", ["j", "p"]), ("J. P.", ["j", "p"]), ("Mr T.J.", ["t", "j"]),
    ("Jo", ["jo"]), ("Al", ["al"]), ("Amy", ["amy"]), ("Lyn", ["lyn"]),  # names with a vowel
    ("Wm", ["wm"]), ("Ng", ["ng"]),  # the table's abbreviation, a surname typed as forename
    ("Jhn", ["jhn"]), ("MRK", ["mrk"]),  # a name typed without its vowel, not three initials
])
def test_initials_typed_together_are_initials(forename, tokens):
    assert forename_tokens(forename) == tokens


@pytest.mark.parametrize("surname", ["St John", "Saint John", "St. John", "ST.JOHN",
                                     "St-John", "Saint-John", "StJohn"])
def test_saint_written_out_or_shortened_is_one_surname(surname):
    assert "".join(t.replace("-", "") for t in surname_tokens(surname)) == "stjohn"


def test_a_surnames_particle_is_not_a_surname_by_itself():
    assert surname_set(surname_tokens("van der Berg"), []) == ["berg", "vanderberg"]
    assert surname_set(surname_tokens("Al-Hassan"), []) == ["alhassan", "hassan"]
    assert surname_set(surname_tokens("De"), []) == ["de"]  # the whole surname stays
    assert surname_set(surname_tokens("Smith-Jones"), []) == ["jones", "smith", "smithjones"]


def test_clean_name_strips_accents_apostrophes_and_case():
    assert clean_name("  O'Brien ") == "obrien"
    assert clean_name("Zoë") == "zoe"
    # letters with no accent to take off are written as English spells them, not dropped
    assert clean_name("Paweł Wiśniewski") == "pawel wisniewski"
    assert clean_name("Strauß") == "strauss"
    assert clean_name("Søren") == "soren"
    assert clean_name("Yıldız") == "yildiz"
    assert clean_name("Александр") == "aleksandr"
    assert clean_name("Smith-Jones") == "smith-jones"
    assert clean_name(None) == ""


@pytest.mark.parametrize(
    "raw",
    [
        "07700 900123",
        "+447700900123",
        "(07700) 900 123",
        "07700900123",
        "0044 7700 900123",
        "+44 (0)7700 900123",
    ],
)
def test_phone_formats_agree_on_e164(raw):
    assert normalise_phone(raw) == "+447700900123"


@pytest.mark.parametrize("raw", ["0113 496 0000", "07700 900123", "020 7946 0000",
                                 "+44 (0)20 7946 0018", "+44 (0)1632 960 001",
                                 "+44(0)7700900123"])
def test_phone_fast_path_matches_phonenumbers(raw):
    parsed = phonenumbers.parse(raw, "GB")
    expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    assert normalise_phone(raw) == expected


def test_phone_junk_is_none():
    assert normalise_phone("") is None
    assert normalise_phone("n/a") is None


@pytest.mark.parametrize(("raw", "first"), [
    ("07700 900123 / 01926 415000", "+447700900123"),
    ("mob 07700 900123 home 01926 415000", "+447700900123"),
    ("07700900123, 01926415000", "+447700900123"),
    ("+44 (0)7700 900123 or 01926 415000", "+447700900123"),
    # a placeholder first: the real number after it
    ("07000 000000 / 01926 415000", "+441926415000"),
    # only spaces between the two: one run of 22 digits, split where the second begins
    ("07700 900123 01926 415000", "+447700900123"),
    ("07700900123 01926415000", "+447700900123"),
    ("0800 123456 07700 900123", "+44800123456"),
    ("07000 000000 01926 415000", "+441926415000"),
])
def test_a_cell_holding_several_phone_numbers_gives_the_first_real_one(raw, first):
    assert normalise_phone(raw) == first


def test_a_cell_holding_several_email_addresses_gives_the_first_real_one():
    assert normalise_email("Jo@Example.com; jo.work@x.gov.uk") == "jo@example.com"
    assert normalise_email("mailto:jo@example.com") == "jo@example.com"
    assert normalise_email("Jo Bloggs <jo@example.com>") == "jo@example.com"
    assert normalise_email("none@none.com / jo@example.com") == "jo@example.com"
    assert normalise_email("john.o'brien@example.com") == "john.o'brien@example.com"


@pytest.mark.parametrize("line", [
    "14 High Street, Warwick", "14 High St., Warwick, Warwickshire",
    "14 High Street, Warwick, CV34 4AA", "14 High Street, Kenilworth CV8 1AA"])
def test_the_town_or_postcode_typed_after_the_street_is_not_part_of_the_house(line):
    assert normalise_address(line) == normalise_address("14 High Street")


@pytest.mark.parametrize("line", [
    "14 High Street Warwick", "14 High St Warwick CV34 4AA", "14 HIGH STREET WARWICK",
    "14 High Street CV34 4AA"])
def test_the_records_own_town_typed_after_the_street_without_a_comma_goes(line):
    assert normalise_address(line, "Warwick") == normalise_address("14 High Street")


def test_without_a_comma_only_the_records_own_town_goes():
    # without the town column a last word may be the street's own ("Hill Top")
    assert normalise_address("14 Hill Top")[1] == "14 hill top"
    assert normalise_address("14 Hill Top", "Warwick")[1] == "14 hill top"
    assert normalise_address("14 Warwick Road", "Warwick")[1] == "14 warwick road"
    # nothing left that names a house: the line is the place's whole name
    assert normalise_address("Green Farm Warwick", "Warwick")[1] == "green farm warwick"
    assert normalise_address("Flat 2 14 High Street Leamington Spa", "Leamington Spa") == (
        "2/14 high street", "14 high street")


def test_only_the_locality_after_the_street_goes():
    # a flat after the street stays; "St Albans" is a town, not a street
    assert normalise_address("14 High Street, Flat 2, Warwick") == ("2/14 high street",
                                                                     "14 high street")
    assert normalise_address("2 St Johns Road, St Albans")[1] == "2 street johns road"
    assert normalise_address("12 Church St, Warwick")[1] == "12 church street"
    # a house number names the street without a street type; a later street type wins
    assert normalise_address("61 Smith Flats, Warwick")[1] == "61 smith flats"
    assert normalise_address("1 The Cottages, Church Road, Warwick")[1] == (
        "1 the cottages church road")
    assert normalise_address("Rose Cottage, Mill Lane, Barford")[1] == (
        "rose cottage mill lane")
    # neither a house number nor a street type: nothing is taken as a town
    assert normalise_address("Green Farm, Warwick")[1] == "green farm warwick"


def test_postcode_case_and_spacing():
    assert normalise_postcode("sw1a1aa") == ("SW1A1AA", "SW1A1", "SW1A")
    assert normalise_postcode(" LS6  2QR ") == ("LS62QR", "LS62", "LS6")
    assert normalise_postcode("not a postcode")[1] is None
    assert normalise_postcode("") == (None, None, None)


@pytest.mark.parametrize(("normalise", "given"), [
    (name_tokens, "Unknown"), (name_tokens, "N/K"), (name_tokens, "NOT KNOWN"),
    (name_tokens, "Unknown Male"), (name_tokens, "N.K."),
    (lambda v: normalise_address(v)[1], "No fixed abode"),
    (lambda v: normalise_address(v)[1], "N.F.A."), (lambda v: normalise_address(v)[1], "NFA"),
    (normalise_town, "Unknown"),
    (lambda v: normalise_postcode(v)[0], "ZZ99 3VZ"),
    (lambda v: normalise_postcode(v)[0], "nfa"),
    (normalise_phone, "07000 000000"), (normalise_phone, "+44 (0)7777 777777"),
    (normalise_phone, "07123 456789"), (normalise_phone, "00000 000000"),
    (normalise_email, "none@none.com"), (normalise_email, "noemail@police.uk"),
])
def test_what_was_typed_for_not_known_is_blank_to_the_matcher(normalise, given):
    assert not normalise(given)


@pytest.mark.parametrize(("normalise", "given", "expected"), [
    (name_tokens, "Nkemelu", ["nkemelu"]),
    (lambda v: normalise_address(v)[1], "1 Unknown Lane", "1 unknown lane"),
    (lambda v: normalise_postcode(v)[0], "ZZ1 1AA", "ZZ11AA"),
    (normalise_phone, "07700 900000", "+447700900000"),
    (normalise_email, "jo.none@example.org", "jo.none@example.org"),
])
def test_real_values_near_a_placeholder_are_kept(normalise, given, expected):
    assert normalise(given) == expected


def test_a_flat_written_after_the_street_is_the_same_flat():
    assert (normalise_address("14 High Street, Flat 2")
            == normalise_address("Flat 2, 14 High St")
            == normalise_address("2/14 High Street") == ("2/14 high street", "14 high street"))
    # a building called "... Flats" has no flat "s"
    assert normalise_address("61 Smith Flats") == ("61 smith flats", "61 smith flats")


def test_email_pnc_and_dob():
    assert normalise_email("  Jo@Example.COM ") == "jo@example.com"
    assert normalise_email("nope") is None
    assert normalise_pnc("2012/345678a") == normalise_pnc("12/0345678A") == "12/0345678A"
    assert parse_dob("1980-02-30") is None
    assert parse_dob("2999-01-01") is None
    assert parse_dob("1980-02-03") == "1980-02-03"


def test_prepare_records_builds_comparison_columns():
    frame = prepare_records(
        [
            {
                "system": "crime",
                "source_id": "1",
                "forename": "Bill",
                "surname": "Smith-Jones",
                "aliases": "William Brown",
                "date_of_birth": "1980-03-12",
                "gender": "m",
                "phone": "(07700) 900 123",
                "postcode": "ls6 2qr",
                "incident_keys": "I2;I1",
            },
            {"system": "pvp", "source_id": "2", "forename": "William John", "surname": "Smith"},
        ]
    )
    first, second = frame.to_dict("records")
    assert first["uid"] == "crime:1"
    assert first["fn_key"] == second["fn_key"] == "william"
    assert second["mn"] == "john"
    assert {"smith", "jones", "brown", "smithjones"} <= set(first["sn_all"])
    assert first["dob_dm"] == "03-12" and first["dob_y"] == "1980"
    assert first["gender"] == "M" and first["phone"] == "+447700900123"
    assert first["pc"] == "LS62QR" and first["pc_district"] == "LS6"
    assert first["incident_keys"] == ["I1", "I2"]
    assert second["dob"] is None and second["incident_keys"] is None


def test_prepare_records_rejects_duplicate_uids():
    with pytest.raises(ValueError, match="unique"):
        prepare_records([{"uid": "a:1"}, {"uid": "a:1"}])


def test_a_title_word_that_is_the_whole_name_is_the_name():
    assert name_tokens("Lord") == ["lord"]  # the surname Lord
    assert name_tokens("Lord Terence Smith") == ["terence", "smith"]
    assert name_tokens("Mr") == []  # a placeholder, never a name
    assert name_tokens("Jr") == []


def test_combined_codes_number_each_combination_once_in_order_of_first_appearance():
    # (line, town) codes as pd.factorize gives them, -1 for a blank
    lines = np.array([0, 1, 0, -1, 0, -1, 1])
    towns = np.array([0, 0, 0, 1, -1, 1, 0])
    assert combined_codes(lines, towns).tolist() == [0, 1, 0, 2, 3, 2, 1]
    assert combined_codes(np.array([], dtype=np.int64)).tolist() == []
