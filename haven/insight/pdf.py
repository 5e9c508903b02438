"""The problem profile as a PDF (WeasyPrint), with the page's charts rendered to images by
vl-convert. Nothing in it names a person or an address: the profile holds pseudonymous
counts and postcode districts only (the repeat-victim pseudonyms are left out of the PDF)."""

from __future__ import annotations

import base64
import json

from django.template.loader import render_to_string
from django.utils import timezone

from haven.insight import charts

VEGA_LITE = "6.4"


def chart_image(spec: dict, width: int = 620) -> str:
    """A chart as a PNG data: URI (vl-convert runs Vega in-process; no browser, no network)."""
    import vl_convert  # heavy: loaded when a PDF is made, not at start-up

    fixed = {**spec, "width": width}
    png = vl_convert.vegalite_to_png(json.dumps(fixed), vl_version=VEGA_LITE, scale=1.5)
    return "data:image/png;base64," + base64.b64encode(png).decode()


def profile_pdf(profile: dict) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a PDF is made, not at start-up

    made = [{"chart": c, "image": chart_image(c.spec) if c.spec else None}
            for c in charts.charts(profile)]
    html = render_to_string("insight/profile_pdf.html", {
        "p": profile, "charts": made, "made_at": timezone.localtime()})
    return HTML(string=html).write_pdf()
