"""The profile's charts as Vega-Lite specs (Altair), each with the rows behind it: the page
draws the spec (self-hosted Vega, no eval) and shows the same rows as a table beneath with a
CSV download; the PDF renders the spec to an image (vl-convert)."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

WIDTH = "container"


@dataclass
class Chart:
    name: str
    title: str
    description: str
    columns: list[tuple[str, str]]  # (key, heading)
    rows: list[dict]
    spec: dict

    def table(self) -> list[list]:
        return [[row.get(key) for key, _heading in self.columns] for row in self.rows]


def _spec(chart: alt.Chart, *, width=WIDTH, height=220) -> dict:
    spec = chart.properties(width=width, height=height).to_dict()
    spec.pop("$schema", None)
    spec["config"] = {"font": "Arial, sans-serif", "axis": {"labelFontSize": 12,
                                                            "titleFontSize": 12}}
    return spec


def _frame(rows, columns):
    return pd.DataFrame(rows, columns=[key for key, _h in columns])


def _suppress_area(row: dict, threshold: int) -> dict:
    """A ranked district with its small counts (1 to threshold - 1) shown as "fewer than N"."""
    def shown(count):
        return f"fewer than {threshold}" if count and 0 < count < threshold else count
    return {**row, "da_events": shown(row["da_events"]), "victims": shown(row["victims"])}


def charts(profile: dict) -> list[Chart]:
    made = []
    volume = profile["volume"]["monthly"]
    cols = [("month", "Month"), ("da_events", "DA incidents"), ("events", "All incidents")]
    made.append(Chart(
        "volume", "Domestic abuse incidents by month",
        "Real incidents (each counted once across systems) by month.", cols, volume,
        _spec(alt.Chart(_frame(volume, cols)).mark_bar(color="#1d70b8").encode(
            x=alt.X("month:O", title="Month"), y=alt.Y("da_events:Q", title="DA incidents")))))
    heat = profile["time"]["heatmap"]
    cols = [("day", "Day"), ("hour", "Hour"), ("da_events", "DA incidents")]
    order = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    made.append(Chart(
        "heatmap", "When: day of the week and hour of the day",
        "DA incidents by the day of the week and the hour they happened.", cols, heat,
        _spec(alt.Chart(_frame(heat, cols)).mark_rect().encode(
            x=alt.X("hour:O", title="Hour of day"),
            y=alt.Y("day:O", title=None, sort=order),
            color=alt.Color("da_events:Q", title="DA incidents",
                            scale=alt.Scale(scheme="blues"))), height=200)))
    months = profile["time"]["by_month"]
    cols = [("name", "Month"), ("per_day", "DA incidents a day"), ("days", "Days")]
    rows = [{**m, "per_day": round(m["per_day"], 2)} for m in months]
    made.append(Chart(
        "seasonality", "Seasonality: incidents a day in each month",
        "Mean DA incidents a day in each calendar month of the period.", cols, rows,
        _spec(alt.Chart(_frame(rows, cols)).mark_line(point=True, color="#1d70b8").encode(
            x=alt.X("name:O", title="Month", sort=[m["name"] for m in rows]),
            y=alt.Y("per_day:Q", title="DA incidents a day")))))
    # small numbers (`insight_suppress_below`, as the map and what works): a district with
    # fewer DA incidents is not drawn, and in the table its incidents (and a small number of
    # victims anywhere) read "fewer than N"
    threshold = profile.get("suppress_below", 0)
    areas = [_suppress_area(a, threshold) for a in profile["places"]["areas"][:15]]
    drawn = [a for a in areas if isinstance(a["da_events"], int)]
    cols = [("rank", "Rank"), ("district", "Postcode district"), ("da_events", "DA incidents"),
            ("victims", "Victims")]
    made.append(Chart(
        "areas", "Where: postcode districts ranked",
        "Postcode districts by DA incidents (confidential addresses are never placed; "
        f"a district with fewer than {threshold} is not drawn)." if threshold > 1 else
        "Postcode districts by DA incidents (confidential addresses are never placed).",
        cols, areas,
        # nothing to draw when every district is small: no empty chart (screen readers
        # would meet an unlabelled, empty graphic), the table says the rest
        _spec(alt.Chart(_frame(drawn, cols)).mark_bar(color="#1d70b8").encode(
            y=alt.Y("district:N", title="Postcode district", sort="-x"),
            x=alt.X("da_events:Q", title="DA incidents")), height=max(80, 18 * len(drawn)))
        if drawn else {}))
    victims = profile["victims"]["age_sex"]
    cols = [("age_band", "Age"), ("sex", "Sex"), ("victims", "Victims")]
    made.append(Chart(
        "victims", "Victims by age and sex",
        "People who were the victim in a DA incident in the period, by age then and sex.",
        cols, victims,
        _spec(alt.Chart(_frame(victims, cols)).mark_bar().encode(
            x=alt.X("age_band:O", title="Age"), y=alt.Y("victims:Q", title="Victims"),
            color=alt.Color("sex:N", title="Sex")))))
    return made
