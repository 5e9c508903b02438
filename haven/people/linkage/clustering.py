"""Constrained clustering: join scored pairs into persons, refusing links that a hard
conflict, a clerical decision, an ambiguity or missing corroboration forbids."""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .conflicts import dates_alike, forename_conflicts_held, hard_conflict
from .normalise import combined_codes

if TYPE_CHECKING:
    from .engine import LinkageModel, LinkageSettings

logger = logging.getLogger(__name__)

_CONFLICT_FIELDS = ("dob", "dob_y", "pnc", "gender", "fn", "fn_all", "mn", "fn_mp", "sn")
_CORROBORATION_FIELDS = ("phone", "phone_hh", "email", "pnc", "mn", "incident_keys")
_HOME_FIELDS = ("addr_bld", "pc")


class _Records:
    """Column lists of the fields clustering reads, plus interned conflict signatures.

    Records of one person mostly share (dob, pnc, gender, names), so hard
    conflicts are computed between distinct signatures and memoised; nothing
    is built per record beyond plain lists, which keeps 1M records cheap.
    """

    def __init__(self, prepared: pd.DataFrame):
        fields = list(dict.fromkeys(_CONFLICT_FIELDS + _CORROBORATION_FIELDS + _HOME_FIELDS))
        self.cols = {c: prepared[c].tolist() for c in fields}
        codes = _signatures(prepared)
        self.sig_of: list[int] = codes.tolist()
        # The profile of each signature, from its first record, all built at once in
        # record order: nine in ten of a million records' signatures meet an edge, and
        # built in edge order, as conflict checks asked, each took three times as long.
        first = np.unique(codes, return_index=True)[1].tolist()
        values = [[column[k] for k in first]
                  for column in (self.cols[f] for f in _CONFLICT_FIELDS)]
        self._profiles: list[dict[str, Any]] = [dict(zip(_CONFLICT_FIELDS, row, strict=True))
                                                for row in zip(*values, strict=True)]
        self._memo: dict[tuple[int, int], str | None] = {}

    def sig_profile(self, sig: int) -> dict[str, Any]:
        return self._profiles[sig]

    def sig_conflict(self, a: int, b: int) -> str | None:
        key = (a, b) if a < b else (b, a)
        if key not in self._memo:
            self._memo[key] = hard_conflict(self.sig_profile(a), self.sig_profile(b))
        return self._memo[key]

    def conflict(self, i: int, j: int) -> str | None:
        return self.sig_conflict(self.sig_of[i], self.sig_of[j])

    def lacks_dob(self, i: int) -> bool:
        return not self.cols["dob"][i]

    def lacks_forename(self, i: int) -> bool:
        forename = self.cols["fn"][i]
        return not forename or len(forename) == 1

    def corroborated(self, i: int, j: int) -> bool:
        """`conflicts.corroborated` of two records, read straight from the columns (it runs for
        every pair of members of two groups an edge would join)."""
        cols = self.cols
        for column in ("email", "pnc"):
            value = cols[column][i]
            if value and value == cols[column][j]:
                return True
        if self.own_phone(i, j):
            return True
        keys_i, keys_j = cols["incident_keys"][i], cols["incident_keys"][j]
        if keys_i and keys_j and not set(keys_i).isdisjoint(keys_j):
            return True
        middle = cols["mn"][i]
        return bool(middle and len(middle) > 1 and middle == cols["mn"][j])

    def own_phone(self, i: int, j: int) -> bool:
        """Both records give one phone, and no record giving it says it is shared
        (another forename initial, another generation: `normalise.frame._household_phones`)."""
        cols = self.cols
        phone = cols["phone"][i]
        return bool(phone and phone == cols["phone"][j] and not cols["phone_hh"][i])

    def dated_alike(self, i: int, j: int) -> bool:
        """Both records give a full date of birth, the same or one slip apart
        (`conflicts.dates_alike`)."""
        return dates_alike(self.cols["dob"][i], self.cols["dob"][j])

    def same_home(self, i: int, j: int) -> bool:
        """Both records give the same building (normalised address line)."""
        home = self.cols["addr_bld"][i]
        return bool(home) and home == self.cols["addr_bld"][j]

    def names_only(self, i: int, j: int) -> bool:
        """The two records share nothing but their names: no date of birth on one side,
        and no building, postcode, phone, e-mail, PNC id or incident in common."""
        cols = self.cols
        if cols["dob"][i] and cols["dob"][j]:
            return False
        for column in ("addr_bld", "pc", "phone", "email", "pnc"):
            if cols[column][i] and cols[column][i] == cols[column][j]:
                return False
        keys_i, keys_j = cols["incident_keys"][i], cols["incident_keys"][j]
        return not (keys_i and keys_j and not set(keys_i).isdisjoint(keys_j))

    def contradicted(self, i: int, j: int) -> bool:
        """`conflicts.contradicted` of two records, read straight from the columns."""
        cols = self.cols
        email_i, email_j = cols["email"][i], cols["email"][j]
        if email_i and email_j and email_i != email_j:
            return True
        phone_i, phone_j = cols["phone"][i], cols["phone"][j]
        return bool(phone_i and phone_j and phone_i != phone_j
                    and not cols["phone_hh"][i] and not cols["phone_hh"][j])


