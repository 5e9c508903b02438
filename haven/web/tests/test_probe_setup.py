"""Helper R's probe: `haven setup` with bad values says what is wrong and changes nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.forces.models import Force, PolicySetting

FORCE = '[[forces]]\ncode = "WARKS"\nname = "Warwickshire Police"\n'


def policy(value, key="draft_retention_hours", effective='"2026-01-01"', force='"WARKS"'):
    lines = ["[[policy]]", f'key = "{key}"', f"value = {value}"]
    if effective is not None:
        lines.append(f"effective_from = {effective}")
    if force is not None:
        lines.append(f"force = {force}")
    return FORCE + "\n".join(lines) + "\n"


BAD = {
    "negative": policy(-5),
    "text for a number": policy('"ten"'),
    "past 64 bits": policy(10**30),
    "unknown key": policy(5, key="no_such_key"),
    "bad date": policy(5, effective='"next tuesday"'),
    "date as number": policy(5, effective="20260101"),
    "no owner": policy(5, force=None),
    "unknown force": policy(5, force='"NOPE"'),
    "forces as a table": '[forces]\ncode = "WARKS"\nname = "W"\n',
    "alliance without name": FORCE + "[[alliance]]\nlabel = 'x'\n",
    "bool for a number": policy("true"),
    "list for a number": policy("[1, 2]"),
    "user without force": FORCE + '[[users]]\nusername = "a"\nrole = "sergeant"\n',
    "user bad username": FORCE + '[[users]]\nusername = ""\nrole = "sergeant"\nforce = "WARKS"\n',
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_value_is_a_clear_error_and_nothing_is_applied(db, tmp_path, name):
    path = tmp_path / "setup.toml"
    path.write_text(BAD[name])
    with pytest.raises(CommandError):
        call_command("setup", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Force.objects.exists() and not PolicySetting.objects.exists()
