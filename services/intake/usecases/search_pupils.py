"""Find pupils of the caller's own school by name, for choosing who a concern is about."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document
from services.intake.domain.names import normalise_name
from services.intake.ports import IntakePorts

MAX_RESULTS = 50


class PupilSearch(BaseModel):
    """The body of POST /v1/pupils/search: a name, never in a URL or a log."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100)
    limit: int = Field(default=20, ge=1, le=MAX_RESULTS)


async def search_pupils(
    ports: IntakePorts, principal: Principal, search: PupilSearch
) -> list[Document]:
    """Pupils whose forename, preferred forename or surname starts with each word typed,
    compared as the matcher compares names (case, accents, apostrophes, hyphens ignored).
    Trust-wide users pick no pupils here: they are not at a school."""
    if principal.school_id is None:
        raise NotFound("school")
    words = [key for key in map(normalise_name, search.name.split()) if key]
    if not words:
        return []
    # The store narrows by school and the first word; the other words are checked here.
    found = await ports.store.pupils_starting(principal.school_id, words[0])
    return [pupil for pupil in found if _matches(pupil, words)][: search.limit]


def _matches(pupil: Document, words: list[str]) -> bool:
    keys = [pupil.get("surname_key", ""), *pupil.get("forename_keys", [])]
    return all(any(key.startswith(word) for key in keys) for word in words)