def _signatures(prepared: pd.DataFrame) -> np.ndarray:
    """One code per record's conflict fields (forenames with aliases, dates of birth, PNC
    id, gender, names), numbered in order of first appearance; blank and "" alike.

    Each field is factorized on its own and the codes combined (`combined_codes`): joining
    the fields into one string per record took 2.5 s at 1 M records."""
    forenames = [";".join(v) if v else "" for v in prepared["fn_all"].tolist()]
    columns = []
    for values in (forenames, *(prepared[c].to_numpy(dtype=object) for c in (
            "dob", "dob_y", "pnc", "gender", "fn", "mn", "fn_mp", "sn"))):
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        codes[np.isin(codes, np.flatnonzero(uniques == ""))] = -1  # "" is blank, as None is
        columns.append(codes)
    return combined_codes(*columns)


#: The suspect's relationship to the victim, as clustering compares it: a partner and an
#: ex-partner are one kind of tie, family another; "other" and blank say nothing.
_PARTNER, _FAMILY = 1, 2
_BOTH = _PARTNER | _FAMILY
_RELATIONSHIP_KIND = {"partner": _PARTNER, "ex_partner": _PARTNER, "family": _FAMILY}


class _Groups:
    """Union-find whose groups remember what forbids them from joining others.

    Singletons carry no per-group state (members/signatures are created on the
    first union), so a million mostly-unlinked records stay cheap.
    """

    def __init__(self, uids: Sequence[str], records: _Records | None):
        self.uids = uids
        self.index = {uid: i for i, uid in enumerate(uids)}
        self.parent = list(range(len(uids)))
        self.records = records
        self.unions = 0
        self._members: dict[int, list[int]] = {}
        self._sigs: dict[int, set[int]] = {}
        self.forbidden: dict[int, set[int]] = {}
        #: counterparts, compressed by record (`set_counterparts`): record k met the records
        #: `_met_to[_met_at[k]:_met_at[k + 1]]`, as `_met_kind` (bits of _PARTNER, _FAMILY)
        self.has_counterparts = False
        self._met_at: list[int] = []
        self._met_to: list[int] = []
        self._met_kind: list[int] = []
        self._record_kinds: list[int] = []
        self._kinds: dict[int, int] = {}  # root -> kinds of its members' ties, once joined

    def set_counterparts(self, counterparts: pd.DataFrame | None) -> None:
        """Read `LinkageSettings.counterparts` (pairs uid_l, uid_r, relationship), kept as
        flat lists by record (a dict per record cost 0.5 GiB at 1 M records)."""
        if counterparts is None or len(counterparts) == 0:
            return
        left, right = counterparts["uid_l"], counterparts["uid_r"]
        kinds = counterparts["relationship"]
        position = pd.Index(self.index.keys())
        a, b = position.get_indexer(left), position.get_indexer(right)
        bits = np.fromiter((_RELATIONSHIP_KIND.get(k or "", 0) for k in kinds), np.int8,
                           len(kinds))
        keep = (a >= 0) & (b >= 0) & (a != b)
        a, b, bits = a[keep], b[keep], bits[keep]
        source, target = np.concatenate([a, b]), np.concatenate([b, a])
        bits = np.concatenate([bits, bits])
        order = np.argsort(source, kind="stable")
        source, target, bits = source[order], target[order], bits[order]
        n = len(self.parent)
        self._met_at = np.searchsorted(source, np.arange(n + 1)).tolist()
        self._met_to, self._met_kind = target.tolist(), bits.tolist()
        record_kinds = np.zeros(n, np.int8)
        np.bitwise_or.at(record_kinds, source, bits)
        self._record_kinds = record_kinds.tolist()
        self.has_counterparts = bool(len(source))

    def met_by(self, k: int) -> bool:
        return self.has_counterparts and self._met_at[k + 1] > self._met_at[k]

    def kinds(self, root: int) -> int:
        if not self.has_counterparts:
            return 0
        return self._kinds.get(root, self._record_kinds[root])

    def met(self, root: int) -> set[int]:
        """The persons (roots) the group's records met on the other side of an incident."""
        at, to, find = self._met_at, self._met_to, self.find
        return {find(o) for m in self.members(root) for o in to[at[m]:at[m + 1]]}

    def relationship_conflict(self, ra: int, rb: int) -> bool:
        """One group is a person's partner and the other her family, and neither is both:
        a woman's partner and her son of one name are two men."""
        ka, kb = self.kinds(ra), self.kinds(rb)
        if not ((ka & _PARTNER and kb & _FAMILY) or (ka & _FAMILY and kb & _PARTNER)):
            return False

        def by_person(root: int) -> dict[int, int]:
            out: dict[int, int] = defaultdict(int)
            at, to, kind = self._met_at, self._met_to, self._met_kind
            for m in self.members(root):
                for k in range(at[m], at[m + 1]):
                    if kind[k]:
                        out[self.find(to[k])] |= kind[k]
            return out

        mine, theirs = by_person(ra), by_person(rb)
        return any(mine[p] != theirs[p] and mine[p] != _BOTH and theirs[p] != _BOTH
                   for p in mine.keys() & theirs.keys() if p not in (ra, rb))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def members(self, root: int) -> list[int]:
        return self._members.get(root) or [root]

    def sigs(self, root: int) -> set[int]:
        return self._sigs.get(root) or {self.records.sig_of[root]}

    def forbid(self, a: int, b: int) -> None:
        self.forbidden.setdefault(a, set()).add(b)
        self.forbidden.setdefault(b, set()).add(a)

    def explicit_block(self, ra: int, rb: int) -> bool:
        """True when a clerical cannot-link separates the two groups."""
        if not self.forbidden:
            return False
        members_b = set(self.members(rb))
        return any(self.forbidden.get(m, set()) & members_b for m in self.members(ra))

    def conflict(self, ra: int, rb: int) -> str | None:
        """First hard conflict between any member of one group and any of the other."""
        if self.records is None:
            return None
        for a in self.sigs(ra):
            for b in self.sigs(rb):
                reason = self.records.sig_conflict(a, b)
                if reason:
                    return reason
        return None

    def conflict_reasons(self, ra: int, rb: int) -> set[str]:
        """Every kind of hard conflict between a member of one group and one of the other."""
        if self.records is None:
            return set()
        if ra not in self._sigs and rb not in self._sigs:
            # Two records still on their own (most edges of a first relink): one lookup.
            reason = self.records.sig_conflict(self.records.sig_of[ra], self.records.sig_of[rb])
            return {reason} if reason else set()
        reasons = set()
        for a in self.sigs(ra):
            for b in self.sigs(rb):
                reason = self.records.sig_conflict(a, b)
                if reason:
                    reasons.add(reason)
        return reasons

    def forename_conflicts_held(self, ra: int, rb: int) -> bool:
        """Each forename conflict between the groups is one a group holds already
        (`conflicts.forename_conflicts_held`): asked only where forenames are the one
        conflict, which is rare."""
        records = self.records
        sigs_a, sigs_b = self.sigs(ra), self.sigs(rb)
        conflicting = [(records.sig_profile(a), records.sig_profile(b))
                       for a in sigs_a for b in sigs_b if records.sig_conflict(a, b)]
        return forename_conflicts_held(conflicting, [records.sig_profile(a) for a in sigs_a],
                                       [records.sig_profile(b) for b in sigs_b])

    def corroborated(self, ra: int, rb: int) -> bool:
        """Some member of each group shares a personal identifier (see `conflicts.corroborated`)."""
        return any(
            self.records.corroborated(a, b) for a in self.members(ra) for b in self.members(rb)
        )

    def contradicted(self, ra: int, rb: int) -> bool:
        """Some member of each group carries a different phone or e-mail."""
        return any(
            self.records.contradicted(a, b) for a in self.members(ra) for b in self.members(rb)
        )

    def persons_evidence(self, ra: int, rb: int, i: int, j: int,
                         weights: Mapping[str, float]) -> tuple[float, set[str]]:
        """Weight of the identifiers the edge's two records could not compare (one of
        them lacks it) that some record of each person gives alike: (weight, fields)."""
        cols = self.records.cols
        total, used = 0.0, set()
        for field, weight in weights.items():
            if cols[field][i] and cols[field][j]:
                continue  # the pair's own score already weighed it
            mine = {v for m in self.members(ra) if (v := _person_value(cols, field, m))}
            if mine and any(_person_value(cols, field, m) in mine for m in self.members(rb)):
                total += weight
                used.add(field)
        return total, used

    def union(self, ra: int, rb: int) -> None:
        members_a, members_b = self.members(ra), self.members(rb)
        if len(members_a) < len(members_b):
            ra, rb, members_a, members_b = rb, ra, members_b, members_a
        self.parent[rb] = ra
        # The larger group's own list and set grow in place (a copy of each at every
        # union cost seconds at 1 M records); a singleton's are new.
        if ra in self._members:
            members_a.extend(members_b)
        else:
            self._members[ra] = members_a + members_b
        self._members.pop(rb, None)
        if self.records is not None:
            if ra in self._sigs:
                self._sigs[ra] |= self.sigs(rb)
            else:
                self._sigs[ra] = self.sigs(ra) | self.sigs(rb)
            self._sigs.pop(rb, None)
        if self.has_counterparts:
            self._kinds[ra] = self.kinds(ra) | self.kinds(rb)
            self._kinds.pop(rb, None)
        self.unions += 1

    def labels(self, uids: Sequence[str]) -> dict[str, str]:
        """uid -> smallest uid of its group (stable across runs)."""
        best: dict[int, str] = {}
        roots = [self.find(i) for i in range(len(uids))]
        for root, uid in zip(roots, uids, strict=True):
            if root not in best or uid < best[root]:
                best[root] = uid
        return {uid: best[root] for root, uid in zip(roots, uids, strict=True)}


