"""Any size of force: too few records to train on falls back to the documented defaults."""

import math

import pytest
from django.core.management import call_command

from haven.people.linkage import LinkageSettings, link_records
from haven.people.linkage.engine import default_parameters
from haven.people.models import Person, SourceRecord

SAME = {"forename": "Gareth", "surname": "Pryce", "date_of_birth": "1958-02-11",
        "gender": "M", "phone": "07111 222333", "postcode": "CF10 1AA"}


def test_two_records_link_with_default_parameters_and_say_so():
    records = [{"uid": "crime:1", **SAME},
               {"uid": "pvp:7", **SAME, "phone": "+447111222333", "forename": "GARETH"},
               {"uid": "pvp:8", "forename": "Aled", "surname": "Pryce",
                "date_of_birth": "1984-09-23", "gender": "M", "postcode": "CF10 1AA"}]
    result = link_records(records, LinkageSettings())
    assert result.model.parameters.startswith("default parameters: 3 records is too few")
    assert result.clusters["crime:1"] == result.clusters["pvp:7"]
    assert result.clusters["pvp:8"] != result.clusters["crime:1"]


def test_default_parameters_cover_every_comparison_level():
    params = default_parameters()
    assert 0 < params["prior"] < 1
    assert {"forename", "surname", "date_of_birth", "address", "phone"} <= set(
        params["comparisons"])
    assert params["comparisons"]["date_of_birth"]["exact"][0] > 0.5


@pytest.mark.django_db
def test_haven_link_on_a_force_with_two_records(forces, capsys):
    warks = forces["WARKS"]
    for system, source_id in (("crime", "C1"), ("pvp", "P1")):
        person = Person.objects.create(force=warks, forename="Gareth", surname="Pryce")
        SourceRecord.objects.create(
            force=warks, system=system, source_id=source_id, person=person,
            forename="Gareth", surname="Pryce", date_of_birth="1958-02-11", gender="M",
            phone="07111 222333", postcode="CF10 1AA")
    call_command("link", "--force", "WARKS", "--no-progress")
    out = capsys.readouterr().out
    assert "WARKS: 2 records -> 1 persons" in out
    assert "linked with the default parameters: 2 records is too few to train on" in out
    assert Person.objects.filter(force=warks, source_records__isnull=False).distinct().count() == 1


def test_scorer_weights_derive_from_the_trained_model_not_the_fixed_table():
    from haven.people.scoring import PRIOR_WEIGHT, WEIGHTS, compare, weights_from_parameters

    params = default_parameters()
    weights, prior = weights_from_parameters(params)
    m, u = params["comparisons"]["date_of_birth"]["exact"]
    assert weights["date_of_birth"]["exact"] == pytest.approx(math.log2(m / u), abs=0.01)
    assert weights["date_of_birth"]["exact"] != WEIGHTS["date_of_birth"]["exact"]
    assert prior == pytest.approx(math.log2(params["prior"]), abs=0.01) != PRIOR_WEIGHT
    query = {"fn": "gareth", "sn": "pryce", "dob": "1958-02-11"}
    _, explanation = compare(query, dict(query), weights=weights, prior_weight=prior)
    assert {e["field"]: e["weight"] for e in explanation}["date_of_birth"] == \
        weights["date_of_birth"]["exact"]


@pytest.mark.django_db
def test_trained_weights_come_from_the_forces_latest_full_relink(forces):
    from django.utils import timezone

    from haven.people.models import LinkRun
    from haven.people.scoring import trained_weights, weights_from_parameters

    warks = forces["WARKS"]
    assert trained_weights(warks) is None
    LinkRun.objects.create(force=warks, kind=LinkRun.Kind.FULL, finished_at=timezone.now(),
                           counts={"records": 900, "model": default_parameters()})
    assert trained_weights(warks) == weights_from_parameters(default_parameters())
    assert trained_weights(forces["WMERC"]) is None


def test_the_light_scorer_reads_placeholder_and_year_only_dates_as_the_model_does():
    from haven.people import scoring
    from haven.people.linkage import normalise

    assert scoring.PLACEHOLDER_DATES == normalise.PLACEHOLDER_DATES
    for iso in ("1985-01-01", "1985-06-03", "", None):
        assert scoring.year_only(iso) == normalise.year_only(iso)
    query = {"fn": "gareth", "sn": "pryce", "dob": "1900-01-01"}
    _, explanation = scoring.compare(query, {**query, "dob": "1958-02-11"})
    assert "date_of_birth" not in {e["field"] for e in explanation}
    _, explanation = scoring.compare({**query, "dob": "1958-01-01"},
                                     {**query, "dob": "1958-02-11"})
    assert ("date_of_birth", "year-only entry, same year") in {
        (e["field"], e["level"]) for e in explanation}


def test_a_duckdb_memory_cap_links_the_same():
    """`LinkageSettings.duckdb_memory_limit` caps DuckDB and changes no result."""
    records = [{"uid": "crime:1", **SAME},
               {"uid": "pvp:7", **SAME, "phone": "+447111222333", "forename": "GARETH"},
               {"uid": "pvp:8", "forename": "Aled", "surname": "Pryce",
                "date_of_birth": "1984-09-23", "gender": "M", "postcode": "CF10 1AA"}]
    plain = link_records(records, LinkageSettings())
    capped = link_records(records, LinkageSettings(duckdb_memory_limit="512MB"))
    assert capped.clusters == plain.clusters
    limit = capped.model.db_api.duckdb_con.execute(
        "select current_setting('memory_limit')").fetchone()[0]
    assert limit.startswith(("488", "512"))  # DuckDB reports MiB (488.2 MiB) or MB
