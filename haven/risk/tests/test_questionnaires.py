"""Questionnaires as versioned data: `haven questionnaire load` rewords, never recodes."""

import json

import pytest
from django.core.management import CommandError, call_command

from haven.risk.models import Question, QuestionnaireVersion
from haven.risk.questionnaires import DASH, DATA_DIR, current_version

pytestmark = pytest.mark.django_db


def licensed_file(tmp_path, transform=None):
    data = json.loads((DATA_DIR / "dash-2009-police.json").read_text())
    data["wording_source"] = "Force's licensed wording"
    for q in data["questions"]:
        q["label"] = f"Licensed wording for {q['code']}"
        q.pop("indicator", None)
    if transform:
        transform(data)
    path = tmp_path / "licensed.json"
    path.write_text(json.dumps(data))
    return path


def test_defaults_are_installed_with_our_own_short_labels():
    counts = {v.instrument: v.questions.count() for v in QuestionnaireVersion.objects.all()}
    assert counts == {"dash-2009-police": 27, "stalking-screen-2009": 11, "hba-screen": 10}
    assert Question.objects.get(version__instrument="hba-screen", code="HB04").label.startswith(
        "Placeholder")


def test_load_replaces_labels_in_a_new_version_and_old_assessments_keep_theirs(
        tmp_path, complete_dash, client_as, forces):
    old = complete_dash(yes=1)
    call_command("questionnaire", "load", str(licensed_file(tmp_path)), "--force", "WARKS")
    new_version = current_version(DASH, forces["WARKS"])
    assert new_version.number == 2 and new_version.force == forces["WARKS"]
    assert set(new_version.questions.values_list("code", flat=True)) == {
        f"PD{n:02d}" for n in range(1, 28)}
    # indicators carry over from the version it rewords
    assert new_version.questions.get(code="PD18").indicator == "strangulation"
    newer = complete_dash(yes=1)
    assert (old.questionnaire.number, newer.questionnaire.number) == (1, 2)
    client = client_as("sergeant")
    assert b"Injured in this incident" in client.get(f"/risk/{old.pk}/").content
    page = client.get(f"/risk/{newer.pk}/").content
    assert b"Licensed wording for PD01" in page and b"Injured in this incident" not in page
    # the other force still uses Haven's labels
    assert current_version(DASH, forces["WMERC"]).number == 1


@pytest.mark.parametrize("transform, names", [
    (lambda d: d["questions"].append({"code": "PD28", "section": "x", "order": 28,
                                      "label": "new"}), "adds PD28"),
    (lambda d: d["questions"].pop(), "removes PD27"),
    (lambda d: d["questions"][0].update(code="PDX1"), "adds PDX1 and removes PD01"),
])
def test_load_refuses_added_removed_or_renamed_codes(tmp_path, transform, names):
    with pytest.raises(CommandError, match=names):
        call_command("questionnaire", "load", str(licensed_file(tmp_path, transform)))
    assert QuestionnaireVersion.objects.filter(instrument=DASH).count() == 1


def test_load_names_a_missing_field_and_an_unknown_force(tmp_path):
    path = licensed_file(tmp_path, lambda d: d["questions"][3].pop("label"))
    with pytest.raises(CommandError, match="Question 4 has no 'label'"):
        call_command("questionnaire", "load", str(path))
    with pytest.raises(CommandError, match="No force with code 'NOPE'"):
        call_command("questionnaire", "load", str(licensed_file(tmp_path)), "--force", "NOPE")