#: Identifiers a person keeps from record to record, the model's comparison and level
#: that weigh them agreeing (`_join_on_persons_evidence`).
_PERSON_IDENTIFIERS = (("dob", "date_of_birth", "exact"), ("phone", "phone", "exact"),
                       ("pnc", "pnc_id", "same PNC id"))


def _person_value(cols: Mapping[str, list], field: str, k: int) -> str | None:
    """Record k's value of a person-level identifier (a household's phone is not one)."""
    value = cols[field][k]
    if field == "phone" and cols["phone_hh"][k]:
        return None
    return value or None


def _identifier_weights(model: LinkageModel) -> dict[str, float]:
    """log2(m/u) of the model's agreement level for each person-level identifier (with no
    Splink model, of the documented default parameters)."""
    # engine imports this module at load time; its parameter readers are needed only here
    from .engine import default_parameters, model_parameters

    linker = getattr(model, "linker", None)
    parameters = default_parameters() if linker is None else model_parameters(linker)
    weights = {}
    for field, comparison, label in _PERSON_IDENTIFIERS:
        m, u = parameters["comparisons"].get(comparison, {}).get(label, (None, None))
        if m and u:
            weights[field] = math.log2(m / u)
    return weights


def _join_on_persons_evidence(groups: _Groups, pairs: pd.DataFrame, threshold: float,
                              ambiguous: set[int], settings: LinkageSettings,
                              weights: Mapping[str, float]) -> int:
    """Join two persons whose pair fell short only for want of an identifier one of
    its records lacks, when other records of the two persons give that identifier alike.

    A pair is scored on its two records: a crime record with a date of birth against a
    control-room record of the same man without one, at a new partner's address, falls
    short though his other control-room records share the crime record's date of birth.
    Only a date of birth, an own phone and a PNC id are filled in this way, never
    replaced, and every refusal still applies; a date of birth agreed between the two
    persons answers "uncorroborated" (a father and son of one name differ in it). On both
    benchmark exports it found 220-270 more true pairs and no false one
    (docs/benchmarks.md, "Names swapped with a slip; persons' evidence").
    """
    needed = math.log2(threshold / (1.0 - threshold)) if threshold < 1.0 else math.inf
    # every pair the model scored (at or above the predict threshold) that fell short
    band = pairs[pairs["match_probability"] < threshold]
    band = band.sort_values(["match_weight", "uid_l", "uid_r"], ascending=[False, True, True],
                            kind="stable")
    index = groups.index
    joined = 0
    for uid_l, uid_r, weight in zip(band["uid_l"], band["uid_r"], band["match_weight"],
                                    strict=True):
        i, j = index[uid_l], index[uid_r]
        ra, rb = groups.find(i), groups.find(j)
        if ra == rb:
            continue
        extra, used = groups.persons_evidence(ra, rb, i, j, weights)
        if not extra or weight + extra < needed:
            continue
        reason = _edge_refusal(groups, i, j, ra, rb, ambiguous, settings)
        if reason is None or (reason == "uncorroborated" and "dob" in used):
            groups.union(ra, rb)
            joined += 1
    return joined


