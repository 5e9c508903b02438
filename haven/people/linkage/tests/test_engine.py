"""End-to-end model tests on a tiny population (one trained model per module)."""

import pytest

from haven.people.linkage import (
    LinkageSettings,
    explain_pair,
    link_records,
    predict_pairs,
    score_against,
)

from .factories import population, record

FATHER = {
    "pid": 9001,
    "forename": "Gareth",
    "surname": "Pryce",
    "dob": "1958-02-11",
    "gender": "M",
    "phone": "07111222333",
    "postcode": "CF10 1AA",
}
SON = {**FATHER, "pid": 9002, "dob": "1984-09-23", "phone": "07111222444"}
TWIN_A = {
    "pid": 9003,
    "forename": "Olivia",
    "surname": "Quinlan",
    "dob": "1999-05-05",
    "gender": "F",
    "phone": "07222333444",
    "postcode": "LS2 9JT",
}
TWIN_B = {**TWIN_A, "pid": 9004, "forename": "Phoebe", "phone": "07222333555"}
WILLIAM = {
    "pid": 9005,
    "forename": "William",
    "surname": "Ashworth",
    "dob": "1975-06-30",
    "gender": "M",
    "phone": "07333444555",
    "postcode": "M1 1AE",
}


def _traps() -> list[dict]:
    return [
        record("crime", "F1", FATHER),
        record("pvp", "F2", FATHER, phone="+44 7111 222333"),
        record("crime", "S1", SON),
        record("intel", "S2", SON, postcode="cf101aa"),
        record("crime", "T1", TWIN_A),
        record("pvp", "T2", TWIN_A),
        record("crime", "T3", TWIN_B),
        record("intel", "T4", TWIN_B),
        record("crime", "W1", WILLIAM),
        record(
            "command_and_control",
            "W2",
            WILLIAM,
            forename="Bill",
            surname="Ashwroth",
            phone="(07333) 444 555",
        ),
    ]


@pytest.fixture(scope="module")
def records():
    return population() + _traps()


@pytest.fixture(scope="module")
def result(records):
    return link_records(records, LinkageSettings())


@pytest.fixture(scope="module")
def model(result):
    return result.model


def test_father_and_son_not_merged(result):
    c = result.clusters
    assert c["crime:F1"] == c["pvp:F2"]
    assert c["crime:S1"] == c["intel:S2"]
    assert c["crime:F1"] != c["crime:S1"]


def test_twins_not_merged(result):
    c = result.clusters
    assert c["crime:T1"] == c["pvp:T2"]
    assert c["crime:T3"] == c["intel:T4"]
    assert c["crime:T1"] != c["crime:T3"]


def test_nickname_and_typo_merged(result):
    assert result.clusters["crime:W1"] == result.clusters["command_and_control:W2"]


def test_population_is_linked_precisely(records, result):
    truth = {r["uid"]: r["person_id"] for r in records}
    by_cluster: dict[str, set] = {}
    for uid, cid in result.clusters.items():
        by_cluster.setdefault(cid, set()).add(truth[uid])
    assert all(len(people) == 1 for people in by_cluster.values())
    assert len(by_cluster) <= len(set(truth.values())) * 1.1


def test_predict_pairs_columns(model):
    pairs = predict_pairs(model, threshold=0.5)
    assert list(pairs.columns) == ["uid_l", "uid_r", "match_probability", "match_weight",
                                   "pos_l", "pos_r"]
    assert (pairs["match_probability"] >= 0.5).all()
    # each pair's records' rows in the prepared frame, for clustering
    uids = model.prepared["uid"].tolist()
    assert [uids[k] for k in pairs["pos_l"]] == pairs["uid_l"].tolist()
    assert [uids[k] for k in pairs["pos_r"]] == pairs["uid_r"].tolist()


