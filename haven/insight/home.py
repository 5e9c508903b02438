"""The insight section of the home page (analysts, senior leaders, senior officers): the
problem profile and the performance measures of the user's own force. No person is shown."""

from __future__ import annotations

from django.urls import reverse

from haven.insight import store
from haven.web.home import register_section


def links(user):
    if user.force_id is None:
        return []
    code = user.force.code
    built = store.refreshed_at()
    meta = (f"figures as of {built:%-d %b %Y %H:%M} UTC" if built
            else "the analytics store has not been built yet")
    return [{"text": "Domestic abuse problem profile",
             "url": reverse("insight:profile", args=[code]), "meta": meta},
            {"text": "Performance measures", "url": reverse("insight:measures", args=[code]),
             "meta": "live, with the inspection's ranges"}]


register_section("Insight: the problem profile", "insight.view", links)
