"""One narrowing for every room's insight extract (`haven/<room>/extracts.py`): the rows of
the forces asked for, dated inside the period asked for."""

from __future__ import annotations


def narrowed(rows, force_ids, since, until, *, dated: str, force: str = "force_id"):
    """`rows` of `force_ids` (None: every force) with `dated` in [since, until) (None: open
    at that end). `force` names the force field when it sits on a related row."""
    if force_ids is not None:
        rows = rows.filter(**{f"{force}__in": list(force_ids)})
    if since is not None:
        rows = rows.filter(**{f"{dated}__gte": since})
    if until is not None:
        rows = rows.filter(**{f"{dated}__lt": until})
    return rows
