"""Candidate pairs per blocking rule, before any pair is scored:
`python bench/blocking_pairs.py N [--seed 13] [--name-block-limit K ...] [--sample 0.05]`.

For a national centre sizing a run: Splink's own `count_comparisons_from_blocking_rules`
counts the pairs each of Haven's blocking rules adds beyond the rules before it (a
deterministic sample of records on each side, scaled up; `--sample 1` for exact counts),
on the same records `bench/bench_spark.py` links (its cache, seed 13). With several
`--name-block-limit` values the same prepared records are counted once per limit, so the
effect of `LinkageSettings.name_block_limit` is seen side by side. Nothing is scored or
linked; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_spark import records_for  # noqa: E402
from splink import DuckDBAPI  # noqa: E402
from splink.blocking_analysis import count_comparisons_from_blocking_rules  # noqa: E402

from haven.people.linkage.comparisons import _blocking_rules  # noqa: E402
from haven.people.linkage.engine import _bounded_name_blocks, _to_arrow  # noqa: E402
from haven.people.linkage.normalise import prepare_records  # noqa: E402


def main() -> None:
    import pandas as pd

    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--name-block-limit", type=int, action="append", default=[])
    parser.add_argument("--sample", type=float, default=0.05)
    args = parser.parse_args()
    started = time.time()
    prepared = prepare_records(pd.DataFrame.from_records(records_for(args.n, args.seed)))
    print(json.dumps({"records": len(prepared), "prepared_s": round(time.time() - started, 1)}),
          flush=True)
    for limit in args.name_block_limit or [0]:
        frame = _bounded_name_blocks(prepared, limit) if limit else prepared
        db_api = DuckDBAPI()
        table = db_api.register(_to_arrow(frame), table_name="haven_people")
        started = time.time()
        counts = count_comparisons_from_blocking_rules(
            table, blocking_rules=_blocking_rules(), link_type="dedupe_only",
            unique_id_column_name="uid", record_sample_proportion=args.sample)
        print(json.dumps({
            "name_block_limit": limit or "none", "sample": args.sample,
            "seconds": round(time.time() - started, 1),
            "total_pairs": counts[-1]["cumulative_comparison_count"],
            "by_rule": {re.sub(r'[lr]\."(\w+)" = [lr]\."\w+"', r"\1", c["blocking_rule"]):
                        c["marginal_comparison_count"] for c in counts},
        }), flush=True)


if __name__ == "__main__":
    main()
