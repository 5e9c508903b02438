"""The GOV.UK "Page not found" page, also when DEBUG is on (the demo runs with DEBUG).

With DEBUG, Django answers a 404 with its technical page, which lists every URL pattern of
the site: a map for anyone probing. This middleware replaces any HTML 404 with Haven's own
`404.html` (the same words whether the record is missing or forbidden). Under /api/ every 404
is JSON, also for a path no route matches. Without DEBUG, Django already uses `404.html`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render


class NotFoundPage:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 404 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            # A path no API route matches (`/api/v1/crimes/-5/`) answers like a record that
            # does not exist: JSON, as the schema documents, never the HTML page.
            return JsonResponse({"detail": "Not found."}, status=404)
        if (response.status_code == 404 and settings.DEBUG
                and response.get("Content-Type", "").startswith("text/html")
                and not getattr(response, "haven_not_found", False)):
            response = render(request, "404.html", status=404)
            response.haven_not_found = True
        return response


NUL_MESSAGE = "The request held a NUL character (0x00), which Haven does not accept."


class RefuseNulCharacters:
    """A NUL character anywhere in a query, a form or a JSON body is refused with 400.

    PostgreSQL cannot hold NUL in text or jsonb: without this, any field that reaches the
    database with one (a call summary, a lookup name, a draft) answers 500 there (SQLite
    stores it silently). Checked once here rather than in every form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):

            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        def in_query(data) -> bool:
            return any("\x00" in key or any("\x00" in v for v in data.getlist(key))
                       for key in data)

        if "\x00" in request.path or in_query(request.GET):
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        if request.content_type == "application/json":
            body = request.body
            return b"\x00" in body or b"\\u0000" in body.lower()
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return in_query(request.POST)
        return False


class NoStore:
    """Pages and API answers may carry personal data: no browser or proxy keeps a copy
    (`Cache-Control: no-store`). Static files are served before this (whitenoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        return response