def _join_on_counterparts(groups: _Groups, pairs: pd.DataFrame, threshold: float,
                          ambiguous: set[int], settings: LinkageSettings,
                          uncorroborated: Sequence[tuple[int, int]] = ()) -> int:
    """Join two persons whose pair fell short of the threshold when both met one person
    on the other side of an incident: the suspect of a victim both are, the victim of a
    suspect both are.

    A man recorded by the control room under his name alone, at his new partner's
    address, and by the crime system with his date of birth shares only a name; that
    both records are of the man who harmed one woman is what ties them (the same holds
    for a victim recorded by two systems against one suspect). Counterparts come from
    the system that recorded the incident (`LinkageSettings.counterparts`); who they are
    is the clustering's: the victim's records across systems are one person by then.
    Every refusal still applies, a hard conflict between any records of the two persons
    included (a father and son of one name who both harm one woman differ in their dates
    of birth), and a record that would join two persons who conflict with each other
    (father or son?) joins neither. On the two benchmark exports it joined 104 and 310
    pairs of persons, serial perpetrators whole 98.0 -> 98.4 % and 93.6 -> 94.6 % (with
    the partner-or-family refusal), and took a quarter to two fifths of the review queue
    (docs/benchmarks.md, "One victim, one suspect").

    `uncorroborated`: above-threshold edges (rows, strongest first) the clustering refused
    for want of corroboration. A sparse record and a person sharing only a household's
    phone are corroborated by having met one person across an incident, as a pair in the
    band is: they are asked first. Last, with `counterpart_names_alone`, the pairs of one
    name that met one person whether scored or not (`_named_alike_across`).
    """
    lowest = settings.counterpart_link_threshold
    if lowest is None or not groups.has_counterparts:
        return 0
    index = groups.index
    band = pairs[(pairs["match_probability"] >= lowest)
                 & (pairs["match_probability"] < threshold)]
    band = band.sort_values(["match_weight", "uid_l", "uid_r"], ascending=[False, True, True],
                            kind="stable")
    edges = [(i, j) for i, j in uncorroborated if groups.met_by(i) and groups.met_by(j)]
    edges += [(index[a], index[b]) for a, b in zip(band["uid_l"], band["uid_r"], strict=True)
              if groups.met_by(index[a]) and groups.met_by(index[b])]
    if settings.counterpart_names_alone and groups.records is not None:
        edges += _named_alike_across(groups)
    joined = 0
    for _ in range(3):  # a join may give two other persons a counterpart in common
        candidates = []
        for i, j in edges:
            ra, rb = groups.find(i), groups.find(j)
            if ra != rb and (groups.met(ra) & groups.met(rb)) - {ra, rb}:
                candidates.append((i, j, ra, rb))
        # A record that would join two persons who conflict (father or son?) joins neither.
        partners: dict[int, set[int]] = defaultdict(set)
        for i, j, ra, rb in candidates:
            partners[i].add(rb)
            partners[j].add(ra)
        torn = {k for k, roots in partners.items() if len(roots) > 1 and any(
            groups.conflict(a, b) or groups.relationship_conflict(a, b)
            for a in roots for b in roots if a < b)}
        before = joined
        for i, j, _, _ in candidates:
            if i in torn or j in torn:
                continue
            ra, rb = groups.find(i), groups.find(j)
            if ra == rb:
                continue
            reason = _edge_refusal(groups, i, j, ra, rb, ambiguous, settings)
            if reason is None or (reason == "uncorroborated"
                                  and not groups.contradicted(ra, rb)):
                groups.union(ra, rb)
                joined += 1
        if joined == before:
            break
    return joined


