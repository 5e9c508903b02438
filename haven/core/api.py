"""API-wide pieces every room's API shares (wired in haven/settings.py and haven/urls.py).

- `Pagination`: `?limit=` and `?offset=` must be whole numbers a database can hold; anything
  else (letters, negative, past 64 bits) is a 400 naming the parameter, never a 500.
  `limit` is capped at `MAX_LIMIT`.
- `Router`: the API has one format (JSON), so no `.json` format-suffix routes: a suffix is a
  plain 404 instead of every view being called with a `format` argument it does not take.
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
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


class Router(DefaultRouter):
    include_format_suffixes = False


def db_int(value) -> int | None:
    """A path or query id as an int a database can look up, or None (then: not found)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -DB_INT_MAX - 1 <= number <= DB_INT_MAX else None