def test_clustering_laid_beside_the_scoring_or_after_and_by_uid_or_row_agree(result):
    """`link_records` lays clustering's groundwork while DuckDB scores; the clusters are
    the ones `_cluster` finds laying it itself, and pairs that name their records by uid
    only (Spark's) give the same as pairs with their rows."""
    import threading

    from haven.people.linkage.clustering import _cluster, groundwork

    model, pairs = result.model, result.pairs
    laid = groundwork(model.prepared, model.settings)
    threshold = model.settings.link_threshold
    clusters, refused, _ = _cluster(model, pairs, threshold, laid)
    assert clusters == result.clusters
    by_uid = pairs.drop(columns=["pos_l", "pos_r"])
    again, refused_again, _ = _cluster(model, by_uid, threshold)
    assert again == clusters and sorted(refused_again) == sorted(refused)
    assert len(set(clusters.values())) < len(clusters)  # some records were joined
    assert not [t for t in threading.enumerate() if t.name.startswith("clustering")]


def test_explain_pair_gives_per_field_levels(model):
    a = record("crime", "X1", WILLIAM)
    b = record("pvp", "X2", WILLIAM, forename="Bill")
    explanation = explain_pair(model, a, b)
    fields = {item["field"]: item for item in explanation}
    assert fields["forename"]["comparison_level"] == "nickname or alias"
    assert fields["date_of_birth"]["comparison_level"] == "exact"
    assert fields["surname"]["match_weight"] > 0
    assert fields["forename"]["values_l"]["fn"] == "william"
    assert explanation.match_probability > 0.99
    assert explanation.conflict is None


def test_explain_pair_reports_conflict(model):
    explanation = explain_pair(model, record("crime", "F1", FATHER), record("crime", "S1", SON))
    assert explanation.conflict == "date_of_birth"
    assert {i["field"]: i for i in explanation}["date_of_birth"]["match_weight"] < 0


def test_score_against_ranks_right_person_first(model):
    new = record("intel", "NEW", WILLIAM, forename="Billy", phone="")
    candidates = [
        record("crime", "F1", FATHER),
        record("crime", "W1", WILLIAM),
        record("crime", "T1", TWIN_A),
    ]
    ranked = score_against(model, new, candidates)
    assert ranked[0][0] == "crime:W1"
    assert ranked[0][1] > 0.9
    assert [uid for uid, _ in ranked[1:]] and all(p < 0.5 for _, p in ranked[1:])


def test_uncertain_pairs_are_in_band_or_refused(result):
    for uid_l, uid_r, prob in result.uncertain_pairs:
        assert uid_l != uid_r and 0.0 <= prob <= 1.0


def test_reviewers_see_each_pair_of_persons_once_and_never_a_hard_conflict(result, records):
    from haven.people.linkage import hard_conflict, prepare_records

    prepared = prepare_records(records).set_index("uid")
    persons_seen = set()
    for uid_l, uid_r, _ in result.uncertain_pairs:
        persons = frozenset((result.clusters[uid_l], result.clusters[uid_r]))
        assert persons not in persons_seen
        persons_seen.add(persons)
        assert hard_conflict(prepared.loc[uid_l], prepared.loc[uid_r]) is None
    father_son = frozenset((result.clusters["crime:F1"], result.clusters["crime:S1"]))
    assert father_son not in persons_seen


def test_a_shared_incident_weighs_more_in_a_force_of_a_million_records(records):
    """Two unrelated records sharing a role in one real incident are as rare per record
    at any size, so per pair the chance falls with the records linked: at 1 M records a
    fixed u left serial perpetrators' control-room records split from their others."""
    from haven.people.linkage.comparisons import INCIDENT_LEVEL
    from haven.people.linkage.engine import _scale_incident_u, model_parameters, train

    def incident_u(linker):
        return model_parameters(linker)["comparisons"]["incident"][INCIDENT_LEVEL][1]

    def incident_weight(linker_model):
        shared = "victim|a:12 high street|2024-03-01"
        pair = explain_pair(
            linker_model,
            record("crime", "I1", WILLIAM, incident_keys=shared),
            record("command_and_control", "I2", WILLIAM, incident_keys=shared,
                   forename="Will", date_of_birth=None))
        return {e["field"]: e["match_weight"] for e in pair}["incident"]

    small = train(records, LinkageSettings())
    assert incident_u(small.linker) == pytest.approx(1e-5)  # as tuned, below 44k records
    before = incident_weight(small)
    per_record = LinkageSettings().incident_u_per_record
    _scale_incident_u(small.linker, 1_000_000, per_record)
    assert incident_u(small.linker) == pytest.approx(per_record / 1_000_000)
    assert incident_weight(small) > before + 4  # bits: 1e-5 / 4.4e-7 is 22 times