def _named_alike_across(groups: _Groups) -> list[tuple[int, int]]:
    """Pairs of records in two persons, of one surname and one forename (or nickname), that
    met one person on the other side of an incident: pairs no blocking rule need have
    kept. The control room's "Carl Cooper", by name alone at another address with another
    phone, scores too low beside the crime system's Carl Cooper with his date of birth to
    be kept at all; that both were recorded against one woman is what ties them, and
    `_join_on_counterparts` asks it with every refusal (a father and son of one name who
    both harm her differ in their dates of birth or are her partner and her family, and a
    record that fits both joins neither)."""
    if not groups.has_counterparts:
        return []
    cols = groups.records.cols
    n = len(groups.parent)
    at = np.asarray(groups._met_at, dtype=np.int64)
    source = np.repeat(np.arange(n), np.diff(at))
    roots = np.fromiter((groups.find(i) for i in range(n)), np.int64, n)
    surname = pd.Series(cols["sn"], dtype=object)
    named = (surname.notna() & pd.Series(cols["fn"], dtype=object).notna()).to_numpy()
    keep = named[source]
    met = pd.DataFrame({"k": source[keep],
                        "met": roots[np.asarray(groups._met_to, dtype=np.int64)[keep]]})
    met = met.drop_duplicates()
    met["sn"] = surname.to_numpy()[met["k"].to_numpy()]
    # Only a person met by two records of one surname can pair them.
    met = met[met.duplicated(["met", "sn"], keep=False)]
    both = met.merge(met, on=["met", "sn"])
    both = both[both["k_x"] < both["k_y"]]
    both = both[roots[both["k_x"].to_numpy()] != roots[both["k_y"].to_numpy()]]
    fn, fn_all = cols["fn"], cols["fn_all"]
    pairs = dict.fromkeys(
        (i, j) for i, j in zip(both["k_x"].tolist(), both["k_y"].tolist(), strict=True)
        if fn[i] == fn[j] or set(fn_all[i] or ()) & set(fn_all[j] or ()))
    return list(pairs)


def counterparts_in_common(node: str, others: Sequence[str], counterparts: pd.DataFrame
                           ) -> dict[str, tuple[bool, bool]]:
    """The full relink's counterpart reading (`_join_on_counterparts`) for one arriving
    record's person `node` and the persons it may be (`others`), the nodes being persons
    and `counterparts` their pairs (uid_l the victim, uid_r the suspect, relationship) as
    `LinkageSettings.counterparts`: for each of `others`, (whether it met on the other side
    of an incident a person `node` met too, whether one is that person's partner and the
    other her family: `_Groups.relationship_conflict`)."""
    uids = list(dict.fromkeys([node, *others, *counterparts["uid_l"], *counterparts["uid_r"]]))
    groups = _Groups(uids, None)
    groups.set_counterparts(counterparts)
    a = groups.index[node]
    mine = groups.met(a)
    out = {}
    for other in others:
        b = groups.index[other]
        out[other] = (bool((mine & groups.met(b)) - {a, b}), groups.relationship_conflict(a, b))
    return out


