"""The trend chart as a Vega-Lite spec with the rows behind it: the page draws it with the
self-hosted Vega the insight room uses (static insight/charts.mjs, no eval under the strict
CSP) and shows the same rows as a table beneath, with a CSV download."""

from __future__ import annotations

BY = {"handler": "Member of staff", "team": "Team", "question": "Question"}


def columns(by: str) -> list[tuple[str, str]]:
    if by == "question":
        return [("month", "Month"), ("group", BY[by]), ("asked", "Answered yes or no"),
                ("failed", "Answered no"), ("failed_share", "Failed (%)")]
    return [("month", "Month"), ("group", BY[by]), ("audits", "Audits"),
            ("passed", "Passed"), ("mean_score", "Mean score (%)")]


def spec(rows: list[dict], by: str) -> dict:
    measure = "failed_share" if by == "question" else "mean_score"
    title = "Failed (%)" if by == "question" else "Mean score (%)"
    return {
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": "Month"},
            "y": {"field": measure, "type": "quantitative", "title": title,
                  "scale": {"domain": [0, 100]}},
            "color": {"field": "group", "type": "nominal", "title": BY[by],
                      "legend": {"orient": "bottom", "columns": 1}},
        },
        "width": "container", "height": 220,
        "config": {"font": "Arial, sans-serif",
                   "axis": {"labelFontSize": 12, "titleFontSize": 12}},
    }


def table(rows: list[dict], by: str) -> list[list]:
    return [[row.get(key) for key, _h in columns(by)] for row in rows]
