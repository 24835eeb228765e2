"""Queries over police notices (collection `encompass_notifications`), and the lookups the
matcher needs: schools by URN and the pool of pupils a delivery's children may be.
Part of IntakeStore (services/intake/store.py), which owns the collections and indexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.common.field_cipher import FieldCipher, open_document
from services.common.retries import gather_limited
from services.common.store import Document
from services.intake.domain.encompass import NotifiedChild
from services.intake.domain.matching import Candidate
from services.intake.domain.names import surname_key
from services.intake.domain.notice_access import NoticeScope
from services.intake.domain.notice_matches import NamedSchool
from services.intake.domain.pupil_records import candidate_from
from services.intake.domain.schools import pupil_key
from services.intake.sealed_fields import NOTICE_TEXT

# Everything but the outbox, which can be long and is the relay's business.
NOTICE_PROJECTION = {"outbox": 0}
# Only what matching and the DSL's choice of candidates need; never the outbox.
CANDIDATE_PROJECTION = {
    "_id": 0,
    "pupil_id": 1,
    "school_id": 1,
    "trust_id": 1,
    "upn": 1,
    "forename": 1,
    "preferred_forename": 1,
    "surname": 1,
    "date_of_birth": 1,
    "on_roll_from": 1,
    "on_roll_to": 1,
}
FEW = 64  # up to this many notices are read one by one
MANY = 5000  # ids per `$in` query
POOL_SPLIT = 200  # surname keys above which the pupil pool is read in parts
POOL_PARTS = 4


def _scope_filter(scope: NoticeScope) -> dict[str, Any]:
    if scope.school_id is not None:
        return {"school_ids": scope.school_id}
    return {"trust_ids": scope.trust_id}


class NoticeQueries:
    cipher: FieldCipher | None
    schools: AsyncCollection[Document]
    pupils: AsyncCollection[Document]
    notices: AsyncCollection[Document]

    async def notice(self, notice_id: str) -> Document | None:
        found = await self.notices.find_one({"_id": notice_id}, projection=NOTICE_PROJECTION)
        return await self._opened(found)

    async def _opened(self, notice: Document | None) -> Document | None:
        """Its free text as text (sealed at rest)."""
        return await open_document(self.cipher, notice, NOTICE_TEXT)

    async def notices_by_id(self, ids: Sequence[str]) -> dict[str, Document]:
        """A few notices by `_id` lookups (FerretDB answers those from its primary key);
        a batch's many in `$in` queries (one scan each there, an index lookup on MongoDB)."""
        unique = list(dict.fromkeys(ids))
        if len(unique) <= FEW:
            found = await gather_limited([self.notice(doc_id) for doc_id in unique], limit=4)
            return {doc["_id"]: doc for doc in found if doc is not None}
        notices: dict[str, Document] = {}
        for start in range(0, len(unique), MANY):
            cursor = self.notices.find(
                {"_id": {"$in": unique[start : start + MANY]}}, projection=NOTICE_PROJECTION
            )
            async for doc in cursor:
                notices[doc["_id"]] = await self._opened(doc)
        return notices

    async def unmatched_notices(self, scope: NoticeScope, limit: int) -> list[Document]:
        """Oldest first: the children waiting longest for a DSL."""
        cursor = (
            self.notices.find(
                {"state": "unmatched", **_scope_filter(scope)}, projection=NOTICE_PROJECTION
            )
            .sort("received_at", 1)
            .limit(limit)
        )
        return [await self._opened(doc) async for doc in cursor]

    async def incident_notices(
        self, incident_id: str, scope: NoticeScope, limit: int
    ) -> list[Document]:
        cursor = self.notices.find(
            {"incident_id": incident_id, **_scope_filter(scope)}, projection=NOTICE_PROJECTION
        ).sort("_id", 1)
        return [await self._opened(doc) async for doc in cursor.limit(limit)]

    async def candidate(self, school_id: str, pupil_id: str) -> Candidate | None:
        """A pupil a DSL names when matching by hand, as the matcher sees pupils."""
        doc = await self.pupils.find_one(
            {"_id": pupil_key(school_id, pupil_id)}, projection=CANDIDATE_PROJECTION
        )
        return candidate_from(doc) if doc is not None else None

    async def schools_by_urn(
        self, urns: set[str], trust_ids: frozenset[str]
    ) -> dict[str, list[NamedSchool]]:
        """URN -> the schools of these trusts that carry it."""
        found: dict[str, list[NamedSchool]] = defaultdict(list)
        if not urns:
            return found
        cursor = self.schools.find(
            {"urn": {"$in": sorted(urns)}, "trust_id": {"$in": sorted(trust_ids)}},
            projection={"urn": 1, "trust_id": 1},
        )
        async for school in cursor:
            found[school["urn"]].append(NamedSchool(school["_id"], school["trust_id"]))
        return found

    async def pupil_pool(
        self, children: Sequence[NotifiedChild], trust_ids: frozenset[str]
    ) -> list[Candidate]:
        """Every pupil (on roll or not) of these trusts sharing a surname key or UPN with
        one of the children. A police batch's pool can be most of a trust, so a large one is
        read in POOL_PARTS queries at once, which the store answers side by side (35,000 of
        50,000 pupils on FerretDB here: 4.2 s as one query, 2.2–3.2 s as four)."""
        keys = sorted({surname_key(child.surname) for child in children})
        upns = sorted({child.upn for child in children if child.upn})
        trusts = {"trust_id": {"$in": sorted(trust_ids)}}
        size = -(-len(keys) // POOL_PARTS) if len(keys) > POOL_SPLIT else len(keys)
        queries = [
            {**trusts, "surname_key": {"$in": keys[start : start + size]}}
            for start in range(0, len(keys), max(size, 1))
        ]
        if upns:
            queries.append({**trusts, "upn": {"$in": upns}})
        parts = await gather_limited([self._candidates(q) for q in queries], limit=POOL_PARTS)
        pool = {(c.school_id, c.pupil_id): c for part in parts for c in part}
        return [pool[key] for key in sorted(pool)]

    async def _candidates(self, query: dict[str, Any]) -> list[Candidate]:
        cursor = self.pupils.find(query, projection=CANDIDATE_PROJECTION)
        return [candidate_from(doc) async for doc in cursor]
