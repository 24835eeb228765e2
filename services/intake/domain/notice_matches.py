"""Matching every child of a delivery at once: the school each was said to attend, and the
matcher's verdict on the pupils the store found for all of them together.

Pure: the caller fetches the schools the police named (by URN) and one pool of pupils
sharing a surname key or UPN with any of the children; `matching.match_child` decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services.intake.domain.encompass import NotifiedChild
from services.intake.domain.matching import Candidate, MatchResult, match_child
from services.intake.domain.names import surname_key


@dataclass(frozen=True)
class NamedSchool:
    """The school the police named, resolved by URN among the sender's trusts."""

    school_id: str
    trust_id: str


@dataclass(frozen=True)
class Match:
    """The matcher's verdict with what a DSL needs to see if it is unmatched."""

    result: MatchResult
    named_school: NamedSchool | None
    # When the school is unknown and the sender covers several trusts, the reason as
    # seen from each trust alone, so no trust learns about another trust's pupils.
    trust_reasons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChildToMatch:
    child: NotifiedChild
    incident_date: date  # in England: it decides who was on roll


def named_schools(found: Mapping[str, Sequence[NamedSchool]]) -> dict[str, NamedSchool]:
    """URN -> school; a URN that names more than one school is as good as unknown."""
    return {urn: schools[0] for urn, schools in found.items() if len(schools) == 1}


def match_children(
    children: Sequence[ChildToMatch],
    schools: Mapping[str, NamedSchool],
    pool: Sequence[Candidate],
    allowed: frozenset[str],
) -> list[Match]:
    """One verdict per child, each from the pupils sharing its surname key or its UPN."""
    by_surname: dict[str, list[Candidate]] = defaultdict(list)
    by_upn: dict[str, list[Candidate]] = defaultdict(list)
    for pupil in pool:
        by_surname[surname_key(pupil.surname)].append(pupil)
        if pupil.upn:
            by_upn[pupil.upn].append(pupil)
    matches = []
    for item in children:
        child, when = item.child, item.incident_date
        near = [*by_surname.get(surname_key(child.surname), ()), *by_upn.get(child.upn or "", ())]
        own_pool = list({(p.school_id, p.pupil_id): p for p in near}.values())
        named = schools.get(child.school_urn or "")
        result = match_child(
            child,
            when,
            named.school_id if named else None,
            named.trust_id if named else None,
            allowed,
            own_pool,
        )
        per_trust: tuple[tuple[str, str], ...] = ()
        if not result.matched and named is None and len(allowed) > 1:
            per_trust = tuple(
                (trust, match_child(child, when, None, None, frozenset({trust}), own_pool).reason)
                for trust in sorted(allowed)
            )
        matches.append(Match(result, named, per_trust))
    return matches
