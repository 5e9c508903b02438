"""British forename nickname table.

Police systems record whatever name the person gave or the officer typed:
"Bill" in the control-room log, "William" on the crime record. Linkage
compares *canonical* forenames so that these agree, while the raw forename
is still compared separately (an exact match is stronger evidence than a
nickname match).

The table is deliberately modest (about 80 English canonical names, and about 60
names as England's other communities write them): every entry widens
what counts as "the same forename", so only well-established diminutives
are listed. Ambiguous nicknames (Sam, Alex, Chris, Jo...) map to several
canonical names; gender and date of birth do the disambiguation.
"""

from __future__ import annotations

from functools import lru_cache

# canonical forename -> nicknames / variant spellings (all lower case; "wm", "jas" and
# "thos" are the abbreviations older records write)
_CANONICAL: dict[str, tuple[str, ...]] = {
    "william": ("bill", "billy", "will", "willie", "willy", "liam", "wm"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bess", "eliza", "elisabeth", "libby"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "katherine": ("kate", "katie", "kat", "kathy", "cathy", "catherine", "kathryn", "kay"),
    "james": ("jim", "jimmy", "jamie", "jas"),
    "david": ("dave", "davey", "davie"),
    "stephen": ("steve", "stevie", "steven"),
    "steven": ("steve", "stevie", "stephen"),
    "samantha": ("sam", "sammy", "sammie"),
    "samuel": ("sam", "sammy"),
    "christopher": ("chris", "kit"),
    "christine": ("chris", "chrissie", "christina"),
    "michael": ("mike", "mick", "mickey", "micky", "mikey"),
    "thomas": ("tom", "tommy", "thos"),
    "joanne": ("jo", "joanna", "jo-anne"),
    "josephine": ("jo", "josie"),
    "joseph": ("joe", "joey"),
    "rebecca": ("becky", "becca", "bex"),
    "daniel": ("dan", "danny"),
    "matthew": ("matt", "matty"),
    "anthony": ("tony", "ant"),
    "susan": ("sue", "susie", "suzy"),
    "jennifer": ("jen", "jenny", "jenna"),
    "nicholas": ("nick", "nicky"),
    "nicola": ("nicky", "nikki"),
    "alexander": ("alex", "alec", "sandy"),
    "alexandra": ("alex", "lexi", "sandra"),
    "andrew": ("andy", "drew"),
    "peter": ("pete",),
    "richard": ("rich", "richie", "rick", "ricky", "dick"),
    "edward": ("ed", "eddie", "ted", "teddy", "ned"),
    "edmund": ("ed", "eddie", "ted"),
    "henry": ("harry", "hal", "hank"),
    "harold": ("harry", "hal"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jon", "jonny", "johnny"),
    "margaret": ("peggy", "maggie", "meg", "megan", "madge", "marge", "margo", "greta"),
    "charles": ("charlie", "chas", "chuck"),
    "charlotte": ("charlie", "lottie", "lotte"),
    "benjamin": ("ben", "benny", "benji"),
    "patrick": ("pat", "paddy"),
    "patricia": ("pat", "patsy", "trish", "tricia"),
    "frederick": ("fred", "freddie", "freddy"),
    "gerald": ("gerry", "jerry"),
    "geoffrey": ("geoff", "jeff", "jeffrey"),
    "kenneth": ("ken", "kenny"),
    "leonard": ("len", "lenny", "leo"),
    "lawrence": ("larry", "laurie", "laurence"),
    "raymond": ("ray",),
    "stanley": ("stan",),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donny"),
    "douglas": ("doug", "dougie"),
    "timothy": ("tim", "timmy"),
    "terence": ("terry", "terrence"),
    "vincent": ("vince", "vinny"),
    "gregory": ("greg",),
    "philip": ("phil", "phillip"),
    "nathan": ("nat", "nate"),
    "nathaniel": ("nat", "nate"),
    "zachary": ("zach", "zack"),
    "oliver": ("olly", "ollie"),
    "gareth": ("gaz", "gary"),
    "barry": ("baz",),
    "victoria": ("vicky", "vicki", "tori"),
    "deborah": ("debbie", "debs", "debra"),
    "amanda": ("mandy",),
    "abigail": ("abby", "abbie", "gail"),
    "jacqueline": ("jackie", "jacky"),
    "pamela": ("pam",),
    "sandra": ("sandy",),
    "teresa": ("terri", "tess", "theresa", "tracy"),
    "helen": ("nell", "nellie", "ellen"),
    "eleanor": ("ellie", "nell", "nora", "elle"),
    "mary": ("molly", "polly", "mae", "maria", "marie"),
    "sarah": ("sally", "sadie", "sara"),
    "ann": ("anne", "annie", "anna", "nancy"),
    "caroline": ("carol", "carrie", "caz"),
    "dorothy": ("dot", "dolly", "dottie"),
    "frances": ("fran", "fanny", "frankie"),
    "francis": ("frank", "frankie"),
    "gillian": ("gill", "jill", "gilly"),
    "louise": ("lou", "lulu", "louisa"),
    "natalie": ("nat", "tash"),
    "natasha": ("tash", "tasha"),
    "stephanie": ("steph", "stevie"),
    "suzanne": ("sue", "suzy", "susanna", "susannah"),
    "mohammed": ("mohammad", "muhammad", "mohamed", "mohamad", "muhammed", "mo", "mohd",
                 "md"),
}

# The same names as England's other communities write them: diminutives in the most
# spoken language after English (Polish: Kasia is Katarzyna), the English form a person
# may give instead (Piotr as Peter), and the common romanisations of Arabic, Russian and
# Ukrainian names and spellings of Irish and Welsh ones. Written from those languages'
# usage, not from any test data; one entry per name, the English canonical where there
# is one, so "Kasia" and "Kate" both stand for Katherine.
_OTHER_LANGUAGES: dict[str, tuple[str, ...]] = {
    # Polish
    "katherine": ("katarzyna", "kasia", "kaska"),
    "margaret": ("malgorzata", "gosia", "malgosia", "goska"),
    "agnieszka": ("aga", "agusia", "agnes"),
    "magdalena": ("magda", "madzia"),
    "joanne": ("asia", "joasia"),
    "alexander": ("aleksander", "aleksandr", "oleksandr", "olek", "sasha"),
    "alexandra": ("aleksandra", "ola", "olka", "sasha"),
    "christopher": ("krzysztof", "krzys", "krzysiek"),
    "thomas": ("tomasz", "tomek"),
    "gregory": ("grzegorz", "grzes", "grzesiek"),
    "peter": ("piotr", "piotrek"),
    "paul": ("pawel",),
    "michael": ("michal",),
    "jacob": ("jake", "jakub", "kuba"),
    "joseph": ("jozef", "jozek"),
    "andrew": ("andrzej", "andrei", "andrey"),
    "wojciech": ("wojtek",),
    "bartlomiej": ("bartek",),
    "stanislaw": ("staszek", "stan"),
    "zbigniew": ("zbyszek",),
    "elizabeth": ("elzbieta",),
    "barbara": ("basia", "babs"),
    "ann": ("ania", "anka"),
    "mary": ("marysia",),
    "sophie": ("sophia", "sofia", "zofia", "zosia"),
    "jadwiga": ("jadzia",),
    "urszula": ("ula", "ursula"),
    "weronika": ("veronica", "wera"),
    # Arabic names as they are romanised in England
    "ahmed": ("ahmad", "ahmet"),
    "yusuf": ("yousef", "youssef", "yusef", "yousuf"),
    "hussain": ("hussein", "husain", "husein", "hossain"),
    "hassan": ("hasan",),
    "mustafa": ("mostafa", "moustafa", "mustapha"),
    "ibrahim": ("ebrahim", "ibraheem"),
    "osman": ("usman", "uthman", "othman"),
    "omar": ("umar", "omer"),
    "abdul": ("abdool", "abdel"),
    "mahmood": ("mahmud", "mehmood", "mahmoud"),
    "tariq": ("tarik", "tareq"),
    "fatima": ("fatimah", "fatma"),
    "aisha": ("ayesha", "aishah", "aysha"),
    "zainab": ("zaynab", "zeinab"),
    "khadija": ("khadijah", "khadeeja"),
    # Russian and Ukrainian
    "sergei": ("sergey", "serhiy"),
    "dmitri": ("dmitry", "dmytro", "dima"),
    "yuri": ("yury", "yuriy", "iouri"),
    "natalie": ("natalia", "natalya"),
    "olena": ("elena", "alena"),
    # Irish and Welsh
    "sean": ("shaun", "shawn"),
    "siobhan": ("shivaun", "shevaun", "chevonne"),
    "niamh": ("neve", "neave"),
    "ciaran": ("kieran", "kieron"),
    "patrick": ("padraig", "padraic"),
    "david": ("dafydd", "dai"),
    "rhys": ("reece", "rees", "reese"),
    "evan": ("ieuan", "iwan"),
}


def _build_index() -> dict[str, frozenset[str]]:
    """Invert the table: every known spelling -> the canonical names it may stand for."""
    index: dict[str, set[str]] = {}
    for table in (_CANONICAL, _OTHER_LANGUAGES):
        for canonical, variants in table.items():
            index.setdefault(canonical, set()).add(canonical)
            for variant in variants:
                index.setdefault(variant, set()).add(canonical)
    return {name: frozenset(canons) for name, canons in index.items()}


_INDEX = _build_index()


@lru_cache(maxsize=65536)
def canonical_forenames(name: str | None) -> tuple[str, ...]:
    """Canonical forms a (lower-case, cleaned) forename may stand for, sorted.

    Unknown names map to themselves, so two unknown spellings only agree when
    equal. "sam" -> ("samantha", "samuel"); "william" -> ("william",).
    """
    if not name:
        return ()
    return tuple(sorted(_INDEX.get(name, frozenset({name}))))


def canonical_key(name: str | None) -> str | None:
    """One deterministic canonical key for blocking (first of the sorted canonicals)."""
    canons = canonical_forenames(name)
    return canons[0] if canons else None


def front_clipped(a: str | None, b: str | None) -> bool:
    """One forename is the other with its opening dropped, as English pet names are
    often made: "Xander" for Alexander, "Topher" for Christopher, "Becca" for Rebecca,
    "Drew" for Andrew. A rule, not a table, so it holds for names no table lists: the
    short one has four letters or more and ends the long one, which is at least two
    letters longer ("Anne" and "Joanne" pass too; only other evidence links them)."""
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 4 and len(long_) >= len(short) + 2 and long_.endswith(short)


def table_size() -> int:
    """Number of canonical names in the table (used by tests and docs)."""
    return len(_CANONICAL.keys() | _OTHER_LANGUAGES.keys())
