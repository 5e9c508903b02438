"""Engine-only linkage check for tuning (no database): `python bench/linkage_quick.py N SEED`.

`--save-defaults` writes the trained parameters to the engine's documented defaults
(haven/people/linkage/default_parameters.json), used when a force is too small to train.

`--name-block-limit K` (repeatable) links the same records once per limit, side by side.

`--knob NAME=JSON` (repeatable) changes one of the generator's knobs, as `bench_e2e.py`.
`--no-counterparts` links without the records' counterparts (the victims and suspects of
their incidents), as the engine did before them; `--no-relationships` gives them without
the suspect's relationship to the victim (no partner-or-family refusal).
`--examples` prints the first records cut off from a serial perpetrator's largest person,
beside his other records.

Generates N people's export in memory (bench/linkage_data.py), runs `link_records` with the
policy defaults, prints pairwise precision / recall / F1, the review queue and a breakdown
of missed and false pairs and of the records cut off from serial perpetrators. Tune on one
seed, report (bench_e2e.py) on another.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import datetime
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linkage_data import Generator, knobs_from  # noqa: E402

from haven.people.linkage import LinkageSettings, link_records  # noqa: E402
from haven.people.linkage.normalise import incident_fingerprints  # noqa: E402


def attach_incidents(gen, records: list[dict]):
    """incident_keys as `haven link` builds them from ingested incidents and involvements;
    returns who met whom as `haven link` gives it to the engine: a frame of (victim record,
    suspect record, the suspect's relationship to her) for the incidents of each system,
    each once."""
    import pandas as pd

    keys: dict[str, list[str]] = {}
    parties: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = {}
    for system, incidents in gen.incident_rows.items():
        by_id = {i["source_id"]: i for i in incidents}
        for inv in gen.involvement_rows[system]:
            inc = by_id[inv["incident_source_id"]]
            uid = f"{system}:{inv['person_source_id']}"
            own = keys.setdefault(uid, [])
            own.extend(incident_fingerprints(datetime.fromisoformat(inc["occurred_at"]),
                                             inc["address_line"], inc["postcode"], inv["role"]))
            roles = parties.setdefault((system, inv["incident_source_id"]), {})
            roles.setdefault(inv["role"], []).append((uid, inv.get("relationship") or ""))
    for record in records:
        record["incident_keys"] = ";".join(keys.get(record["uid"], []))
    met = sorted({(victim, suspect, relationship)
                  for roles in parties.values()
                  for suspect, relationship in roles.get("suspect", [])
                  for victim, _ in roles.get("victim", []) if victim != suspect})
    return pd.DataFrame(met, columns=["uid_l", "uid_r", "relationship"])


def _groups(clusters: dict, truth: dict) -> tuple[dict, dict]:
    """Records by predicted person and by true person."""
    by_cluster: dict[str, list[str]] = {}
    for uid, c in clusters.items():
        by_cluster.setdefault(c, []).append(uid)
    by_person: dict[int, list[str]] = {}
    for uid, p in truth.items():
        by_person.setdefault(p, []).append(uid)
    return by_cluster, by_person


def _report(gen, records, truth, limit, counterparts=None):
    started = time.time()
    result = link_records(records, LinkageSettings(review_band=(0.5, 0.99),
                                                   name_block_limit=limit,
                                                   counterparts=counterparts))
    seconds = time.time() - started
    clusters = result.clusters
    by_cluster, by_person = _groups(clusters, truth)
    predicted = sum(len(v) * (len(v) - 1) // 2 for v in by_cluster.values())
    true = sum(len(v) * (len(v) - 1) // 2 for v in by_person.values())
    correct = sum(1 for v in by_cluster.values() for a, b in combinations(v, 2)
                  if truth[a] == truth[b])
    p, r = correct / max(predicted, 1), correct / max(true, 1)
    same = sum(1 for a, b, _ in result.uncertain_pairs if truth[a] == truth[b])
    print(f"records {len(records)} P={p:.4f} R={r:.4f} F1={2 * p * r / (p + r):.4f} "
          f"false={predicted - correct} review={len(result.uncertain_pairs)} "
          f"({100 * len(result.uncertain_pairs) / len(records):.2f}/100, same {same}) "
          f"t={seconds:.1f}s")
    victims_of: dict[int, set] = {}
    for event in gen.events:
        victims_of.setdefault(event.suspect.pid, set()).add(event.victim.pid)
    serial = [p for p, v in victims_of.items() if len(v) >= 2 and p in by_person]
    whole = sum(1 for p in serial if len({clusters[u] for u in by_person[p]}) == 1)
    print(f"serial perpetrators whole {whole}/{len(serial)} = {whole / max(len(serial), 1):.1%}")
    return result


def main() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("haven.people.linkage.clustering").setLevel(logging.INFO)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    # `--knob NAME=JSON` (repeatable): one of the generator's knobs changed, as bench_e2e.py
    knobs = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "--knob"]
    gen = Generator(n, seed, knobs_from(knobs)).generate()
    records = gen.records()
    counterparts = None if "--no-counterparts" in sys.argv else attach_incidents(gen, records)
    if counterparts is None:
        attach_incidents(gen, records)
    elif "--no-relationships" in sys.argv:
        counterparts = counterparts.assign(relationship="")
    truth = {r["uid"]: r["person_id"] for r in records}
    # `--name-block-limit K` (repeatable): the same records linked once per limit, in turn
    limits = [int(sys.argv[i + 1]) for i, a in enumerate(sys.argv) if a == "--name-block-limit"]
    for limit in limits or [LinkageSettings().name_block_limit]:
        print(f"name_block_limit {limit}")
        result = _report(gen, records, truth, limit, counterparts)
    clusters = result.clusters  # the breakdown below is of the last limit's run
    by_cluster, by_person = _groups(clusters, truth)
    prepared = result.model.prepared.set_index("uid")
    missed = Counter()
    for members in by_person.values():
        for a, b in combinations(members, 2):
            if clusters[a] != clusters[b]:
                ra, rb = prepared.loc[a], prepared.loc[b]
                missed[(
                    "nodob" if not ra["dob"] or not rb["dob"] else "dob",
                    "cc" if "command" in a or "command" in b else "-",
                    "phone=" if ra["phone"] and ra["phone"] == rb["phone"] else "",
                    "pc=" if ra["pc"] and ra["pc"] == rb["pc"] else "",
                )] += 1
    for key, count in missed.most_common(12):
        print("missed", key, count)
    false = Counter()
    for members in by_cluster.values():
        for a, b in combinations(members, 2):
            if truth[a] != truth[b]:
                false[(a.split(":")[0], b.split(":")[0])] += 1
    print("false by systems", dict(false.most_common(6)))
    _split_serial(gen, clusters, by_person, prepared)
    if "--save-defaults" in sys.argv:
        save_defaults(result.model)


EXAMPLE_COLUMNS = ("fn", "mn", "sn", "dob", "phone", "pc", "addr", "pnc")


def _split_serial(gen, clusters, by_person, prepared) -> None:
    """What the records cut off from a serial perpetrator's largest person carry."""
    victims_of: dict[int, set] = {}
    for event in gen.events:
        victims_of.setdefault(event.suspect.pid, set()).add(event.victim.pid)
    kinds = Counter()
    examples, truth_of = [], {}
    cluster_size = Counter(clusters.values())
    for pid, victims in victims_of.items():
        members = by_person.get(pid, [])
        if len(victims) < 2 or len({clusters[u] for u in members}) < 2:
            continue
        sizes = Counter(clusters[u] for u in members)
        main = sizes.most_common(1)[0][0]
        inside = [prepared.loc[u] for u in members if clusters[u] == main]
        for uid in members:
            if clusters[uid] == main:
                continue
            row = prepared.loc[uid]
            examples.append(uid)
            truth_of[uid] = pid
            kinds[(
                uid.split(":")[0][:5],
                "dob" if row["dob"] else "nodob",
                "phone~" if row["phone"] and any(row["phone"] == o["phone"] for o in inside)
                else ("phone" if row["phone"] else "-"),
                "pc~" if row["pc"] and any(row["pc"] == o["pc"] for o in inside)
                else ("pc" if row["pc"] else "-"),
                "alone" if cluster_size[clusters[uid]] == 1 else "with others",
            )] += 1
    for key, count in kinds.most_common(15):
        print("split serial record", key, count)
    if "--examples" in sys.argv:
        for uid in examples[:40]:
            print(uid, "|", " / ".join(f"{c}={prepared.loc[uid][c]}" for c in EXAMPLE_COLUMNS))
            for other in [u for u in by_person[truth_of[uid]] if u != uid][:4]:
                print("   ", other, clusters[other] == clusters[uid], "|",
                      " / ".join(f"{c}={prepared.loc[other][c]}" for c in EXAMPLE_COLUMNS))


def save_defaults(model) -> None:
    """Write the trained parameters as the engine's documented defaults."""
    import json
    import math

    from haven.people.linkage.engine import DEFAULT_PARAMETERS, model_parameters

    params = model_parameters(model.linker)
    for levels in params["comparisons"].values():
        for label, (m, u) in levels.items():
            levels[label] = [None if v is None or math.isnan(v) else round(v, 8) for v in (m, u)]
    params["source"] = "bench/linkage_quick.py 20000 7 --save-defaults (synthetic export, seed 7)"
    DEFAULT_PARAMETERS.write_text(json.dumps(params, indent=1) + "\n")
    print("wrote", DEFAULT_PARAMETERS)


if __name__ == "__main__":
    main()
