"""Error text a user reads names things in words, never by field code (issue 8 item 12)."""

import pytest


def test_the_endorsement_refusal_has_no_field_code(persona):
    from haven.intake.services import do_endorse_incident

    with pytest.raises(Exception) as refused:
        do_endorse_incident(None, supervision=" ", actor=persona("sergeant"))
    assert "Record your supervision" in str(refused.value)
    assert "(field:" not in str(refused.value)


def test_lookup_and_record_errors_read_as_words(db):
    from haven.people.lookup import LookupCriteriaError, clean_criteria
    from haven.people.services import InvalidRecord, clean_fields

    for call, error in ((lambda: clean_criteria(date_of_birth="31/02"), LookupCriteriaError),
                        (lambda: clean_criteria(), LookupCriteriaError),
                        (lambda: clean_fields({"date_of_birth": "tomorrow"}), InvalidRecord),
                        (lambda: clean_fields({"surname": "x" * 101}), InvalidRecord)):
        with pytest.raises(error) as raised:
            call()
        assert "_" not in str(raised.value), str(raised.value)
