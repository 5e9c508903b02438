"""Hostile input against the API (issue 18 item 7): schemathesis generates requests from the
OpenAPI schema (`/api/schema/`) and every answer must be no server error, a status the schema
documents, and a body of the documented shape.

N examples per operation and generation mode come from HAVEN_SCHEMATHESIS_EXAMPLES (default
5: a fast run in the suite). The longer run, from the README's testing section:

    HAVEN_SCHEMATHESIS_EXAMPLES=200 .venv/bin/pytest haven/core/tests/test_schemathesis.py -q

Requests go through Django's test client (the same process and test database), signed in as
roles that between them may call every operation, with some real records to find.
"""

from __future__ import annotations

import json
import os

import pytest
import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode

EXAMPLES = int(os.environ.get("HAVEN_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# The roles that between them hold every capability the API asks for.
ROLES = ["call_handler", "sergeant", "hau"]


def _spec() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_only(spec: dict) -> dict:
    """Officers' phones and feeds send JSON; DRF's form parsers reach the same serializers, so
    generated bodies are JSON only (the form encodings would only multiply the run)."""
    for operations in spec["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content")
            if content:
                operation["requestBody"]["content"] = {
                    k: v for k, v in content.items() if k == "application/json"}
    return spec


def _operations():
    schema = schemathesis.openapi.from_dict(_json_only(_spec()))
    return [result.ok() for result in schema.get_all_operations()]


def _as_response(case, django_response, kwargs) -> Response:
    request = requests.Request(method=case.method, url="http://testserver" + case.formatted_path,
                               headers=kwargs.get("headers") or {},
                               params=kwargs.get("params") or {}).prepare()
    headers = {name: [value] for name, value in django_response.headers.items()}
    return Response(status_code=django_response.status_code, headers=headers,
                    content=django_response.content, request=request, elapsed=0.0,
                    verify=False, message=django_response.reason_phrase)


def _call(client, case):
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    method = kwargs["method"].lower()
    path = case.formatted_path
    extra = {}
    if "json" in kwargs:
        extra = {"data": json.dumps(kwargs["json"]), "content_type": "application/json"}
    elif kwargs.get("data") is not None:  # a negative case's raw bytes, as sent
        extra = {"data": kwargs["data"], "content_type": "application/json"}
    params = kwargs.get("params") or {}
    if params and method != "get":
        from urllib.parse import urlencode  # a query string on a POST

        path += "?" + urlencode(params, doseq=True)
        params = {}
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items()
               if k.lower() not in ("content-type", "user-agent", "x-schemathesis-testcaseid",
                                     "authorization")}  # signed in by session instead
    response = getattr(client, method)(path, params or None, headers=headers, **extra) \
        if method == "get" else getattr(client, method)(path, headers=headers, **extra)
    return _as_response(case, response, kwargs)


def test_the_schema_lists_every_api_route():
    paths = set(_spec()["paths"])
    assert {"/api/v1/incidents/", "/api/v1/incidents/{id}/", "/api/v1/risk/assessments/",
            "/api/v1/tasks/", "/api/v1/people/lookup/"} <= paths


@pytest.mark.parametrize("operation", _operations(), ids=lambda op: op.label)
def test_generated_requests_get_documented_answers_and_no_server_error(
        operation, client, persona, make_person, db):
    client.raise_request_exception = False
    for role in ROLES:
        persona(role)
    victim = make_person(forename="Sam", surname="Hostile")
    clients = []
    for role in ROLES:
        from django.test import Client  # one signed-in client per role

        signed_in = Client(raise_request_exception=False)
        signed_in.force_login(persona(role))
        clients.append(signed_in)
    assert victim.pk
    failures = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def positive(case):
        for signed_in in clients:
            response = _call(signed_in, case)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as problem:  # noqa: BLE001 - collected
                failures.append(f"{case.method} {case.formatted_path} "
                                f"{case.query or ''} {case.body!r:.200} -> "
                                f"{response.status_code}: {str(problem)[:500]}")
                return

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def negative(case):
        for signed_in in clients:
            response = _call(signed_in, case)
            try:
                case.validate_response(response, checks=[not_a_server_error,
                                                         status_code_conformance])
            except (Exception, BaseExceptionGroup) as problem:  # noqa: BLE001 - collected
                failures.append(f"(negative) {case.method} {case.formatted_path} "
                                f"{case.query or ''} {case.body!r:.200} -> "
                                f"{response.status_code}: {str(problem)[:500]}")
                return

    positive()
    negative()
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:3])