def _ordered_edges(pairs: pd.DataFrame, threshold: float, records: _Records | None = None,
                   position: pd.Index | None = None,
                   own_phone_threshold: float | None = None,
                   dated_threshold: float | None = None) -> pd.DataFrame:
    """The edges clustering may join, strongest first: pairs at or above the threshold;
    pairs at or above `own_phone_threshold` whose records give one phone that no one else
    gives (see `_Records.own_phone`); and pairs at or above `dated_threshold` whose
    records both give a date of birth, alike (see `_Records.dated_alike`). Every edge is
    still refused where clustering finds a conflict, an ambiguity or no corroboration."""
    strong = pairs[pairs["match_probability"] >= threshold]
    lower = [t for t in (own_phone_threshold, dated_threshold) if t is not None and t < threshold]
    if records is None or not lower:
        return _strongest_first(strong)
    near = pairs[(pairs["match_probability"] >= min(lower))
                 & (pairs["match_probability"] < threshold)]
    left, right = _rows(near, position)
    phone = own_phone_threshold if own_phone_threshold is not None else math.inf
    dated = dated_threshold if dated_threshold is not None else math.inf
    keep = [(p >= phone and records.own_phone(i, j)) or (p >= dated and records.dated_alike(i, j))
            for i, j, p in zip(left, right, near["match_probability"].tolist(), strict=True)]
    return _strongest_first(pd.concat([strong, near[keep]]))


def _rows(pairs: pd.DataFrame, position: pd.Index) -> tuple[list[int], list[int]]:
    """Each pair's two records' rows in the prepared frame, as DuckDB gave them
    (`engine.predict_pairs`) or looked up by uid (Spark's pairs, a test's)."""
    if "pos_l" in pairs.columns:
        return pairs["pos_l"].tolist(), pairs["pos_r"].tolist()
    return position.get_indexer(pairs["uid_l"]).tolist(), position.get_indexer(
        pairs["uid_r"]).tolist()


def _strongest_first(edges: pd.DataFrame) -> pd.DataFrame:
    return edges.sort_values(
        ["match_weight", "uid_l", "uid_r"], ascending=[False, True, True], kind="stable"
    )


def _apply_clerical(groups: _Groups, settings: LinkageSettings) -> None:
    for pair in settings.cannot_link:
        a, b = tuple(pair)
        if a in groups.index and b in groups.index:
            groups.forbid(groups.index[a], groups.index[b])
    for pair in sorted(settings.must_link, key=sorted):
        a, b = sorted(pair)
        if a not in groups.index or b not in groups.index:
            continue
        ra, rb = groups.find(groups.index[a]), groups.find(groups.index[b])
        if ra != rb and not groups.explicit_block(ra, rb):
            groups.union(ra, rb)


def _lacks_dob(profile: Mapping[str, Any]) -> bool:
    return not profile.get("dob")


def _lacks_forename(profile: Mapping[str, Any]) -> bool:
    forename = profile.get("fn")
    return not forename or len(forename) == 1


def _ambiguous_records(
    left: Sequence[int], right: Sequence[int], records: _Records | None, max_degree: int = 30
) -> set[int]:
    """Records whose strong matches contradict each other.

    A record with no date of birth matching both "John Smith b.1960" and
    "John Smith b.1987" at one address could be father or son: greedy
    clustering would pick one arbitrarily. Precision first: such a record is
    linked to neither and its pairs go to clerical review. Only neighbours the
    record itself is compatible with count, and only records missing a date of
    birth or forename can be ambiguous this way (complete records are
    separated by the hard conflicts themselves).
    """
    if records is None:
        return set()
    sparse = {
        i for i in set(left) | set(right) if records.lacks_dob(i) or not records.cols["fn"][i]
    }
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(left, right, strict=True):
        if a in sparse:
            neighbours.setdefault(a, []).append(b)
        if b in sparse:
            neighbours.setdefault(b, []).append(a)
    ambiguous = set()
    for x, near in neighbours.items():
        near = [y for y in near[:max_degree] if not records.conflict(x, y)]
        if any(records.conflict(y, z) for k, y in enumerate(near) for z in near[k + 1 :]):
            ambiguous.add(x)
    return ambiguous


