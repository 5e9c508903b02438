"""Optimistic concurrency: a change names the version it read; a stale one is refused.

Concurrent edits must never silently overwrite each other (two sergeants regrading the
same assessment, two handlers closing one log). Every model that users edit carries an
integer `version`; `update_if_unchanged` is the one place that turns that into
`UPDATE … SET version = v + 1 … WHERE pk = … AND version = v`.
"""


class StaleEdit(Exception):
    """Someone else changed the record since it was read; reload and try again."""


class MissingVersion(StaleEdit, ValueError):
    """The edit named no version (a hand-made or truncated form): refused like a stale edit.

    A ValueError too, for callers that already answer a missing version themselves."""


def _version(version) -> int:
    try:
        return int(version)
    except (TypeError, ValueError):
        raise MissingVersion("The form was missing its version number. Reload the page "
                             "and try again.") from None


def update_if_unchanged(instance, version: int, message: str, **fields) -> None:
    """Write `fields` only if the row still has `version`; else raise StaleEdit(message).

    On success the instance carries the new values and version, so callers need no reload.
    """
    current = _version(version)
    updated = type(instance).objects.filter(pk=instance.pk, version=current).update(
        version=current + 1, **fields
    )
    if not updated:
        raise StaleEdit(message)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.version = current + 1


def refuse_if_changed(instance, version: int, message: str) -> None:
    """Refuse early (before validating the rest of a form) when the row has moved on since
    `version` was read; the write itself still goes through `update_if_unchanged`."""
    if not type(instance).objects.filter(pk=instance.pk, version=_version(version)).exists():
        raise StaleEdit(message)
