"""Blocking keys computed afresh for stored records (used by the re-keying migrations;
a module whose name starts with "_" is not itself a migration)."""


def rekey(apps, records=None):
    """Write the keys that differ from what `haven.people.keys` computes now, for every
    record or for the queryset `records(SourceRecord)` picks. The keys are a pure function
    of the raw fields: the module that computes them for every new record computes them
    here, and the next relink does the same."""
    from haven.people.keys import KEY_FIELDS, blocking_key_values

    SourceRecord = apps.get_model("people", "SourceRecord")
    rows = (records(SourceRecord) if records else SourceRecord.objects).values_list(
        "pk", "surname", "forename", "phone", "postcode", *KEY_FIELDS)
    changed = []
    for pk, surname, forename, phone, postcode, *stored in rows.iterator(chunk_size=5000):
        keys = blocking_key_values(surname, forename, phone, postcode)
        if tuple(stored) != keys:
            changed.append(SourceRecord(pk=pk, **dict(zip(KEY_FIELDS, keys, strict=True))))
    SourceRecord.objects.bulk_update(changed, KEY_FIELDS, batch_size=1000)
