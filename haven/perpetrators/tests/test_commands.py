"""`haven perpetrators harm-table FILE.csv` and `haven perpetrators rank`."""

import pytest
from django.core.management import CommandError, call_command

from haven.perpetrators import services
from haven.perpetrators.models import Run

pytestmark = pytest.mark.django_db


def test_the_force_loads_its_published_harm_table(forces, tmp_path):
    path = tmp_path / "chi.csv"
    path.write_text("offence,days,source\ncommon_assault,30,CCHI 2020\nstalking,200,CCHI\n")
    call_command("perpetrators", "harm-table", str(path), "--force", "WARKS")
    assert services.harm_days(forces["WARKS"])["common_assault"] == 30
    assert services.harm_days(forces["WMERC"])["common_assault"] == 9  # the default
    shown = {h["offence"]: h for h in services.harm_table(forces["WARKS"])}
    assert shown["stalking"]["days"] == 200 and shown["stalking"]["basis"] == "CCHI"


def test_a_bad_harm_table_is_refused_naming_every_line(forces, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("offence,days\nburglary,3\ncommon_assault,many\n")
    with pytest.raises(CommandError) as error:
        call_command("perpetrators", "harm-table", str(path), "--force", "WARKS")
    assert "line 2: unknown offence 'burglary'" in str(error.value)
    assert "line 3: days must be a whole number" in str(error.value)


def test_rank_now(world):
    call_command("perpetrators", "rank", "--force", "WARKS")
    assert Run.objects.get().serial == 1
