"""Blocking keys computed afresh for stored records (used by the re-keying migrations;
a module whose name starts with "_" is not itself a migration)."""

from collections import defaultdict


def rekey(apps, records=None):
    """Write the keys that differ from what `haven.people.keys` computes now, for every
    record or for the queryset `records(SourceRecord)` picks. The keys are a pure function
    of the raw fields: the module that computes them for every new record computes them
    here, and the next relink does the same.

    A change of rule moves many records to few new values (every "Shaun" keyed "sean"), so
    the records are updated a key and a value at a time, in chunks of ids: 75,000 changed
    records of a million made migration 0009 take 132 s as whole-row bulk updates, and
    24 s this way, most of it reading the million."""
    from haven.people.keys import KEY_FIELDS, blocking_key_values

    SourceRecord = apps.get_model("people", "SourceRecord")
    rows = (records(SourceRecord) if records else SourceRecord.objects).values_list(
        "pk", "surname", "forename", "phone", "postcode", *KEY_FIELDS)
    changed: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, surname, forename, phone, postcode, *stored in rows.iterator(chunk_size=5000):
        keys = blocking_key_values(surname, forename, phone, postcode)
        for field, old, new in zip(KEY_FIELDS, stored, keys, strict=True):
            if old != new:
                changed[field, new].append(pk)
    for (field, value), pks in changed.items():
        for start in range(0, len(pks), 900):  # under SQLite's limit on query parameters
            SourceRecord.objects.filter(pk__in=pks[start:start + 900]).update(**{field: value})
