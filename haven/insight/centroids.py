"""Postcode district centroids for the profile's map, loaded by the force as data.

A small CSV (`force,district,lat,lon,source`; lines starting `#` are comments; a blank force
applies to every force) at `settings.HAVEN_INSIGHT_CENTROIDS` or the environment variable of
that name, else `insight_centroids.csv` beside the store (`var/` by default). No boundary
shapes and no external tile server: the map draws one circle per district at its centroid on
a plain background (`HAVEN_INSIGHT_TILE_URL` may name the force's own tile server; blank by
default, and the CSP's img-src must allow it).

The demo writes made-up centroids (`source` = "synthetic") inside Warwickshire's and West
Mercia's bounding boxes: `haven/insight/data/demo_centroids.csv` for the districts it names,
and a point drawn from a hash of the district for any other district the demo's people have
(Faker postcodes are random). The page says when the centroids are synthetic.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from haven.insight import store

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_centroids.csv"
#: (south, west, north, east) of each demo force: made-up points fall inside these.
DEMO_BOXES = {"WARKS": (52.00, -1.95, 52.65, -1.20), "WMERC": (51.85, -3.20, 52.95, -1.80)}
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


@dataclass(frozen=True)
class Centroid:
    district: str
    lat: float
    lon: float
    source: str


def centroids_path() -> Path:
    configured = getattr(settings, "HAVEN_INSIGHT_CENTROIDS", None) or os.environ.get(
        "HAVEN_INSIGHT_CENTROIDS")
    return Path(configured) if configured else store.store_path().with_name(
        "insight_centroids.csv")


def tile_url() -> str:
    """The force's own tile server, if configured (blank: no tiles, a plain background)."""
    return getattr(settings, "HAVEN_INSIGHT_TILE_URL", None) or os.environ.get(
        "HAVEN_INSIGHT_TILE_URL", "")


def parse(text: str, force_code: str) -> dict[str, Centroid]:
    """district -> Centroid for `force_code` (rows of another force left out). A row that is
    not a district with a latitude and longitude in range is refused, naming the line."""
    found = {}
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for number, row in enumerate(csv.DictReader(io.StringIO("\n".join(lines))), start=2):
        force = (row.get("force") or "").strip().upper()
        if force and force != force_code:
            continue
        district = (row.get("district") or "").strip().upper()
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"centroids line {number}: lat and lon must be numbers") from None
        if not _DISTRICT.match(district) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"centroids line {number}: {district!r} at {lat}, {lon} is not a "
                             "postcode district with a latitude and longitude")
        found[district] = Centroid(district, lat, lon, (row.get("source") or "").strip())
    return found


def load(force_code: str) -> dict[str, Centroid]:
    """The force's centroids, or {} when none are loaded."""
    path = centroids_path()
    if not path.exists():
        return {}
    return parse(path.read_text(encoding="utf-8"), force_code)


def made_up(force_code: str, district: str) -> tuple[float, float]:
    """A synthetic point for a district inside the force's demo box, the same every time."""
    south, west, north, east = DEMO_BOXES.get(force_code, DEMO_BOXES["WARKS"])
    digest = hashlib.sha256(f"{force_code}|{district}".encode()).digest()
    a, b = int.from_bytes(digest[:4]) / 2**32, int.from_bytes(digest[4:8]) / 2**32
    return round(south + a * (north - south), 4), round(west + b * (east - west), 4)


def write_demo(districts_by_force: dict[str, set[str]], path: Path | None = None) -> Path:
    """The demo's centroids file: the shipped synthetic rows, and a made-up point for every
    other district the demo's incidents have (never real centroids)."""
    path = path or centroids_path()
    shipped = DEMO_FILE.read_text(encoding="utf-8")
    known = {(force, district) for force in DEMO_BOXES for district in parse(shipped, force)}
    extra = [f"{force},{district},{lat},{lon},synthetic"
             for force, districts in sorted(districts_by_force.items())
             for district in sorted(districts)
             if _DISTRICT.match(district) and (force, district) not in known
             for lat, lon in [made_up(force, district)]]
    body = shipped.rstrip("\n") + "\n" + (
        "# made-up points for the demo's other (random) districts\n" + "\n".join(extra) + "\n"
        if extra else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def map_data(force_code: str, areas: list[dict], threshold: int) -> dict:
    """What the map draws and the table beneath it says: each ranked district (confidential
    places are already out of `areas`: 'withheld' is never ranked), drawn when its centroid
    is loaded and its count is not a small number (`insight_suppress_below`)."""
    loaded = load(force_code)
    points, rows = [], []
    for area in areas:
        count, district = area["da_events"], area["district"]
        small = 0 < count < threshold
        here = loaded.get(district)
        if small:
            placed = f"not drawn: fewer than {threshold}"
        elif here is None:
            placed = "not drawn: no centroid loaded"
        else:
            placed = "drawn"
            points.append({"district": district, "lat": here.lat, "lon": here.lon,
                           "da_events": count})
        rows.append({"district": district,
                     "da_events": f"fewer than {threshold}" if small else count,
                     "placed": placed})
    box = DEMO_BOXES.get(force_code, DEMO_BOXES["WARKS"])
    return {"loaded": bool(loaded), "points": points, "rows": rows, "threshold": threshold,
            "synthetic": any(c.source == "synthetic" for c in loaded.values()),
            "spec": {"points": points, "tile_url": tile_url(),
                     "tile_attribution": getattr(settings, "HAVEN_INSIGHT_TILE_ATTRIBUTION", ""),
                     "synthetic": any(c.source == "synthetic" for c in loaded.values()),
                     "centre": [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]}}
