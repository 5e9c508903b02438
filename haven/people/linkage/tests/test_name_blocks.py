"""Common names do not make candidate pairs grow with the square of the force."""

from haven.people.linkage import LinkageSettings, predict_pairs
from haven.people.linkage.engine import _bounded_name_blocks, train
from haven.people.linkage.normalise import prepare_records

from .factories import population, record

JOHN = {"pid": 8000, "forename": "John", "surname": "Smith", "dob": "", "gender": "M",
        "phone": "", "postcode": ""}


def _john_smiths() -> list[dict]:
    """Six John Smiths with no date of birth, each in another district and street, and a
    seventh (names swapped) in the first one's district."""
    districts = ["B23 6QR", "CV34 4AB", "LS2 9JT", "M1 1AE", "CF10 1AA", "NE1 4ST"]
    johns = [
        record("crime", f"J{i}", {**JOHN, "pid": 8000 + i, "postcode": pc},
               address_line=f"{i + 10} Mill Lane {i}", town=f"Town {i}")
        for i, pc in enumerate(districts)
    ]
    johns.append(record("pvp", "J9", {**JOHN, "pid": 8000, "postcode": "B23 7AA"},
                        forename="Smith", surname="John", address_line="4 Oak Road",
                        town="Town 9"))
    return johns


def _candidate_pairs(limit: int) -> set[frozenset[str]]:
    model = train(population(60) + _john_smiths(), LinkageSettings(name_block_limit=limit))
    pairs = predict_pairs(model, threshold=0.0)
    return {frozenset(p) for p in zip(pairs["uid_l"], pairs["uid_r"], strict=True)
            if "J" in p[0] and "J" in p[1]}


def test_a_common_name_is_compared_only_within_its_postcode_district():
    # 7 records share JOHN|SMITH: above a limit of 3, only the two in district B23 meet.
    assert _candidate_pairs(limit=3) == {frozenset({"crime:J0", "pvp:J9"})}


def test_a_name_under_the_limit_is_compared_across_districts():
    pairs = _candidate_pairs(limit=50)
    assert len(pairs) == 21  # every pair of the seven
    assert frozenset({"crime:J0", "pvp:J9"}) in pairs


def test_the_callers_records_keep_their_name_key():
    prepared = prepare_records(_john_smiths())
    narrowed = _bounded_name_blocks(prepared, 3)
    assert set(prepared["name_pair"]) == {"john|smith"}
    assert list(narrowed["name_pair"]) == [
        "john|smith|B23", "john|smith|CV34", "john|smith|LS2", "john|smith|M1",
        "john|smith|CF10", "john|smith|NE1", "john|smith|B23"]


def _switchboard_callers() -> list[dict]:
    """Eight different people, one force switchboard number given by each (no name, date
    of birth or address in common), and one of them recorded twice with his own mobile."""
    people = [{"pid": 8100 + i, "forename": f, "surname": s, "dob": "", "gender": "",
               "phone": "01632 960000", "postcode": ""}
              for i, (f, s) in enumerate([("Amir", "Shah"), ("Beth", "Cole"), ("Carl", "Dunn"),
                                          ("Dina", "Ezra"), ("Evan", "Ford"), ("Fay", "Gale"),
                                          ("Gus", "Hart"), ("Hana", "Ives")])]
    records = [record("command_and_control", f"S{i}", p, address_line="", town="")
               for i, p in enumerate(people)]
    records += [record("crime", "M1", {**people[0], "phone": "07700 900321"},
                       address_line="", town=""),
                record("pvp", "M2", {**people[0], "phone": "07700 900321"},
                       address_line="", town="")]
    return records


def _callers_pairs(**settings) -> set[frozenset[str]]:
    callers = _switchboard_callers()
    ours = {r["uid"] for r in callers}
    pairs = predict_pairs(train(population(60) + callers, LinkageSettings(**settings)),
                          threshold=0.0)
    return {frozenset(p) for p in zip(pairs["uid_l"], pairs["uid_r"], strict=True)
            if p[0] in ours and p[1] in ours}


def test_an_identifier_more_records_share_than_the_limit_makes_no_block():
    # Above a limit of 5, the switchboard number brings none of its eight callers together:
    # only Amir Shah's three records meet (his name, and the mobile he gave twice).
    amir = {"command_and_control:S0", "crime:M1", "pvp:M2"}
    assert _callers_pairs(identifier_block_limit=5) == {
        frozenset({a, b}) for a in amir for b in amir if a < b}
    # under the limit every caller of the switchboard is a candidate for every other
    assert len(_callers_pairs()) == 28 + 3  # and M1-M2, S0-M1, S0-M2
