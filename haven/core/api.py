"""API-wide pieces every room's API shares (wired in haven/settings.py and haven/urls.py).

- `Pagination`: `?limit=` and `?offset=` must be whole numbers a database can hold; anything
  else (letters, negative, past 64 bits) is a 400 naming the parameter, never a 500.
  `limit` is capped at `MAX_LIMIT`.
- `Router`: the API has one format (JSON), so no `.json` format-suffix routes: a suffix is a
  plain 404 instead of every view being called with a `format` argument it does not take.
  Every viewset it registers documents its error answers in the OpenAPI schema
  (`haven.core.api_schema`), reads JSON with `ObjectJSONParser` and honours an
  `Idempotency-Key` header on POST (`haven.core.idempotency`).
- `ObjectJSONParser`: a JSON body must be an object; `null`, a list, a string or a number
  is a 400 saying so, never an AttributeError in a view that calls `request.data.get`.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.routers import DefaultRouter

# The largest value a signed 64-bit column (PostgreSQL bigint, SQLite INTEGER) holds.
DB_INT_MAX = 2**63 - 1


def whole_number(value: str, name: str, *, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({name: [f"{name} must be a whole number"]}) from None
    if number < minimum or number > DB_INT_MAX:
        raise ValidationError({name: [f"{name} must be between {minimum} and {DB_INT_MAX}"]})
    return number


class Pagination(LimitOffsetPagination):
    max_limit = 500

    def get_limit(self, request):
        value = request.query_params.get(self.limit_query_param)
        if value is None:
            return self.default_limit
        return min(whole_number(value, self.limit_query_param, minimum=1), self.max_limit)

    def get_offset(self, request):
        value = request.query_params.get(self.offset_query_param)
        if value is None:
            return 0
        return whole_number(value, self.offset_query_param, minimum=0)


class ObjectJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError("The body must be a JSON object: {\"field\": value, ...}.")
        return data


class Router(DefaultRouter):
    include_format_suffixes = False

    def register(self, prefix, viewset, basename=None):
        # drf-spectacular imports DRF's generics, which import this module's Pagination.
        from haven.core.api_schema import ErrorsDocumented
        from haven.core.idempotency import IdempotentSubmissions  # the same reason

        if "schema" not in viewset.__dict__:  # a viewset's own schema class wins
            viewset.schema = ErrorsDocumented()
        if "parser_classes" not in viewset.__dict__:
            viewset.parser_classes = [ObjectJSONParser if parser is JSONParser else parser
                                      for parser in viewset.parser_classes]
        if not issubclass(viewset, IdempotentSubmissions):
            viewset = type(viewset.__name__, (IdempotentSubmissions, viewset),
                           {"__module__": viewset.__module__, "__doc__": viewset.__doc__})
        super().register(prefix, viewset, basename)


def db_int(value) -> int | None:
    """A path or query id as an int a database can look up, or None (then: not found)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -DB_INT_MAX - 1 <= number <= DB_INT_MAX else None
