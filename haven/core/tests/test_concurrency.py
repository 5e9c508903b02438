"""A form posted without its version (hand-made, truncated) is refused like a stale edit, not
answered with a server error (found by the permission-matrix walk: the break-glass review
answered 500; the walk
keeps checking that page with a real record)."""

import pytest

from haven.core.concurrency import MissingVersion, StaleEdit, update_if_unchanged


@pytest.mark.parametrize("version", [None, "", "two", "1.5"])
def test_a_missing_or_garbled_version_is_a_stale_edit_that_says_why(persona, version):
    user = persona("sergeant")
    with pytest.raises(StaleEdit) as refused:
        update_if_unchanged(user, version, "Someone else changed it.", first_name="X")
    assert isinstance(refused.value, (MissingVersion, ValueError))
    assert "missing its version" in str(refused.value)

