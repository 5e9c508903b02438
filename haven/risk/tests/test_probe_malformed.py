"""Helper R's probe: malformed versions on the risk reviews and tasks answer 4xx, not 500."""

import pytest

BAD = ["abc", "99999999999999999999999", "²", "-1", ""]


@pytest.mark.parametrize("version", BAD)
def test_a_sergeant_review_with_a_malformed_version_is_refused(client_as, complete_dash,
                                                               version):
    a = complete_dash(yes=3, grade="standard")
    response = client_as("sergeant").post(f"/risk/{a.pk}/sergeant/", {
        "version": version, "grade": "standard", "rationale": "ok", "guidance": "ok"})
    assert response.status_code == 400
    before = a.status
    a.refresh_from_db()
    assert a.status == before


@pytest.mark.parametrize("version", BAD)
def test_a_task_completed_with_a_malformed_version_is_refused(client_as, forces, version):
    from django.utils import timezone

    from haven.tasks.services import do_create_task
    task = do_create_task(forces["WARKS"], kind="check", title="Check on the victim",
                       owner_role="sergeant", due_at=timezone.now(), source_room="risk",
                       source_type="probe", source_id=1)
    response = client_as("sergeant").post(f"/tasks/{task.pk}/", {"version": version,
                                                                  "note": "done"})
    assert response.status_code < 500
    task.refresh_from_db()
    assert task.done_at is None
