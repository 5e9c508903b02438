"""The profile's map: district centroids loaded as data (refused when malformed), circles
only for districts with a centroid and not a small number, confidential places never
placed, the placeholder when nothing is loaded, and the synthetic demo centroids."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from haven.forces.models import PolicySetting
from haven.insight import centroids, demo, store
from haven.insight.tests.test_export_to_measures import export  # noqa: F401 (fixture)

CSV = """# a comment
force,district,lat,lon,source
WARKS,CV34,52.28,-1.58,
WARKS,CV31,52.29,-1.53,
WMERC,WR1,52.19,-2.22,
,CV35,52.20,-1.60,
"""


def test_centroids_are_read_per_force_and_a_blank_force_is_everyones():
    found = centroids.parse(CSV, "WARKS")
    assert sorted(found) == ["CV31", "CV34", "CV35"]
    assert (found["CV34"].lat, found["CV34"].lon) == (52.28, -1.58)
    assert sorted(centroids.parse(CSV, "WMERC")) == ["CV35", "WR1"]


@pytest.mark.parametrize("row", ["WARKS,CV34,north,-1.5,", "WARKS,CV34,95,-1.5,",
                                 "WARKS,CV34 4AA,52.2,-1.5,", "WARKS,withheld,52.2,-1.5,"])
def test_a_bad_row_is_refused_naming_its_line(row):
    with pytest.raises(ValueError, match="line 2"):
        centroids.parse(f"force,district,lat,lon,source\n{row}\n", "WARKS")


def test_the_map_draws_placed_districts_and_suppresses_small_counts(settings, tmp_path):
    settings.HAVEN_INSIGHT_CENTROIDS = str(tmp_path / "c.csv")
    (tmp_path / "c.csv").write_text(CSV)
    areas = [{"district": "CV34", "da_events": 9}, {"district": "CV31", "da_events": 3},
             {"district": "B50", "da_events": 7}]
    made = centroids.map_data("WARKS", areas, threshold=5)
    assert made["loaded"] and not made["synthetic"]
    assert made["points"] == [{"district": "CV34", "lat": 52.28, "lon": -1.58, "da_events": 9}]
    assert made["rows"] == [
        {"district": "CV34", "da_events": 9, "placed": "drawn"},
        {"district": "CV31", "da_events": "fewer than 5", "placed": "not drawn: fewer than 5"},
        {"district": "B50", "da_events": 7, "placed": "not drawn: no centroid loaded"}]
    assert made["spec"]["tile_url"] == ""  # no tile server unless configured


def test_no_centroids_file_means_no_map(settings, tmp_path):
    settings.HAVEN_INSIGHT_CENTROIDS = str(tmp_path / "none.csv")
    made = centroids.map_data("WARKS", [{"district": "CV34", "da_events": 9}], threshold=5)
    assert not made["loaded"] and made["points"] == []


def test_the_demo_centroids_are_synthetic_and_inside_the_forces_boxes(tmp_path):
    path = centroids.write_demo({"WARKS": {"CV34", "ZZ9"}, "WMERC": {"WR1", "E1"}},
                                tmp_path / "demo.csv")
    text = path.read_text()
    assert text.startswith("# SYNTHETIC demo centroids")
    for force in ("WARKS", "WMERC"):
        found = centroids.parse(text, force)
        south, west, north, east = centroids.DEMO_BOXES[force]
        assert found and all(c.source == "synthetic" for c in found.values())
        assert all(south <= c.lat <= north and west <= c.lon <= east for c in found.values())
    assert "ZZ9" in centroids.parse(text, "WARKS") and "E1" in centroids.parse(text, "WMERC")
    assert centroids.made_up("WARKS", "ZZ9") == centroids.made_up("WARKS", "ZZ9")


@pytest.fixture
def built(forces, export):  # noqa: F811 (the fixture above)
    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    call_command("insight", "refresh", "--no-progress")


def profile(client_as):
    return client_as("analyst").get(reverse("insight:profile", args=["WARKS"])
                                    + "?from=2026-01-01&to=2026-03-31").content.decode()


def test_the_page_says_when_no_centroids_are_loaded(built, client_as, settings, tmp_path):
    settings.HAVEN_INSIGHT_CENTROIDS = str(tmp_path / "none.csv")
    text = profile(client_as)
    assert 'data-testid="no-centroids"' in text and 'id="insight-map"' not in text
    assert "insight/map.mjs" not in text and 'data-testid="map-table"' in text


def test_the_page_draws_the_map_from_loaded_centroids(built, client_as, settings, tmp_path,
                                                     forces):
    settings.HAVEN_INSIGHT_CENTROIDS = str(tmp_path / "c.csv")
    PolicySetting.objects.create(force=forces["WARKS"], key="insight_suppress_below", value=1,
                                 effective_from=dt.date(2020, 1, 1))
    con = store.connect()
    districts = {d for (d,) in con.execute("SELECT DISTINCT district FROM events").fetchall()}
    con.close()
    centroids.write_demo({"WARKS": {d for d in districts if d and d != store.WITHHELD}},
                         tmp_path / "c.csv")
    text = profile(client_as)
    assert 'id="insight-map"' in text and 'id="map-data"' in text
    assert 'data-testid="synthetic-centroids"' in text and "insight/map.mjs" in text
    spec = text.split('id="map-data" type="application/json">')[1].split("</script>")[0]
    drawn = json.loads(spec)["points"]
    assert drawn and {p["district"] for p in drawn} <= districts
    assert "withheld" not in spec  # a confidential place is never placed
    assert "<script>" not in text


def test_the_demo_writes_synthetic_centroids_once_and_never_over_a_forces_own(
        built, settings, tmp_path):
    settings.HAVEN_INSIGHT_CENTROIDS = str(tmp_path / "demo.csv")
    demo.seed(None)
    text = (tmp_path / "demo.csv").read_text()
    assert text.startswith("# SYNTHETIC") and centroids.load("WARKS")
    (tmp_path / "demo.csv").write_text("force,district,lat,lon,source\nWARKS,CV34,52.2,-1.5,\n")
    demo.seed(None)
    assert "SYNTHETIC" not in (tmp_path / "demo.csv").read_text()
