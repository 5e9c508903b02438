"""Placeholders: what records hold when the real value was not known, for every field.

Kept together so that what counts as "not known" is read and changed in one place; each
field's module (`names`, `places`, `identifiers`, `dates`) reads its own set.
"""

# What records hold when the real value was not known ("Unknown", "N/K", "No fixed abode",
# "ZZ99 3VZ", "07000 000000", "none@none.com"): the same words on two records say nothing
# about whether they are one person (two homeless men of one name are not one man because
# both are "NFA"), so linkage reads them as blank. The record keeps what was given.
_NOT_KNOWN = frozenset({"unknown", "not known", "nk", "none", "refused", "withheld",
                        "not given", "tbc", "tba", "xx", "xxx"})
PLACEHOLDER_NAMES = _NOT_KNOWN | {
    "unk", "notknown", "anon", "anonymous", "no name", "noname", "person unknown",
    "unknown person", "unknown male", "unknown female"}
PLACEHOLDER_PLACES = _NOT_KNOWN | {
    "no fixed abode", "of no fixed abode", "nfa", "n f a", "no fixed address", "homeless",
    "address unknown", "unknown address", "n k", "no address"}
#: Postcodes (upper case, no spaces) that are not a place; every "ZZ99" code is one of the
#: NHS pseudo-postcodes ("ZZ99 3VZ": no fixed abode).
PLACEHOLDER_POSTCODES = frozenset({
    "NFA", "NK", "NA", "UNKNOWN", "NOTKNOWN", "NONE", "NIL", "TBC", "TBA", "XX", "XXX",
    "REFUSED", "WITHHELD"})
_PLACEHOLDER_EMAIL_USERS = frozenset({
    "none", "noemail", "no.email", "no-email", "no_email", "nomail", "unknown", "notknown",
    "not.known", "na", "n/a", "nil", "noreply", "no-reply", "refused", "test", "x", "xx",
    "xxx"})
_PLACEHOLDER_EMAIL_DOMAINS = frozenset({
    "none.com", "noemail.com", "nomail.com", "unknown.com", "notknown.com", "na.com"})


#: Dates systems put in when the real one is not known ("1900-01-01").
PLACEHOLDER_DATES = frozenset({"1900-01-01", "1901-01-01", "1899-12-31", "1970-01-01"})
