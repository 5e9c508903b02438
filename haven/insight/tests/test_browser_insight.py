"""In a real browser, from the analyst's home page with no id typed: the problem profile
opens, its charts are drawn under the strict CSP (no console errors) and each has its table;
the same on a phone. Saves the dashboard screenshot in docs/."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from haven.forces.models import PolicySetting
from haven.insight import centroids, jobs, store
from haven.insight.tests.test_export_to_measures import export  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[3] / "docs"


@pytest.fixture
def built(forces, export, settings, tmp_path):  # noqa: F811 (the fixture above)
    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    call_command("insight", "refresh", "--no-progress")
    settings.HAVEN_INSIGHT_CENTROIDS = str(tmp_path / "centroids.csv")
    PolicySetting.objects.create(force=forces["WARKS"], key="insight_suppress_below", value=1,
                                 effective_from=dt.date(2020, 1, 1))
    con = store.connect()
    districts = {d for (d,) in con.execute("SELECT DISTINCT district FROM events "
                                           "WHERE district IS NOT NULL").fetchall()}
    con.close()
    centroids.write_demo({"WARKS": districts - {store.WITHHELD}})


@pytest.mark.parametrize("phone", [False, True])
def test_the_analyst_opens_the_profile_and_sees_a_chart_and_its_table(page_as, built, phone):
    page = page_as("analyst", phone=phone)
    page.click("text=Domestic abuse problem profile")
    page.wait_for_selector("#chart-volume .haven-chart--drawn svg", timeout=20000)
    page.wait_for_selector("#chart-heatmap .haven-chart--drawn svg", timeout=20000)
    page.wait_for_selector("#insight-map.haven-map--drawn path.leaflet-interactive",
                           timeout=20000)
    assert "drawn" in page.inner_text("[data-testid=map-table]")
    table = page.inner_text("[data-testid=table-volume]")
    assert "Month" in table and "2026-01" in table
    assert "60.0% (6 of 10 crimes)" in page.inner_text("[data-testid=headline]")
    assert page.console_errors == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= (390 if phone else 1280) + 1  # nothing wider than the screen
    if not phone:
        page.screenshot(path=str(DOCS / "insight-profile.png"), full_page=True)


def test_the_rebuild_shows_a_progress_bar_that_updates_itself(page_as, built, persona):
    page = page_as("analyst")
    page.click("text=Domestic abuse problem profile")
    page.click("text=Rebuild the analytics store now")
    page.wait_for_selector("#insight-progress progress")
    assert "waiting for the worker" in page.inner_text("#insight-progress")
    jobs.refresh_on_demand.call(persona("analyst").pk)  # the worker picks it up
    page.wait_for_selector("text=The analytics store was rebuilt", timeout=15000)
    assert page.console_errors == []


AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"


def test_the_profile_and_measures_pages_have_no_axe_violations(page_as, built):
    page = page_as("analyst", phone=True, for_axe=True)
    found = {}
    for link in ("Domestic abuse problem profile", "Performance measures"):
        page.goto("/")
        page.click(f"text={link}")
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        found[link] = page.evaluate("""async () => (await axe.run(document,
            {resultTypes: ["violations"]})).violations.map(v => v.id + ": " +
            v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))""")
    assert found == {"Domestic abuse problem profile": [], "Performance measures": []}
