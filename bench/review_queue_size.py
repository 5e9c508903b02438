"""How many pairs the linkage asks a person to review: `python bench/review_queue_size.py N`.

Runs `link_records` on N synthetic records (bench/linkage_data.py, seed 7) with the default
review band and prints the queue size and how many queued pairs are truly one person.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linkage_data import generate_records  # noqa: E402

from haven.people.linkage import LinkageSettings, link_records  # noqa: E402


def main() -> None:
    records = generate_records(int(sys.argv[1]) if len(sys.argv) > 1 else 20000, seed=7)
    started = time.time()
    result = link_records(records, LinkageSettings(review_band=(0.5, 0.99)))
    truth = {r["uid"]: r["person_id"] for r in records}
    same = sum(1 for a, b, _ in result.uncertain_pairs if truth[a] == truth[b])
    print(f"records {len(records)} review pairs {len(result.uncertain_pairs)} "
          f"truly same {same} seconds {time.time() - started:.1f}")


if __name__ == "__main__":
    main()
