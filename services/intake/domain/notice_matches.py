"""Matching every child of a delivery at once: the school each was said to attend, the
matcher's verdict on the pupils the store found for all of them together, and the fields
a verdict sets on the child's stored notice (domain/notices.py).

Pure: the caller fetches the schools the police named (by URN) and one pool of pupils
sharing a surname key or UPN with any of the children; `matching.match_child` decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from services.intake.domain.encompass import NotifiedChild
from services.intake.domain.matching import Candidate, MatchResult, match_child
from services.intake.domain.names import surname_key

MatchedBy = Literal["upn", "school", "trust", "manual"]


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


def candidate_record(pupil: Candidate) -> dict[str, Any]:
    return {
        "pupil_id": pupil.pupil_id,
        "school_id": pupil.school_id,
        "trust_id": pupil.trust_id,
        "forename": pupil.forename,
        "preferred_forename": pupil.preferred_forename,
        "surname": pupil.surname,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "upn": pupil.upn,
        "on_roll_from": pupil.on_roll_from.isoformat() if pupil.on_roll_from > date.min else None,
        "on_roll_to": pupil.on_roll_to.isoformat() if pupil.on_roll_to else None,
    }


def match_fields(match: Match, allowed_trust_ids: Iterable[str]) -> dict[str, Any]:
    """The fields a match (or a failure to match) sets on the stored record."""
    result, named = match.result, match.named_school
    if result.matched and result.pupil is not None:
        return {
            **matched_fields(result.pupil, result.matched_by or "manual", result.reason),
            "named_school_id": named.school_id if named else None,
        }
    candidates = result.candidates
    if named is not None:
        trusts = {named.trust_id}
        schools = {named.school_id}
    else:
        trusts = set(allowed_trust_ids)
        schools = set()
    trusts |= {pupil.trust_id for pupil in candidates}
    schools |= {pupil.school_id for pupil in candidates}
    return {
        "state": "unmatched",
        "pupil_id": None,
        "trust_id": named.trust_id if named else None,
        "school_id": named.school_id if named else None,
        "named_school_id": named.school_id if named else None,
        "trust_ids": sorted(trusts),
        "school_ids": sorted(schools),
        "match": {
            "matched_by": None,
            "reason": result.reason,
            "trust_reasons": [{"trust_id": t, "reason": r} for t, r in match.trust_reasons],
            "candidates": [candidate_record(pupil) for pupil in candidates],
        },
    }


def matched_fields(pupil: Candidate, matched_by: MatchedBy, reason: str) -> dict[str, Any]:
    return {
        "state": "matched",
        "pupil_id": pupil.pupil_id,
        "trust_id": pupil.trust_id,
        "school_id": pupil.school_id,
        "trust_ids": [pupil.trust_id],
        "school_ids": [pupil.school_id],
        "match": {
            "matched_by": matched_by,
            "reason": reason,
            "trust_reasons": [],
            "candidates": [],
        },
    }
