"""Legacy marac.csv rows become referrals in this room, and the call-time history reads them
from here (people no longer keeps them)."""

import pytest

from haven.marac.models import Referral
from haven.people.history import history_summary
from haven.people.ingest import ingest_export
from haven.people.models import LegacyRecord
from haven.people.tests.export_files import write_export

pytestmark = pytest.mark.django_db


def test_marac_csv_is_ingested_as_referrals(forces, tmp_path):
    export = write_export(tmp_path / "pvp")
    report = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert [(f.file, f.stored) for f in report.files if f.file == "marac.csv"] == [
        ("marac.csv", 1)]
    referral = Referral.objects.get(source_id="M1")
    assert (referral.area.name, referral.criterion, referral.status) == (
        "South", "visible_high_risk", "awaiting")
    assert not LegacyRecord.objects.filter(kind="marac").exists()
    # a second run changes nothing
    again = ingest_export(forces["WARKS"], "pvp", export, progress=False)
    assert [(f.file, f.stored) for f in again.files if f.file == "marac.csv"] == [
        ("marac.csv", 0)]
    assert Referral.objects.count() == 1


def test_the_history_shows_marac_from_this_room(refer):
    made = refer()
    summary = history_summary(made.victim)
    assert summary["marac"]["referred_at"] == made.referred_at
    assert summary["marac"]["area"] == "Warwick"
