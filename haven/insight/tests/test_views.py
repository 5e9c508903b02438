"""The insight pages: own force only, the right roles only, charts with tables and CSVs, the
PDF, the performance measures, and the logged drill-down from a pseudonym."""

import io
import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from haven.access.models import AccessLogEntry
from haven.insight import jobs
from haven.insight.tests.test_export_to_measures import export  # noqa: F401 (fixture)

PERIOD = "?from=2026-01-01&to=2026-03-31"
PAGES = [("insight:profile", {}), ("insight:measures", {}),
         ("insight:chart_csv", {"name": "volume"}), ("insight:profile_pdf", {})]


@pytest.fixture
def built(forces, export):  # noqa: F811 (the fixture above)
    call_command("ingest", str(export), "--force", "WARKS", "--source", "crime",
                 "--no-progress")
    call_command("insight", "refresh", "--no-progress")


def url(route, force="WARKS", **kwargs):
    return reverse(route, kwargs={"force_code": force, **kwargs}) + PERIOD


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_wrong_role_and_other_force_get_404(client_as, forces, name, kwargs):
    assert client_as("call_handler").get(url(name, **kwargs)).status_code == 404
    assert client_as("analyst", "WMERC").get(url(name, **kwargs)).status_code == 404
    assert client_as("idva").get(url(name, **kwargs)).status_code == 404


def test_before_the_store_is_built_the_page_says_so(client_as, forces):
    page = client_as("analyst").get(url("insight:profile"))
    assert page.status_code == 200
    assert "has not been built yet" in page.content.decode()


def test_the_analyst_sees_the_profile_with_each_chart_and_its_table(client_as, built):
    page = client_as("analyst").get(url("insight:profile"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "57.1%" in text  # DA share of calls 4/7
    assert "60.0%" in text  # DA share of crime 6/10
    for name in ("volume", "heatmap", "seasonality", "areas", "victims"):
        assert f'data-testid="table-{name}"' in text
        # every district here is below the suppression threshold: no empty chart is drawn
        assert (f'id="spec-{name}"' in text) == (name != "areas")
        assert reverse("insight:chart_csv", args=["WARKS", name]) in text
    spec = json.loads(text.split('id="spec-volume" type="application/json">')[1]
                      .split("</script>")[0])
    assert spec["mark"]["type"] == "bar"
    assert "<script>" not in text  # no inline script (strict CSP)
    assert "Amy" not in text and "Hill" not in text  # pseudonymised: no names
    assert AccessLogEntry.objects.filter(record_type="insight_profile").exists()


def test_the_period_may_be_typed_day_first_and_a_bad_date_is_named(client_as, built):
    client = client_as("analyst")
    typed = client.get(reverse("insight:profile", args=["WARKS"])
                       + "?from=01/01/2026&to=31.3.2026").content.decode()
    assert "57.1%" in typed  # the same period as 2026-01-01 to 2026-03-31
    assert 'value="01/01/2026"' in typed and 'value="31/03/2026"' in typed
    assert "There is a problem" not in typed
    bad = client.get(reverse("insight:profile", args=["WARKS"]) + "?from=31/02/2026")
    assert "Enter the &#x27;from&#x27; date as day, month and 4-digit year" in (
        bad.content.decode())


def test_a_chart_downloads_as_csv(client_as, built):
    response = client_as("analyst").get(url("insight:chart_csv", name="volume"))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "Month,DA incidents,All incidents"
    assert "2026-01,2,2" in lines  # I1, I2: both DA calls in January


def test_the_pdf_renders_with_its_charts_as_images(client_as, built):
    response = client_as("senior_leader").get(url("insight:profile_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in ("Domestic abuse problem profile", "Volume and shares", "Victims",
                    "Offenders", "Places", "Time", "Charts"):
        assert heading in text
    assert "Amy" not in text and "High Street" not in text
    images = [image for page in reader.pages for image in page.images]
    assert len(images) >= 5  # one per chart
    for image in images[:5]:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        low, high = picture.getextrema()
        assert picture.width > 300 and high - low > 50  # drawn, not blank



def test_the_pdf_pages_rasterise_with_something_drawn_on_each(client_as, built):
    """Every page as the reader sees it: rendered to an image by poppler's pdftoppm
    (installed by scripts/setup), none blank, the chart pages with plenty of ink."""
    response = client_as("senior_leader").get(url("insight:profile_pdf"))
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "profile.pdf"
        pdf.write_bytes(response.content)
        subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", str(pdf),
                        str(Path(folder) / "page")], check=True, timeout=120)
        pages = sorted(Path(folder).glob("page*.png"))
        assert len(pages) == len(PdfReader(io.BytesIO(response.content)).pages) >= 2
        inked = []
        for path in pages:
            picture = Image.open(path).convert("L")
            low, high = picture.getextrema()
            assert high - low > 100, f"{path.name} is blank"
            dark = sum(picture.histogram()[:200])  # pixels that are not near-white
            inked.append(dark / (picture.width * picture.height))
        # Measured at 40 dpi: pages of text 6-12 % ink, the page of charts about 20 %.
        assert max(inked) > 0.15  # a page of charts, not only lines of text


def test_the_measures_page_shows_the_inspection_range(client_as, built):
    page = client_as("superintendent").get(url("insight:measures"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Arrests per 100 DA crimes" in text and "most forces 45–90" in text
    assert "50.0" in text  # 3 of 6 DA crimes


def test_only_a_role_with_need_may_open_a_person_from_a_pseudonym(client_as, built):
    page = client_as("darm").get(url("insight:profile")).content.decode()
    link = page.split('data-testid="top-repeat"')[1].split('href="')[1].split('"')[0]
    response = client_as("darm").get(link)
    assert response.status_code == 302 and "/people/" in response["Location"]
    assert AccessLogEntry.objects.filter(record_type="person",
                                         reason__startswith="insight:").exists()
    # the analyst sees the pseudonym but no link, and the address itself is refused
    analyst = client_as("analyst")
    assert 'data-testid="top-repeat"' in analyst.get(url("insight:profile")).content.decode()
    assert analyst.get(link).status_code == 404
    assert client_as("darm", "WMERC").get(link).status_code == 404
    assert client_as("darm").get(reverse(
        "insight:drill_down", args=["WARKS", "0" * 24])).status_code == 404


def test_refresh_from_the_page_is_for_analysts(client_as, persona, forces):
    target = reverse("insight:refresh", args=["WARKS"])
    assert client_as("senior_leader").post(target).status_code == 404
    assert client_as("analyst").post(target).status_code == 302
    page = client_as("analyst").get(url("insight:profile")).content.decode()
    assert "has not been built" in page and "waiting for the worker" in page  # queued
    jobs.refresh_on_demand.call(persona("analyst").pk)  # the worker runs it
    assert "has not been built" not in client_as("analyst").get(
        url("insight:profile")).content.decode()
