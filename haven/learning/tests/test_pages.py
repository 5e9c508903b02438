"""The learning pages: each renders for its roles; the wrong role and the other force get
404 (the same as a missing record)."""

import datetime as dt

import pytest
from django.urls import reverse

from haven.learning import services
from haven.learning.models import Acknowledgement, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff):
    trainer = staff["trainer"]
    review = services.do_record_review(trainer.force, kind="dhr", title="DHR: Adult C",
                                       published_on=dt.date.today(), summary="Synthetic.",
                                       actor=trainer)
    rec = services.do_add_recommendation(review, text="Do X.", owner="Head of Y",
                                         due_on=dt.date.today(), actor=trainer)
    lesson = services.do_publish_lesson(trainer.force, review=review, title="Lesson C",
                                        text="Ask.", roles=["call_handler"], actor=trainer)
    return {**staff, "review": review, "rec": rec, "lesson": lesson}


def pages(w):
    return [
        ("learning:index", [], "get", "training.view"),
        ("learning:staff", [w["handler"].pk], "get", "training.view"),
        ("learning:complete", [w["handler"].pk], "post", "training.record"),
        ("learning:team", [w["handler"].pk], "post", "training.record"),
        ("learning:plan", [], "get", "training.view"),
        ("learning:adopt", [], "post", "training.plan"),
        ("learning:import", [], "get", "training.record"),
        ("learning:review", [w["review"].pk], "get", "lesson.publish"),
        ("learning:reviews", [], "get", "lesson.publish"),
        ("learning:add_recommendation", [w["review"].pk], "post", "lesson.publish"),
        ("learning:publish_lesson", [w["review"].pk], "post", "lesson.publish"),
        ("learning:update_recommendation", [w["rec"].pk], "post", "recommendation.update"),
    ]


@pytest.mark.parametrize("role", ["call_handler", "analyst", "idva"])
def test_the_wrong_role_gets_404(world, client_as, role):
    client = client_as(role)
    for name, args, method, _cap in pages(world):
        assert getattr(client, method)(reverse(name, args=args)).status_code == 404, name


def test_the_other_forces_trainer_and_leader_get_404_for_this_forces_records(world, client_as):
    for role in ("trainer", "senior_leader"):
        client = client_as(role, "WMERC")
        for name, args, method, _cap in pages(world):
            if args:
                assert getattr(client, method)(reverse(name, args=args)).status_code == 404, name
        lesson = world["lesson"].pk
        assert client.get(reverse("learning:lesson", args=[lesson])).status_code == 404
        assert client.post(reverse("learning:acknowledge", args=[lesson])).status_code == 404
    handler = client_as("call_handler", "WMERC")
    assert handler.post(reverse("learning:acknowledge",
                                args=[world["lesson"].pk])).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_a_partner_cannot_read_lessons(world, client_as):
    client = client_as("idva")
    assert client.get(reverse("learning:lessons")).status_code == 404
    assert client.get(reverse("learning:lesson", args=[world["lesson"].pk])).status_code == 404


def test_the_trainer_sees_the_analysis_the_plan_and_a_record(world, client_as, audit_finds):
    audit_finds(world["handler"], "stalking")
    client = client_as("trainer")
    page = client.get(reverse("learning:index")).content.decode()
    assert "Found by audit" in page and "Stalking and harassment" in page
    assert "Adopt this plan" in page
    assert client.post(reverse("learning:adopt")).status_code == 302
    page = client.get(reverse("learning:plan")).content.decode()
    assert "Failed the stalking questions" in page
    page = client.get(reverse("learning:staff", args=[world["handler"].pk])).content.decode()
    assert "Record a completion" in page
    response = client.post(reverse("learning:complete", args=[world["handler"].pk]),
                           {"module": "stalking", "completed_on": "2099-01-01"})
    assert response.status_code == 400 and b"cannot be in the future" in response.content


def test_the_senior_leader_reads_but_does_not_plan(world, client_as):
    client = client_as("senior_leader")
    page = client.get(reverse("learning:index")).content.decode()
    assert "Adopt this plan" not in page
    assert client.get(reverse("learning:import")).status_code == 404


def test_the_trainer_uploads_a_csv_and_sees_each_row(world, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("trainer")
    upload = SimpleUploadedFile("lms.csv", b"username,module_code,completed_on\r\n"
                                b"call_handler.warks,dash,2026-01-15\r\n"
                                b"call_handler.warks,dash,yesterday\r\n")
    page = client.post(reverse("learning:import"), {"file": upload}).content.decode()
    assert "2 rows: 1 stored, 0 already recorded, 1 rejected." in page
    assert "row 3, column completed_on" in page
    assert client.post(reverse("learning:import"), {}).status_code == 400


def test_the_panel_updates_a_recommendation_and_a_stale_form_is_refused(world, client_as):
    client = client_as("senior_leader")
    rec = world["rec"]
    url = reverse("learning:update_recommendation", args=[rec.pk])
    form = {"version": rec.version, "status": "in_progress", "note": "Panel: started."}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "status": "implemented"}, follow=True)
    assert b"reload and try again" in response.content
    assert Recommendation.objects.get(pk=rec.pk).status == "in_progress"


def test_a_member_of_staff_acknowledges_from_the_lesson_page(world, client_as):
    client = client_as("call_handler")
    home = client.get("/").content.decode()
    assert "Read: Lesson C" in home
    url = reverse("learning:lesson", args=[world["lesson"].pk])
    assert "I have read and understood" in client.get(url).content.decode()
    client.post(reverse("learning:acknowledge", args=[world["lesson"].pk]))
    assert "Read: Lesson C" not in client.get("/").content.decode()
    assert client.get(reverse("learning:lessons")).status_code == 200


def test_the_panel_sees_recommendations_not_yet_implemented(world, client_as):
    page = client_as("senior_leader").get(reverse("learning:lessons")).content.decode()
    assert "Recommendations not yet implemented" in page and "Do X." in page
    page = client_as("call_handler").get(reverse("learning:lessons")).content.decode()
    assert "Do X." not in page and "Lesson C" in page