def _edge_refusal(
    groups: _Groups,
    i: int,
    j: int,
    ra: int,
    rb: int,
    ambiguous: set[int],
    settings: LinkageSettings,
) -> str | None:
    """Why an above-threshold edge may not join its two groups (None: it may)."""
    if (i in ambiguous or j in ambiguous) and not (
        groups.records is not None and groups.records.corroborated(i, j)
    ):
        # A sparse record that fits the father and the son goes with the one it shares
        # an identifier a relative would not (own phone, e-mail, PNC id, same role in the
        # same incident); otherwise with neither.
        return "ambiguous"
    if groups.explicit_block(ra, rb):
        return "cannot_link"
    reasons = groups.conflict_reasons(ra, rb)
    records = groups.records
    if reasons and not (reasons == {"forename"} and (
            records.corroborated(i, j) or groups.forename_conflicts_held(ra, rb))):
        # Forenames no table relates (Kasia / Katarzyna, Shawn / Sean) are set aside only
        # when the two records themselves share an identifier a twin would not: their own
        # phone, e-mail, PNC id, or the same role in the same real incident; or when a
        # group already holds the two forenames side by side (set aside before).
        return "conflict"
    if (groups.has_counterparts and records is not None
            and (records.lacks_dob(i) or records.lacks_dob(j))
            and groups.relationship_conflict(ra, rb) and not records.corroborated(i, j)):
        # A father and son of one name at one home, both recorded against the mother, one
        # record without a date of birth: the records say one is her partner, the other
        # her son. Only where nothing else ties the two records (staff miscode a
        # relationship now and then; a date of birth or an own phone outweighs that).
        return "relationship"
    if records is None or not settings.sparse_needs_corroboration:
        return None
    if (
        (records.lacks_dob(i) or records.lacks_dob(j))
        and not (records.same_home(i, j) and not groups.contradicted(ra, rb))
        and not groups.corroborated(ra, rb)
    ):
        # Name and home together are accepted for a strong edge unless the two persons'
        # records give different phones or e-mails: a father and son of one name at one
        # home, whose records lack dates of birth, differ in nothing else (the two records
        # themselves often give no phone at all). A reviewer is asked instead. On the
        # benchmark this cut false pairs by 30 %: at 1 M 1,091 -> 756 (docs/benchmarks.md,
        # "Father and son at one home").
        return "uncorroborated"
    if (
        (records.lacks_forename(i) or records.lacks_forename(j))
        and groups.contradicted(ra, rb)
        and not groups.corroborated(ra, rb)
    ):
        return "uncorroborated"
    return None


def groundwork(prepared: pd.DataFrame, settings: LinkageSettings) -> _Groups:
    """Every record a group of its own, with what clustering reads of it (its conflict
    fields, who it met, the clerical decisions): all that needs no scored pair, so
    `engine.link_records` lays it while the pairs are scored."""
    uids = prepared["uid"].tolist()
    records = _Records(prepared) if settings.use_hard_conflicts else None
    groups = _Groups(uids, records)
    if records is not None:
        groups.set_counterparts(settings.counterparts)
    _apply_clerical(groups, settings)
    return groups


def _cluster(model: LinkageModel, pairs: pd.DataFrame, threshold: float,
             groups: _Groups | None = None):
    """`groups`: `groundwork(model.prepared, model.settings)`, laid already or not."""
    settings = model.settings
    if groups is None:
        groups = groundwork(model.prepared, settings)
    uids, records = groups.uids, groups.records
    position = pd.Index(uids)
    edges = _ordered_edges(pairs, threshold, records, position,
                           settings.own_phone_link_threshold, settings.dated_link_threshold)
    left, right = _rows(edges, position)
    ambiguous = _ambiguous_records(left, right, records)
    pending = list(zip(left, right, edges["match_probability"].tolist(), strict=True))
    refusals: dict[tuple[int, int], tuple[str, float]] = {}
    # Later passes retry edges refused only for want of corroboration: the group
    # may since have gained the record that carries the shared phone or e-mail.
    for _ in range(3):
        retry, joined = [], 0
        for i, j, prob in pending:
            ra, rb = groups.find(i), groups.find(j)
            if ra == rb:
                refusals.pop((i, j), None)
                continue
            reason = _edge_refusal(groups, i, j, ra, rb, ambiguous, settings)
            if reason is None:
                groups.union(ra, rb)
                joined += 1
                refusals.pop((i, j), None)
                continue
            refusals[(i, j)] = (reason, float(prob))
            if reason == "uncorroborated":
                retry.append((i, j, prob))
        if not joined or not retry:
            break
        pending = retry
    by_persons, started = 0, time.perf_counter()
    if records is not None and settings.persons_evidence:
        by_persons = _join_on_persons_evidence(groups, pairs, threshold, ambiguous, settings,
                                               _identifier_weights(model))
    by_counterparts = 0
    if records is not None:
        stuck = [edge for edge, (reason, _) in refusals.items() if reason == "uncorroborated"]
        by_counterparts = _join_on_counterparts(groups, pairs, threshold, ambiguous, settings,
                                                stuck)
    persons_seconds = time.perf_counter() - started
    refused = [(uids[i], uids[j], prob, reason) for (i, j), (reason, prob) in refusals.items()]
    reasons = Counter(reason for reason, _ in refusals.values())
    logger.info(
        "linkage clustered edges=%d refused=%s ambiguous=%d links=%d by_persons=%d "
        "by_counterparts=%d (%.1f s)",
        len(edges),
        dict(reasons),
        len(ambiguous),
        groups.unions,
        by_persons,
        by_counterparts,
        persons_seconds,
    )
    return groups.labels(uids), refused, records


