"""Server-side drafts of long forms (issue 8 item 5).

Any `<form data-haven-draft="KEY">` is autosaved by haven/static/haven/drafts.mjs to
`/account/drafts/` (per user + KEY + page path) and restored into empty fields when the page
loads again, e.g. after an idle sign-out. Drafts are deleted when the form is sent (views may
call `do_discard_draft(key, actor=user)`; `DraftClearingMiddleware` also clears them on the
page's next successful POST) and after the `draft_retention_hours` policy. Reads and writes are
access-logged with ids only: never the content.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from haven.access.log import Action, record_access
from haven.core.actions import action, unchanged
from haven.forces.policy import policy
from haven.web.models import Draft

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")
MAX_FIELDS = 400
MAX_VALUE_CHARS = 10_000
# Never kept: the CSRF token, version numbers and the like are the page's, not the user's.
SKIPPED = {"csrfmiddlewaretoken", "version", "next"}


class BadDraft(ValueError):
    pass


def _retention_cutoff(user):
    force = getattr(user, "force", None)
    if force is None and getattr(user, "agency", None) is not None:
        force = user.agency.force
    return timezone.now() - dt.timedelta(hours=policy(force, "draft_retention_hours"))


def purge_expired(user=None) -> int:
    """Delete drafts past the retention policy (for one user, or everyone's)."""
    if user is not None:
        return Draft.objects.filter(user=user, updated_at__lt=_retention_cutoff(user)).delete()[0]
    removed = 0
    for draft in Draft.objects.select_related("user__force", "user__agency__force"):
        if draft.updated_at < _retention_cutoff(draft.user):
            draft.delete()
            removed += 1
    return removed


def clean_fields(fields) -> dict[str, list[str]]:
    """{name: [values]} with strings only; refuses anything oversized."""
    if not isinstance(fields, dict) or len(fields) > MAX_FIELDS:
        raise BadDraft("fields must be an object of at most 400 names")
    cleaned = {}
    for name, values in fields.items():
        if not isinstance(name, str) or len(name) > 200 or name in SKIPPED:
            continue
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadDraft("each field holds a list of strings")
        if "\x00" in name or any("\x00" in v for v in values):
            raise BadDraft("a field holds a NUL character")  # PostgreSQL cannot store it
        if sum(len(v) for v in values) > MAX_VALUE_CHARS:
            raise BadDraft("a field is too long")
        cleaned[name] = values
    return cleaned


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise BadDraft("bad draft key")
    return key


def check_path(path: str) -> str:
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//") \
            or len(path) > 500 or "\x00" in path:
        raise BadDraft("bad page path")
    return path


@action("form.draft", record_type="form_draft")
def do_save_draft(key: str, path: str, fields, *, actor) -> Draft | None:
    user = actor
    key, path, fields = check_key(key), check_path(path), clean_fields(fields)
    with transaction.atomic():
        purge_expired(user)
        if not any(any(v.strip() for v in values) for values in fields.values()):
            do_discard_draft(key, path=path, actor=actor)
            unchanged()  # an empty form: nothing kept (the discard logged any erasure)
            return None
        draft, created = Draft.objects.update_or_create(
            user=user, key=key, path=path, defaults={"fields": fields})
        record_access(user, Action.COLLECTION if created else Action.ALTERATION,
                      record_type="form_draft", record_id=draft.pk,
                      detail={"key": key, "path": path, "fields": len(fields)})
    return draft


def load(user, key: str, path: str) -> dict | None:
    key, path = check_key(key), check_path(path)
    with transaction.atomic():
        purge_expired(user)
        draft = Draft.objects.filter(user=user, key=key, path=path).first()
        if draft is None:
            return None
        record_access(user, Action.CONSULTATION, record_type="form_draft", record_id=draft.pk,
                      detail={"key": key, "path": path, "fields": len(draft.fields)})
    return draft.fields


@action("form.draft", record_type="form_draft")
def do_discard_draft(key: str | None = None, *, path: str | None = None, actor) -> int:
    """Delete the user's drafts for a form (by key, page path, or both) once it was sent."""
    user = actor
    drafts = Draft.objects.filter(user=user)
    if key is not None:
        drafts = drafts.filter(key=key)
    if path is not None:
        drafts = drafts.filter(path=path)
    with transaction.atomic():
        ids = list(drafts.values_list("pk", flat=True))
        if not ids:
            unchanged()
            return 0
        Draft.objects.filter(pk__in=ids).delete()
        record_access(user, Action.ERASURE, record_type="form_draft",
                      record_id=ids[0] if len(ids) == 1 else "",
                      detail={"draft_ids": ids, "change": "form sent"})
    return len(ids)


class DraftClearingMiddleware:
    """A successful POST (answered with a redirect) clears drafts saved for that page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method == "POST"
            and response.status_code in (301, 302, 303)
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(("/account/", "/api/"))
        ):
            drafts = Draft.objects.filter(user=user, path__in={request.get_full_path(),
                                                                request.path})
            if drafts.exists():
                do_discard_draft(path=request.get_full_path(), actor=user)
                do_discard_draft(path=request.path, actor=user)
        return response
