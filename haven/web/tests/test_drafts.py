"""Server-side drafts of long forms (issue 8 item 5): scoped to the user, logged without
content, deleted when the form is sent or after the retention policy."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.access.models import AccessLogEntry
from haven.web import drafts
from haven.web.models import Draft

DASH_ANSWERS = {"answer_PD01": ["yes"], "victim_view": ["Synthetic note about fear"]}


def save(client, key="dash", path="/risk/new/?incident=5", fields=None):
    return client.post(reverse("draft"), json.dumps({"key": key, "path": path,
                                                     "fields": fields or DASH_ANSWERS}),
                       content_type="application/json")


def load(client, key="dash", path="/risk/new/?incident=5"):
    return client.get(reverse("draft"), {"key": key, "path": path})


def test_a_draft_is_saved_and_restored_for_the_same_user_form_and_page(client_as):
    client = client_as("response_officer")
    assert save(client).json() == {"saved": True}
    assert load(client).json()["fields"] == DASH_ANSWERS
    # Another incident's DASH is another page: nothing restored there.
    assert load(client, path="/risk/new/?incident=6").status_code == 204
    assert Draft.objects.count() == 1


def test_another_role_or_force_never_sees_the_draft(client, persona):
    """No id to guess: another user's request finds what 'no draft at all' finds (204)."""
    client.force_login(persona("response_officer"))
    save(client)
    for other in (persona("sergeant"), persona("response_officer", "WMERC")):
        client.force_login(other)
        response = load(client)
        assert response.status_code == 204 and response.content == b""
        save(client, fields={"victim_view": ["mine"]})
        client.force_login(persona("response_officer"))
        assert load(client).json()["fields"] == DASH_ANSWERS  # not overwritten


def test_reads_and_writes_are_logged_without_content(client_as):
    client = client_as("response_officer")
    save(client)
    save(client, fields={"victim_view": ["changed"]})
    load(client)
    entries = AccessLogEntry.objects.filter(record_type="form_draft").order_by("id")
    assert [e.action for e in entries] == ["collection", "alteration", "consultation"]
    text = json.dumps([e.detail for e in entries]) + "".join(e.reason for e in entries)
    assert "Synthetic" not in text and "changed" not in text and "yes" not in text
    assert entries[0].detail == {"key": "dash", "path": "/risk/new/?incident=5", "fields": 2}


def test_drafts_older_than_the_policy_are_deleted(client_as, forces):
    from haven.forces.models import PolicySetting

    client = client_as("response_officer")
    save(client)
    Draft.objects.update(updated_at=timezone.now() - dt.timedelta(hours=25))
    assert load(client).status_code == 204
    assert not Draft.objects.exists()
    PolicySetting.objects.create(force=forces["WARKS"], key="draft_retention_hours", value=48,
                                 effective_from=dt.date(2020, 1, 1))
    save(client)
    Draft.objects.update(updated_at=timezone.now() - dt.timedelta(hours=25))
    assert load(client).status_code == 200


def test_a_successful_post_to_the_page_clears_its_draft(client_as, forces, make_person):
    from haven.tasks.services import do_create_task

    task = do_create_task(forces["WARKS"], kind="hau_review", title="Review", owner_role="hau",
                       due_at=timezone.now(), source_room="risk", source_type="assessment",
                       source_id=1, person=make_person())
    client = client_as("hau")
    path = reverse("tasks:detail", args=[task.pk])
    save(client, key="task-outcome", path=path, fields={"note": ["half written"]})
    # A failed submission (no version) keeps the draft.
    client.post(path, {"note": "half written"})
    assert Draft.objects.count() == 1
    response = client.post(path, {"version": task.version, "note": "done"})
    assert response.status_code == 302
    assert not Draft.objects.exists()
    assert AccessLogEntry.objects.filter(record_type="form_draft", action="erasure").exists()


def test_discard_helper_for_owning_views(persona):
    user = persona("response_officer")
    drafts.do_save_draft("dash", "/risk/new/?incident=5", DASH_ANSWERS, actor=user)
    drafts.do_save_draft("call", "/intake/new/", {"caller": ["x"]}, actor=user)
    assert drafts.do_discard_draft("dash", actor=user) == 1
    assert list(Draft.objects.values_list("key", flat=True)) == ["call"]


def test_empty_or_malformed_drafts_are_refused_or_dropped(client_as):
    client = client_as("response_officer")
    save(client)
    assert save(client, fields={"victim_view": [""]}).json() == {"saved": False}
    assert not Draft.objects.exists()  # clearing every field removes the draft
    assert save(client, key="../x").status_code == 400
    assert save(client, path="https://evil.example/").status_code == 400
    assert save(client, fields={"a": [{"nested": 1}]}).status_code == 400
    assert save(client, fields={"a": ["x" * 20_000]}).status_code == 400


@pytest.mark.parametrize("method", ["get", "post"])
def test_drafts_need_a_signed_in_user(client, db, method):
    assert getattr(client, method)(reverse("draft")).status_code == 302


def test_drafts_purge_command_deletes_only_expired_drafts(persona):
    from io import StringIO

    from django.core.management import call_command

    old, fresh = persona("response_officer"), persona("idva")
    drafts.do_save_draft("dash", "/risk/new/", DASH_ANSWERS, actor=old)
    drafts.do_save_draft("dash", "/risk/new/", DASH_ANSWERS, actor=fresh)
    Draft.objects.filter(user=old).update(updated_at=timezone.now() - dt.timedelta(hours=25))
    out = StringIO()
    call_command("drafts", "purge", stdout=out)
    assert "Deleted 1 expired draft(s)" in out.getvalue()
    assert list(Draft.objects.values_list("user", flat=True)) == [fresh.pk]