def cluster(
    model: LinkageModel, pairs: pd.DataFrame, threshold: float | None = None
) -> dict[str, str]:
    """Group records into persons: uid -> cluster id (smallest uid of the cluster).

    Greedy constrained clustering: must-links are joined first; then edges at or
    above `threshold` are added strongest first, and an edge is refused when it
    would put a cannot-link pair, or a hard conflict, into one cluster. So a
    cannot-link holds even through transitive links: the weakest edge on the
    path is the one dropped. A record whose strong matches conflict with each
    other (father or son?) is linked to neither (see `_ambiguous_records`).
    """
    threshold = model.settings.link_threshold if threshold is None else threshold
    clusters, _, _ = _cluster(model, pairs, threshold)
    return clusters


# Refusals a person could overturn; a hard conflict or an earlier "not the same" cannot be.
_REVIEWABLE_REFUSALS = frozenset({"ambiguous", "uncorroborated"})


def _uncertain(
    pairs: pd.DataFrame,
    clusters: Mapping[str, str],
    refused: Iterable,
    settings: LinkageSettings,
    records: _Records | None = None,
    uids: Sequence[str] = (),
) -> list[tuple[str, str, float]]:
    """What a reviewer should decide: one pair per two persons that might be one.

    A reviewer's time is the scarce resource, so: pairs with a hard conflict (different
    dates of birth, PNC ids, genders) are not queued, nor edges refused for one, nor pairs
    whose two persons hold one between any of their records (the clustering keeps those
    persons apart whatever the reviewer says of this pair, unless a "same" forces two
    records of incompatible dates of birth into one person: on the tuning export 81 % of
    such pairs were two people); two
    persons appear once, through their strongest pair, however many records each holds;
    a record appears in one pair only; and a pair whose records share nothing but names
    (one lacks a date of birth; no home, phone, e-mail, PNC id or incident in common) is
    not queued: the reviewer would have nothing more to go on than the model.
    """
    lower, upper = settings.review_band
    decided = settings.must_link | settings.cannot_link
    position = {uid: k for k, uid in enumerate(uids)}

    members: dict[str, list[int]] = defaultdict(list)
    if records is not None:
        for uid, k in position.items():
            members[clusters[uid]].append(k)

    def persons_conflict(uid_l: str, uid_r: str) -> bool:
        """A hard conflict between any record of one person and any of the other."""
        return any(records.conflict(i, j) is not None
                   for i in members[clusters[uid_l]] for j in members[clusters[uid_r]])

    def conflicted(uid_l: str, uid_r: str) -> bool:
        """A hard conflict, or nothing but names to decide on (a reviewer sees no more
        than the model: such pairs are mostly two people, and a wrong "same" is costly)."""
        if records is None:
            return False
        i, j = position[uid_l], position[uid_r]
        return (records.conflict(i, j) is not None or records.names_only(i, j)
                or persons_conflict(uid_l, uid_r))

    band = pairs[(pairs["match_probability"] >= lower) & (pairs["match_probability"] < upper)]
    candidates = [
        (uid_l, uid_r, float(prob))
        for uid_l, uid_r, prob in zip(
            band["uid_l"], band["uid_r"], band["match_probability"], strict=True
        )
        if clusters[uid_l] != clusters[uid_r] and not conflicted(uid_l, uid_r)
    ]
    candidates += [
        (uid_l, uid_r, prob)
        for uid_l, uid_r, prob, reason in refused
        if reason in _REVIEWABLE_REFUSALS
        and clusters[uid_l] != clusters[uid_r]
        and not (records is not None and (records.names_only(position[uid_l], position[uid_r])
                                          or persons_conflict(uid_l, uid_r)))
    ]
    strongest: dict[frozenset, tuple[str, str, float]] = {}
    for uid_l, uid_r, prob in candidates:
        if frozenset((uid_l, uid_r)) in decided:
            continue
        persons = frozenset((clusters[uid_l], clusters[uid_r]))
        # Equal scores (two records of one person alike on every field) are broken by the
        # uids, not by the order DuckDB's threads returned the pairs in.
        if persons not in strongest or (-prob, uid_l, uid_r) < (
                -strongest[persons][2], strongest[persons][0], strongest[persons][1]):
            strongest[persons] = (uid_l, uid_r, prob)
    # One question per record: a record both persons' pairs share (a sparse record that
    # could be the father or the son) is asked about once, through its strongest pair;
    # the answer settles it, and the next run asks about the other if still needed.
    asked: set[str] = set()
    queue = []
    for uid_l, uid_r, prob in sorted(strongest.values(), key=lambda t: (-t[2], t[0], t[1])):
        if uid_l in asked or uid_r in asked:
            continue
        asked.update((uid_l, uid_r))
        queue.append((uid_l, uid_r, prob))
    return queue


