"""Find pupils of the caller's own school by name, for choosing who a concern is about."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.common.auth import Principal
from services.intake.domain.names import normalise_name
from services.intake.store import IntakeStore

MAX_RESULTS = 50


class PupilSearch(BaseModel):
    """The body of POST /v1/pupils/search: a name, never in a URL or a log."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)
    limit: int = Field(default=20, ge=1, le=MAX_RESULTS)


class NotAtASchool(Exception):
    """The caller is not signed in at a school (trust-wide users pick no pupils here)."""


async def search_pupils(
    principal: Principal, search: PupilSearch, store: IntakeStore
) -> list[dict[str, Any]]:
    """Pupils whose forename, preferred forename or surname starts with each word typed,
    compared as the matcher compares names (case, accents, apostrophes, hyphens ignored)."""
    if principal.school_id is None:
        raise NotAtASchool
    words = [key for key in map(normalise_name, search.name.split()) if key]
    if not words:
        return []
    first = "^" + re.escape(words[0])
    # The store narrows by school and the first word; the other words are checked here.
    # On FerretDB this reads the school's pupils (a few thousand at most); the limit
    # bounds what is kept and sent.
    cursor = store.pupils.find(
        {
            "school_id": principal.school_id,
            "$or": [{"surname_key": {"$regex": first}}, {"forename_keys": {"$regex": first}}],
        },
        projection=_PROJECTION,
    ).sort([("surname_key", 1), ("forename_keys", 1)])
    found: list[dict[str, Any]] = []
    async for pupil in cursor:
        if _matches(pupil, words):
            found.append(_view(pupil))
            if len(found) >= search.limit:
                break
    return found


_PROJECTION = {
    "_id": 0,
    "pupil_id": 1,
    "forename": 1,
    "preferred_forename": 1,
    "surname": 1,
    "date_of_birth": 1,
    "on_roll_to": 1,
    "surname_key": 1,
    "forename_keys": 1,
}


def _matches(pupil: dict[str, Any], words: list[str]) -> bool:
    keys = [pupil.get("surname_key", ""), *pupil.get("forename_keys", [])]
    return all(any(key.startswith(word) for key in keys) for word in words)


def _view(pupil: dict[str, Any]) -> dict[str, Any]:
    return {
        "pupil_id": pupil["pupil_id"],
        "forename": pupil["forename"],
        "preferred_forename": pupil.get("preferred_forename"),
        "surname": pupil["surname"],
        "date_of_birth": pupil["date_of_birth"],
        "on_roll_to": pupil.get("on_roll_to"),
    }
