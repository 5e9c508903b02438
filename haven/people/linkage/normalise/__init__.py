"""Normalisation of raw person records into comparison-ready columns.

Every source system types names, dates, phones and postcodes its own way.
The model only ever compares the normalised columns built here, so that
"(07700) 900 123" and "+447700900123", or "sw1a1aa" and "SW1A 1AA", agree
exactly. Functions work column-wise (pandas) and map expensive per-value
work (phonetics, nicknames) over *unique* values only, which keeps
preparation of a million records to seconds.

One module per field family, each a set of functions of one value:

- `names`: forenames, surnames, aliases (Latin letters, tokens, phonetics, name sets)
- `dates`: dates of birth
- `identifiers`: phone, e-mail, PNC id, gender
- `places`: postcode, address line, town
- `incidents`: incident fingerprints and the `incident_keys` column's keys
- `placeholders`: what each field holds when the value was not known
- `frame`: `prepare_records`, the column-wise preparation over all of them

Every public name is importable from here (`from haven.people.linkage.normalise import X`).
"""

from .dates import parse_dob, year_only
from .frame import (
    INPUT_COLUMNS,
    PREPARED_SCHEMA,
    combined_codes,
    prepare_records,
    python_strings,
)
from .identifiers import (
    LANDLINE_PREFIXES,
    normalise_email,
    normalise_gender,
    normalise_phone,
    normalise_pnc,
)
from .incidents import FINGERPRINT_ROLES, incident_fingerprints, split_keys
from .names import (
    alias_names,
    clean_name,
    forename_set,
    forename_tokens,
    former_without_forename,
    latin,
    metaphone,
    name_fields,
    name_tokens,
    one_persons_names,
    soundex,
    surname_holds_more,
    surname_set,
    surname_tokens,
    with_former_surname,
)
from .placeholders import (
    PLACEHOLDER_DATES,
    PLACEHOLDER_NAMES,
    PLACEHOLDER_PLACES,
    PLACEHOLDER_POSTCODES,
)
from .places import normalise_address, normalise_postcode, normalise_town

__all__ = [
    "FINGERPRINT_ROLES",
    "INPUT_COLUMNS",
    "LANDLINE_PREFIXES",
    "PLACEHOLDER_DATES",
    "PLACEHOLDER_NAMES",
    "PLACEHOLDER_PLACES",
    "PLACEHOLDER_POSTCODES",
    "PREPARED_SCHEMA",
    "alias_names",
    "clean_name",
    "combined_codes",
    "forename_set",
    "forename_tokens",
    "former_without_forename",
    "incident_fingerprints",
    "latin",
    "metaphone",
    "name_fields",
    "name_tokens",
    "one_persons_names",
    "normalise_address",
    "normalise_email",
    "normalise_gender",
    "normalise_phone",
    "normalise_pnc",
    "normalise_postcode",
    "normalise_town",
    "parse_dob",
    "prepare_records",
    "python_strings",
    "soundex",
    "split_keys",
    "surname_holds_more",
    "surname_set",
    "surname_tokens",
    "with_former_surname",
    "year_only",
]
