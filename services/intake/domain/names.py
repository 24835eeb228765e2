"""Normalisation of children's names and identifiers for matching.

Police and school systems record the same child differently: accents lost by older
systems, apostrophes and hyphens typed inconsistently, case varying. Every comparison
of names goes through `normalise_name` so that the roster store, the matcher and the
duplicate detector agree on what "the same name" means.
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophe-like marks (including ‘ and ` typed in place of an apostrophe), hyphen and
# dash variants, and full stops ("St. Clair"): none of them distinguishes one child from
# another, but all of them vary between systems.
_IGNORED = frozenset("'’ʼ‘`-‐‑‒–—−.")

# Letters that NFKD does not decompose but which English-language systems routinely
# record as their base letters (Łukasz is often keyed as Lukasz, Søren as Soren).
_FOLDS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
    }
)

_UPN = re.compile(r"[A-Z][A-Z0-9]{12}")


def normalise_name(name: str) -> str:
    """Return the comparison key of a personal name.

    Zoë == Zoe, O'Brien == OBrien == O’Brien, Smith-Jones == Smith Jones == SmithJones.
    The result is only for comparing and indexing, never for display.
    """
    # Case-fold first: some folds produce combining marks (İ -> i + dot) that NFKD
    # then separates so they can be dropped.
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = (
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and ch not in _IGNORED and not ch.isspace()
    )
    return "".join(kept).translate(_FOLDS)


def surname_key(surname: str) -> str:
    """The key the pupil store indexes (with date of birth) to fetch candidates."""
    return normalise_name(surname)


def forename_keys(forename: str, preferred_forename: str | None = None) -> frozenset[str]:
    """Every normalised forename a pupil may be known by; a preferred forename counts."""
    names = (forename, preferred_forename or "")
    return frozenset(key for key in map(normalise_name, names) if key)


def parse_upn(value: str | None) -> str | None:
    """Return a Unique Pupil Number in canonical (upper-case) form, or None if blank.

    DfE UPNs are 13 characters: a check letter then 12 digits, or 11 digits and a
    letter for temporary UPNs. The check letter is not verified, so a mistyped but
    well-formed UPN simply fails to match rather than rejecting the whole record.

    Raises ValueError if the value is present but not of that shape.
    """
    if value is None:
        return None
    upn = value.strip().upper()
    if not upn:
        return None
    if not _UPN.fullmatch(upn):
        raise ValueError("must be 13 letters or digits starting with a letter")
    return upn
