"""Linkage throughput, DuckDB vs Spark (local mode): `python bench/bench_spark.py N [...]`.

    flock /tmp/haven-bench.lock .venv/bin/python bench/bench_spark.py 200000 \
        --engine both --master 'local[2]' --driver-memory 4g

Data: `bench/linkage_data.py`'s `generate_records` (the benchmark's own generator, which
imports nothing from haven), the first N of its shuffled records (N/2 people), seed 13;
cached as a pickle under /tmp/haven-bench-spark so both engines (and a re-run) read the
same records. Each engine runs
the full `link_records` (prepare, train, predict, cluster) with the default settings; the
script prints records/s, pairs, persons, whether the two engines agree, machine load and
the date, one JSON line per engine. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linkage_data import generate_records  # noqa: E402  (the benchmark's own generator)

CACHE = Path("/tmp/haven-bench-spark")  # noqa: S108 - a benchmark's scratch cache


def records_for(n: int, seed: int) -> list[dict]:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"records_{n}_{seed}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())  # noqa: S301 - our own cache file
    started = time.time()
    # The generator writes ~2.15 records per person (several systems, duplicates): ask for
    # a few more people than needed and keep the first n records (they come shuffled).
    records = generate_records(n_people=int(n / 2.0) + 10, seed=seed)[:n]
    for r in records:
        r.pop("person_id", None)  # truth is not the engine's business here
    path.write_bytes(pickle.dumps(records))
    print(json.dumps({"generated": len(records), "seconds": round(time.time() - started, 1)}),
          flush=True)
    return records


def run(engine: str, records: list[dict], args) -> dict:
    from haven.people.linkage import LinkageSettings, link_records

    load_before = os.getloadavg()[0]
    started = time.time()
    settings = LinkageSettings()
    if args.duckdb_memory:
        settings.duckdb_memory_limit = args.duckdb_memory
    if engine == "duckdb":
        result = link_records(records, settings)
    else:
        from haven.people.linkage.spark import link_records_spark, spark_session

        spark = spark_session(args.master, driver_memory=args.driver_memory,
                              shuffle_partitions=args.partitions)
        result = link_records_spark(records, settings, spark=spark)
    seconds = time.time() - started
    return {
        "engine": engine, "records": len(records), "seconds": round(seconds, 1),
        "records_per_s": round(len(records) / seconds, 1), "pairs": len(result.pairs),
        "persons": len(set(result.clusters.values())), "parameters": result.model.parameters,
        "master": args.master if engine == "spark" else "",
        "partitions": args.partitions if engine == "spark" else "",
        "duckdb_memory": (settings.duckdb_memory_limit or "default") if engine == "duckdb" else "",
        "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
        "finished_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "_clusters": result.clusters,
    }


def main() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--engine", choices=["duckdb", "spark", "both"], default="both")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--duckdb-memory", default="",
                        help="DuckDB's memory cap for this run (e.g. 8GB); default: Haven's")
    args = parser.parse_args()
    import pandas as pd

    # One frame, not millions of dicts: at 3 M records the list alone held ~10 GB.
    records = pd.DataFrame.from_records(records_for(args.n, args.seed))
    engines = ["duckdb", "spark"] if args.engine == "both" else [args.engine]
    results = []
    for engine in engines:
        out = run(engine, records, args)
        results.append(out)
        print(json.dumps({k: v for k, v in out.items() if not k.startswith("_")}), flush=True)
    if len(results) == 2:
        same = results[0]["_clusters"] == results[1]["_clusters"]
        print(json.dumps({"same_clusters": same}), flush=True)


if __name__ == "__main__":
    main()
