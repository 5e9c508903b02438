"""A national run over two forces (issue 19): a perpetrator recorded by both forces is
proposed to both forces' review, never merged; the other force's details show only
through a share (the alliance)."""

import pytest
from django.http import Http404

from haven.access.models import AccessLogEntry
from haven.people.linkage.tests.spark_fixture import spark  # noqa: F401 - fixture
from haven.people.models import Person
from haven.people.models_national import CrossForceProposal
from haven.people.national import (
    cross_force_proposals_for,
    do_decide_cross_force,
    proposal_for_reviewer,
    run_national_link,
)
from haven.people.services import do_add_source_record

pytestmark = [pytest.mark.spark, pytest.mark.django_db]

PERPETRATOR = {"forename": "Darren", "surname": "Whitcombe", "date_of_birth": "1984-03-17",
               "gender": "M", "phone": "07700 900123", "pnc_id": "84/123456A"}
OTHERS = [
    ("Alice", "Brennan", "1990-02-01", "F"), ("Priya", "Lakhani", "1978-11-23", "F"),
    ("Tom", "Okafor", "1969-07-09", "M"), ("Megan", "Doyle", "2001-05-30", "F"),
    ("Yusuf", "Hassan", "1993-12-12", "M"), ("Claire", "Fenwick", "1985-08-08", "F"),
]


@pytest.fixture
def two_forces(forces, persona):
    admin = persona("system_admin")
    add = do_add_source_record
    warks, wmerc = forces["WARKS"], forces["WMERC"]
    add(warks, {**PERPETRATOR, "address_line": "4 Mill Lane", "town": "Warwick",
                "postcode": "CV34 4AB"}, system="crime", source_id="W1", actor=admin)
    # West Mercia's control room: he moved to Worcester; his name typed "Daren".
    add(wmerc, {**PERPETRATOR, "forename": "Daren", "address_line": "17 Bath Road",
                "town": "Worcester", "postcode": "WR5 3AA"},
        system="command_and_control", source_id="M1", actor=admin)
    for i, (fn, sn, dob, g) in enumerate(OTHERS):
        force = warks if i % 2 else wmerc
        add(force, {"forename": fn, "surname": sn, "date_of_birth": dob, "gender": g,
                    "postcode": "CV34 4AA" if i % 2 else "WR1 1AA"},
            system="crime", source_id=f"O{i}", actor=admin)
    return warks, wmerc


def _proposal():
    (proposal,) = CrossForceProposal.objects.all()
    return proposal


def test_a_perpetrator_in_both_forces_is_proposed_to_both_never_merged(
        two_forces, persona, spark):  # noqa: F811
    warks, wmerc = two_forces
    persons_before = set(Person.objects.values_list("pk", "force_id"))
    counts = run_national_link([warks, wmerc], engine="spark", spark=spark)
    assert counts["proposals"] == 1
    proposal = _proposal()
    assert {proposal.force_a_id, proposal.force_b_id} == {warks.pk, wmerc.pk}
    assert {proposal.record_a.source_id, proposal.record_b.source_id} == {"W1", "M1"}
    assert proposal.probability >= 0.5
    # queued for both forces' review
    for force in ("WARKS", "WMERC"):
        assert list(cross_force_proposals_for(persona("hau", force))) == [proposal]
    # nothing merged: the same persons, each in its own force
    assert set(Person.objects.values_list("pk", "force_id")) == persons_before
    assert proposal.record_a.person.force_id != proposal.record_b.person.force_id
    # a second run queues nothing new
    assert run_national_link([warks, wmerc], engine="spark", spark=spark)["proposals"] == 0


def test_the_duckdb_engine_proposes_the_same_pair(two_forces, spark):  # noqa: F811
    warks, wmerc = two_forces
    run_national_link([warks, wmerc], engine="spark", spark=spark)
    on_spark = {(p.record_a_id, p.record_b_id) for p in CrossForceProposal.objects.all()}
    CrossForceProposal.objects.all().delete()
    run_national_link([warks, wmerc], engine="duckdb")
    assert {(p.record_a_id, p.record_b_id) for p in CrossForceProposal.objects.all()} == on_spark


def test_the_alliance_share_shows_the_other_forces_record(two_forces, persona):
    warks, wmerc = two_forces
    run_national_link([warks, wmerc], engine="duckdb")
    proposal = _proposal()
    seen = proposal_for_reviewer(persona("hau", "WMERC"), proposal.pk)
    assert seen["other_shared"] is True
    assert seen["own"]["force"] == "WMERC" and seen["own"]["forename"] == "Daren"
    assert seen["other"]["force"] == "WARKS" and seen["other"]["surname"] == "Whitcombe"
    assert AccessLogEntry.objects.filter(record_type="cross_force_proposal",
                                         record_id=str(proposal.pk)).exists()


def test_without_a_share_the_other_forces_names_stay_in_that_force(two_forces, persona):
    warks, wmerc = two_forces
    wmerc.alliance = None
    wmerc.save()
    run_national_link([warks, wmerc], engine="duckdb")
    proposal = _proposal()
    for force, own_name in (("WARKS", "Darren"), ("WMERC", "Daren")):
        seen = proposal_for_reviewer(persona("hau", force), proposal.pk)
        assert seen["other_shared"] is False
        assert seen["own"]["forename"] == own_name
        assert set(seen["other"]) == {"force", "record_id"}
        text = repr(seen).lower()
        other_name = "daren" if own_name == "Darren" else "darren'"
        assert other_name not in text and "worcester" not in text and "warwick" not in text
        assert seen["evidence"]  # levels only ("exact", "different"), no values
        assert all(set(row) == {"field", "level", "weight", "label"}
                   for row in seen["evidence"])


def test_each_force_decides_its_side_and_nothing_is_merged(two_forces, persona):
    warks, wmerc = two_forces
    run_national_link([warks, wmerc], engine="duckdb")
    proposal = _proposal()
    persons = {proposal.record_a.person_id, proposal.record_b.person_id}
    proposal = do_decide_cross_force(proposal, decision="link", version=proposal.version,
                                     actor=persona("hau", "WARKS"))
    assert not proposal.confirmed
    proposal = do_decide_cross_force(proposal, decision="link", version=proposal.version,
                                     actor=persona("darm", "WMERC"))
    assert proposal.confirmed
    assert {proposal.record_a.person_id, proposal.record_b.person_id} == persons
    assert Person.objects.filter(pk__in=persons).count() == 2


@pytest.mark.parametrize("role", ["snt_officer", "sergeant", "idva"])
def test_roles_without_review_and_partners_get_404(two_forces, persona, role):
    warks, wmerc = two_forces
    run_national_link([warks, wmerc], engine="duckdb")
    proposal = _proposal()
    with pytest.raises(Http404):
        proposal_for_reviewer(persona(role, "WMERC"), proposal.pk)
    assert not cross_force_proposals_for(persona(role, "WMERC")).exists()


def test_haven_link_engine_spark_and_national(two_forces, spark):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    from haven.people.models import LinkRun

    out = StringIO()
    call_command("link", "--force", "WARKS", "--engine", "spark", "--no-progress",
                 "--no-reconcile", stdout=out)
    run = LinkRun.objects.latest("pk")
    assert run.counts["engine"] == "spark" and run.counts["records"] == 4
    assert out.getvalue().startswith("WARKS: 4 records")
    out = StringIO()
    call_command("link", "--national", "--engine", "spark", stdout=out)
    assert "1 new cross-force proposals queued for both forces' review" in out.getvalue()
