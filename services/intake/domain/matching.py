"""Matching a child named by police to exactly one pupil, or to nobody.

A wrong match sends a domestic-abuse notice about one child to the school of
another, so the rules only ever match on unambiguous evidence. Everything else is
left unmatched for a Designated Safeguarding Lead (DSL) to resolve by hand, with a
reason and the near-miss pupils to choose from.

The caller owns the database: it fetches a small pool of pupils (every pupil of the
sender's trusts, on roll or not, sharing the child's surname key or UPN, which also
brings back "same name, different date of birth" pupils to offer for matching by hand)
and passes it in, so this module stays pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from services.intake.domain.encompass import NotifiedChild
from services.intake.domain.names import forename_keys, normalise_name
from services.intake.domain.roster import is_on_roll

Outcome = Literal["matched", "unmatched"]
MatchedBy = Literal["upn", "school", "trust"]

FULL_MATCH = "surname, forename and date of birth"


@dataclass(frozen=True)
class Candidate:
    """A pupil from the store, with the school and trust whose roll they are on."""

    pupil_id: str
    school_id: str
    trust_id: str
    upn: str | None
    forename: str
    preferred_forename: str | None
    surname: str
    date_of_birth: date
    on_roll_from: date
    on_roll_to: date | None


@dataclass(frozen=True)
class MatchResult:
    outcome: Outcome
    pupil: Candidate | None
    reason: str
    # Pupils a DSL may choose from when matching by hand; empty when matched.
    candidates: tuple[Candidate, ...] = ()
    # Which rule matched: 1 (UPN), 2 (the named school) or 3 (elsewhere in its trust).
    matched_by: MatchedBy | None = None

    @property
    def matched(self) -> bool:
        return self.outcome == "matched"


def match_child(
    child: NotifiedChild,
    incident_date: date,
    named_school_id: str | None,
    named_school_trust_id: str | None,
    allowed_trust_ids: frozenset[str],
    pool: Sequence[Candidate],
) -> MatchResult:
    """Match a notified child to one pupil on roll at `incident_date`, or to nobody.

    1. exactly one pupil on roll with the child's UPN;
    2. else exactly one pupil on roll at the named school with the same date of
       birth, surname and forename (a preferred forename counts);
    3. else exactly one such pupil at the other schools of the named school's trust;
    4. else unmatched, with the reason and the pupils a DSL may choose from.

    Pupils outside `allowed_trust_ids` are ignored entirely, as if absent. A school
    named by the police that lies outside those trusts is treated as unknown.
    """
    allowed = [pupil for pupil in pool if pupil.trust_id in allowed_trust_ids]
    upn_hits = [pupil for pupil in allowed if child.upn and _upn(pupil) == child.upn]
    upn_on_roll = [pupil for pupil in upn_hits if is_on_roll(pupil, incident_date)]
    if len(upn_on_roll) == 1:
        return _matched(upn_on_roll[0], "UPN matches a pupil on roll", "upn")
    if len(upn_on_roll) > 1:
        return _unmatched([f"{len(upn_on_roll)} pupils on roll share this UPN"], upn_on_roll)

    school_known = named_school_id is not None and named_school_trust_id in allowed_trust_ids
    if not school_known:
        return _explain(child, incident_date, allowed, upn_hits, school_unknown=True)

    trust_pool = [pupil for pupil in allowed if pupil.trust_id == named_school_trust_id]
    full = [p for p in trust_pool if _full_match(child, p) and is_on_roll(p, incident_date)]
    at_school = [pupil for pupil in full if pupil.school_id == named_school_id]
    elsewhere = [pupil for pupil in full if pupil.school_id != named_school_id]
    steps: tuple[tuple[list[Candidate], str, str, MatchedBy], ...] = (
        (at_school, "at this school", "at this school", "school"),
        (elsewhere, "at another school in the trust", "at other schools in the trust", "trust"),
    )
    for found, one, several, by in steps:
        if len(found) > 1:
            return _unmatched([f"{len(found)} pupils match {FULL_MATCH} {several}"], found)
        if len(found) == 1:
            pupil = found[0]
            if child.upn and pupil.upn and _upn(pupil) != child.upn:
                # Two identifiers disagree: the police may have the wrong child or
                # the wrong UPN, and only a person can tell which.
                reason = f"{FULL_MATCH} match a pupil {one} but their UPN differs"
                return _unmatched([reason], [pupil, *_scoped(upn_hits, trust_pool)])
            return _matched(pupil, f"{FULL_MATCH} match a pupil {one}", by)

    return _explain(child, incident_date, trust_pool, _scoped(upn_hits, trust_pool))


def _explain(
    child: NotifiedChild,
    incident_date: date,
    scope: Sequence[Candidate],
    upn_hits: Sequence[Candidate],
    *,
    school_unknown: bool = False,
) -> MatchResult:
    """Say why nothing matched, and gather near misses within `scope` for a DSL."""
    reasons: list[str] = []
    candidates: list[Candidate] = []

    def note(found: Sequence[Candidate], reason: str) -> None:
        if found:
            reasons.append(reason)
            candidates.extend(found)

    if school_unknown:
        reasons.append("school URN unknown")
    for pupil in upn_hits:  # none is on roll, or step 1 would have decided
        note([pupil], f"UPN matches a pupil {_roll_status(pupil, incident_date)}")

    on_roll = [pupil for pupil in scope if is_on_roll(pupil, incident_date)]
    full = [pupil for pupil in scope if _full_match(child, pupil)]
    full_on_roll = [pupil for pupil in full if pupil in on_roll]
    if school_unknown and full_on_roll:
        count = "a pupil" if len(full_on_roll) == 1 else f"{len(full_on_roll)} pupils"
        note(full_on_roll, f"{FULL_MATCH} match {count} on roll")
    for pupil in full:
        if pupil not in full_on_roll:
            note([pupil], f"{FULL_MATCH} match a pupil {_roll_status(pupil, incident_date)}")

    surname = normalise_name(child.surname)
    forename = normalise_name(child.forename)
    same_surname = [pupil for pupil in on_roll if normalise_name(pupil.surname) == surname]
    note(
        [
            p
            for p in same_surname
            if p.date_of_birth == child.date_of_birth and not _forename(p, forename)
        ],
        "surname and date of birth match but forename differs",
    )
    note(
        [
            p
            for p in same_surname
            if p.date_of_birth != child.date_of_birth and _forename(p, forename)
        ],
        "surname and forename match but date of birth differs",
    )

    if not candidates:
        where = "the trusts this sender may notify" if school_unknown else "the trust"
        reasons.append(f"no pupil with this date of birth and surname in {where}")
    return _unmatched(reasons, candidates)


def _matched(pupil: Candidate, reason: str, by: MatchedBy) -> MatchResult:
    return MatchResult(outcome="matched", pupil=pupil, reason=reason, matched_by=by)


def _unmatched(reasons: Iterable[str], candidates: Iterable[Candidate]) -> MatchResult:
    return MatchResult(
        outcome="unmatched",
        pupil=None,
        reason="; ".join(dict.fromkeys(reasons)),
        candidates=_unique_sorted(candidates),
    )


def _unique_sorted(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    unique = {(pupil.school_id, pupil.pupil_id): pupil for pupil in candidates}
    return tuple(
        sorted(
            unique.values(),
            key=lambda p: (
                p.school_id,
                normalise_name(p.surname),
                normalise_name(p.forename),
                p.pupil_id,
            ),
        )
    )


def _full_match(child: NotifiedChild, pupil: Candidate) -> bool:
    return (
        pupil.date_of_birth == child.date_of_birth
        and normalise_name(pupil.surname) == normalise_name(child.surname)
        and _forename(pupil, normalise_name(child.forename))
    )


def _forename(pupil: Candidate, forename: str) -> bool:
    return forename in forename_keys(pupil.forename, pupil.preferred_forename)


def _upn(pupil: Candidate) -> str | None:
    return pupil.upn.strip().upper() if pupil.upn else None


def _scoped(pupils: Sequence[Candidate], scope: Sequence[Candidate]) -> list[Candidate]:
    return [pupil for pupil in pupils if pupil in scope]


def _roll_status(pupil: Candidate, on: date) -> str:
    if pupil.on_roll_from > on:
        return "not yet on roll at the incident date"
    return "no longer on roll"
