"""Placeholders ("Unknown", "No fixed abode", "NFA", "07000 000000") are keyed blank: they
put no two records in one block (the matcher's side: linkage/tests/test_real_exports.py)."""

import importlib

from django.apps import apps

from haven.people.models import SourceRecord

NOT_KNOWN = {"address_line": "No fixed abode", "postcode": "NFA", "phone": "07000 000000",
             "email": "none@none.com"}


def test_placeholders_are_keyed_blank_and_old_keys_are_redone(add_record):
    record = add_record("crime", "C2", forename="Unknown", surname="Unknown", **NOT_KNOWN)
    keys = SourceRecord.objects.values("sn_key", "fn_key", "phone_norm", "postcode_norm")
    assert keys.get(pk=record.pk) == {"sn_key": "", "fn_key": "", "phone_norm": "",
                                      "postcode_norm": ""}
    real = add_record("crime", "C3", forename="Dean", surname="Carver", postcode="CV34 4AA")
    # as a record keyed before placeholders were read as blank
    SourceRecord.objects.filter(pk=record.pk).update(sn_key="unknown", postcode_norm="NFA",
                                                     phone_norm="+447000000000")
    migration = importlib.import_module(
        "haven.people.migrations.0007_placeholder_values_keyed_blank")
    migration.rekey(apps, None)
    assert keys.get(pk=record.pk)["sn_key"] == "" and keys.get(pk=record.pk)[
        "postcode_norm"] == ""
    assert keys.get(pk=real.pk) == {"sn_key": "carver", "fn_key": "dean", "phone_norm": "",
                                    "postcode_norm": "CV344AA"}


def test_a_record_whose_phone_cell_holds_two_numbers_is_found_by_the_first(add_record,
                                                                          persona):
    from haven.people.lookup import find_candidates

    record = add_record("crime", "C4", forename="Ann", surname="Reid",
                        phone="07700 900123 / 01926 415000")
    assert SourceRecord.objects.get(pk=record.pk).phone == "07700 900123 / 01926 415000"
    found = find_candidates(persona("call_handler"), phone="07700900123")
    assert [c.person for c in found] == [record.person]
    # as a record keyed before several numbers in one cell were read
    SourceRecord.objects.filter(pk=record.pk).update(phone_norm="")
    importlib.import_module(
        "haven.people.migrations.0008_several_phones_in_one_cell_keyed").rekey(apps, None)
    assert SourceRecord.objects.get(pk=record.pk).phone_norm == "+447700900123"
