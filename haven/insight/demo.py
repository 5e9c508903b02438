"""Demo: build the analytics store from the demo's records (insight seeds last), so the
problem profile and the measures have figures the moment an analyst signs in; and, when no
centroids file is there yet, write the synthetic demo centroids for the map (made-up points
inside each force's bounding box, labelled synthetic on the page)."""

from haven.insight import centroids, store
from haven.insight.services import do_refresh_store


def seed(context):
    do_refresh_store(actor=None)
    if centroids.centroids_path().exists():
        return  # a force's own centroids are never overwritten by the demo's
    con = store.connect()
    try:
        rows = con.execute("SELECT DISTINCT force_code, district FROM events "
                           "WHERE district IS NOT NULL").fetchall() if store.has_tables(
            con, "events") else []
    finally:
        con.close()
    found: dict[str, set[str]] = {}
    for force_code, district in rows:
        if district != store.WITHHELD:
            found.setdefault(force_code, set()).add(district)
    centroids.write_demo(found)
