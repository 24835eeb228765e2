"""The low-level concerns log: per adult, every concern about them that did not meet the
harm threshold; and the pattern rule: a third low-level concern about the same adult
within 12 months alerts the case manager, once per pattern (a pattern may itself meet
the harm threshold). Pure.

Who "the same adult" is: their sign-in id (`staff_user_id`) when the reporter gave it,
else their name within the school, compared case-folded, without accents, punctuation or
extra spaces ("Mr O'Brien-Smith" = "mr obriensmith"). The key stores a digest of the
name, never the name itself (keys end up in ids and logs). Two people of the same name at
one school without sign-in ids share a log: the reporter can tell them apart by giving
the sign-in id.

When: the 12 months are counted between the concerns' `occurred_at` (when the behaviour
happened or was seen), so a late report of an old incident joins the pattern of its time.
A pattern is the concerns not already in a pattern that fall within 12 months of each
other, three or more of them, including the one just logged: concerns 1-3 make a pattern
and alert; a fourth in the same year does not alert again; three further ones do."""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.adult_cases import AdultSubject

PATTERN_SIZE = 3
_PATTERN_IDS = uuid.UUID("b8f2d6a4-3c1e-4f9b-8d7a-5e2c0b4f6a19")


def normalised_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if c.isalnum() or c.isspace())
    return " ".join(letters.split())


def adult_key(subject: AdultSubject) -> str:
    """The adult's identity within the school: "user:<id>", else "name:<digest>"."""
    if subject.staff_user_id is not None:
        return f"user:{subject.staff_user_id}"
    digest = hashlib.sha256(normalised_name(subject.name).encode()).hexdigest()[:32]
    return f"name:{digest}"


def log_id(school_id: str, key: str) -> str:
    return f"{school_id}/{key}"


def twelve_months_after(moment: datetime) -> datetime:
    """The same instant a year later (29 February: 28 February)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


@dataclass(frozen=True)
class Pattern:
    pattern_id: str
    case_ids: list[str]
    first_occurred_at: datetime
    last_occurred_at: datetime


def logged(entries: Sequence[Mapping[str, Any]], case_id: str) -> bool:
    return any(entry["case_id"] == case_id for entry in entries)


def new_pattern(
    log_key: str,
    entries: Sequence[Mapping[str, Any]],
    patterns: Sequence[Mapping[str, Any]],
    added_case_id: str,
) -> Pattern | None:
    """The pattern the concern just logged (`added_case_id`, among `entries`) completes,
    if any: the earliest 12-month window holding it and at least two other concerns that
    are in no earlier pattern."""
    patterned = {case_id for p in patterns for case_id in p["case_ids"]}
    free = sorted(
        (e for e in entries if e["case_id"] not in patterned),
        key=lambda e: (e["occurred_at"], e["case_id"]),
    )
    for start, first in enumerate(free):
        end = twelve_months_after(first["occurred_at"])
        window = [e for e in free[start:] if e["occurred_at"] <= end]
        ids = [e["case_id"] for e in window]
        if len(window) >= PATTERN_SIZE and added_case_id in ids:
            name = f"{log_key}\x1f{added_case_id}"
            return Pattern(
                f"llp_{uuid.uuid5(_PATTERN_IDS, name).hex}",
                ids,
                window[0]["occurred_at"],
                window[-1]["occurred_at"],
            )
    return None
