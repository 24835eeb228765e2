"""Reading schools, pupils and concern receipts for the pages staff use: pupil search by
name, the names on a reporter's receipts, a trust's schools. Part of IntakeStore
(services/intake/store.py), which owns the collections and indexes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.common.store import Document
from services.intake.domain.schools import pupil_key

# What a pupil search shows and checks; never the roll's other columns or the outbox.
SEARCH_PROJECTION = dict.fromkeys(
    (
        "pupil_id",
        "forename",
        "preferred_forename",
        "surname",
        "date_of_birth",
        "on_roll_to",
        "surname_key",
        "forename_keys",
    ),
    1,
) | {"_id": 0}


class DirectoryQueries:
    schools: AsyncCollection[Document]
    pupils: AsyncCollection[Document]
    concerns: AsyncCollection[Document]

    async def pupils_starting(self, school_id: str, key_prefix: str) -> list[Document]:
        """The school's pupils with a surname or forename key starting with `key_prefix`,
        by name. On FerretDB this reads the school's pupils (a few thousand at most)."""
        first = "^" + re.escape(key_prefix)
        cursor = self.pupils.find(
            {
                "school_id": school_id,
                "$or": [{"surname_key": {"$regex": first}}, {"forename_keys": {"$regex": first}}],
            },
            projection=SEARCH_PROJECTION,
        ).sort([("surname_key", 1), ("forename_keys", 1)])
        return [pupil async for pupil in cursor]

    async def pupil_names(self, school_id: str, pupil_ids: Iterable[str]) -> dict[str, Document]:
        keys = [pupil_key(school_id, p) for p in set(pupil_ids)]
        if not keys:
            return {}
        cursor = self.pupils.find(
            {"_id": {"$in": keys}},
            projection={"pupil_id": 1, "forename": 1, "preferred_forename": 1, "surname": 1},
        )
        return {p["pupil_id"]: p async for p in cursor}

    async def receipts_of(
        self, school_id: str, user_id: str, before: datetime | None, limit: int
    ) -> list[Document]:
        """A reporter's concerns at a school, newest first: receipt fields only."""
        conditions: dict[str, Any] = {"school_id": school_id, "reported_by": user_id}
        if before is not None:
            conditions["received_at"] = {"$lt": before}
        cursor = (
            self.concerns.find(conditions, projection={"_id": 1, "pupil_id": 1, "received_at": 1})
            .sort("received_at", -1)
            .limit(limit)
        )
        return [doc async for doc in cursor]

    async def schools_of_trust(self, trust_id: str, limit: int) -> list[Document]:
        cursor = self.schools.find({"trust_id": trust_id}, projection={"outbox": 0}).limit(limit)
        return [school async for school in cursor]
