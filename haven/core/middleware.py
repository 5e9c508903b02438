"""The GOV.UK "Page not found" page, also when DEBUG is on (the demo runs with DEBUG).

With DEBUG, Django answers a 404 with its technical page, which lists every URL pattern of
the site: a map for anyone probing. This middleware replaces any HTML 404 with Haven's own
`404.html` (the same words whether the record is missing or forbidden). JSON 404s from the
API are left as they are. Without DEBUG, Django already uses `404.html`.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


class NotFoundPage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 404 and settings.DEBUG
                and response.get("Content-Type", "").startswith("text/html")
                and not getattr(response, "haven_not_found", False)):
            response = render(request, "404.html", status=404)
            response.haven_not_found = True
        return response
