"""Running it for real (issue 8 item 11): forces, agencies and users without the demo."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.access.models import EnrolmentToken, User
from haven.forces.models import Agency, Force, PolicySetting
from haven.forces.policy import policy

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "setup-example.toml"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_after_migrate_only_setup_then_ingest_works(db, tmp_path):
    from haven.people.models import SourceRecord
    from haven.people.tests.export_files import write_export

    assert not Force.objects.exists()  # a fresh database: migrations only
    with pytest.raises(CommandError, match="no force with code 'WARKS'"):
        call_command("ingest", str(tmp_path), force_code="WARKS", source="pvp")
    out = run("setup", str(EXAMPLE))
    assert "Force WARKS: created" in out
    assert "ch.taylor: http://" in out and "/account/enrol/" in out
    export = write_export(tmp_path / "pvp")
    out = run("ingest", str(export), "--force", "WARKS", "--source", "pvp", "--no-progress")
    ingested = set(SourceRecord.objects.filter(force__code="WARKS", system="pvp")
                   .values_list("source_id", flat=True))
    assert {"P1", "P2", "P3", "P4"} <= ingested
    assert "pvp" in out


def test_setup_twice_changes_nothing_and_issues_no_new_links(db):
    run("setup", str(EXAMPLE))
    counts = (Force.objects.count(), Agency.objects.count(), User.objects.count(),
              PolicySetting.objects.count(), EnrolmentToken.objects.count())
    out = run("setup", str(EXAMPLE))
    assert "created" not in out and "Enrolment links" not in out
    assert counts == (Force.objects.count(), Agency.objects.count(), User.objects.count(),
                      PolicySetting.objects.count(), EnrolmentToken.objects.count())
    assert counts[:3] == (2, 2, 4)


def test_setup_applies_policy_overrides_and_roles(db):
    run("setup", str(EXAMPLE))
    warks = Force.objects.get(code="WARKS")
    assert policy(warks, "draft_retention_hours") == 12
    assert policy(Force.objects.get(code="WMERC"), "draft_retention_hours") == 24
    idva = User.objects.get(username="idva.morgan")
    assert idva.agency.name == "Warwickshire IDVA service" and idva.force is None
    assert not idva.has_usable_password()  # set through the enrolment link


def test_a_bad_setup_file_changes_nothing_and_says_where(db, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[forces]]\ncode = "WARKS"\nname = "Warwickshire Police"\n'
                   '[[users]]\nusername = "x"\nrole = "wizard"\nforce = "WARKS"\n')
    with pytest.raises(CommandError, match=r"\[\[users\]\] entry 1 \(x\).*Unknown role"):
        call_command("setup", str(bad))
    assert not Force.objects.exists()


def test_force_agency_and_user_commands(db):
    assert "created" in run("force", "add", "WARKS", "Warwickshire Police")
    assert "already there" in run("force", "add", "WARKS", "Warwickshire Police")
    assert "created" in run("agency", "add", "Warwickshire IDVA service", "--force", "WARKS",
                            "--kind", "idva")
    out = run("user", "add", "jo.bloggs", "--role", "call_handler", "--force", "WARKS")
    assert "Enrolment link" in out and "/account/enrol/" in out
    assert "already there" in run("user", "add", "jo.bloggs", "--role", "call_handler",
                                  "--force", "WARKS")
    out = run("user", "add", "a.idva", "--role", "idva", "--agency",
              "Warwickshire IDVA service")
    assert User.objects.get(username="a.idva").agency.kind == "idva"
    with pytest.raises(CommandError, match="belongs to a force"):
        call_command("user", "add", "nobody", "--role", "sergeant")
    out = run("user", "enrol", "jo.bloggs")
    assert "/account/enrol/" in out
    # The earlier link stopped working when the new one was issued.
    from django.utils import timezone

    links = EnrolmentToken.objects.filter(user__username="jo.bloggs").order_by("pk")
    assert [t.expires_at > timezone.now() for t in links] == [False, True]


def test_the_demo_uses_the_same_setup_code(db):
    from haven.web.demo import ensure_forces, ensure_users

    run("setup", str(EXAMPLE))
    forces = ensure_forces()
    assert Agency.objects.filter(force__code="WARKS").count() == 2  # no duplicates
    users = ensure_users(forces, "demo password 123")
    assert users[("WARKS", "idva")].agency.name == "Warwickshire IDVA service"
