"""What case keeps to know a child beyond one concern: each child's pattern watch (`_id` =
"<school>/<pupil>", the events the pattern rules look back on and when each rule last
fired, changed only through the unit of work), each school's pattern thresholds (`_id` =
the school), and the reviews coming due (case reviews and risk assessment reviews). Part
of CaseStore (services/case/store.py), which owns the collections and indexes.

A watch is read and written by `_id` on every concern, police notification, referral and
closure; the lists of reviews due read one school's (or trust's) cases."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from services.common.school_cache import SchoolCache
from services.common.store import Document

# What the reviews-due list needs of a case: never the file's content beyond the
# assessments' dates and parts.
REVIEW_FIELDS = dict.fromkeys(
    ("trust_id", "school_id", "pupil_id", "status", "risk_assessments", "assessment_review_on"),
    1,
)


class ChildWatchQueries:
    cases: AsyncCollection[Document]
    pattern_watch: AsyncCollection[Document]
    pattern_rules: AsyncCollection[Document]

    pattern_rules_cache: SchoolCache[Document | None]

    async def pattern_rules_of(self, school_id: str) -> Document | None:
        return await self.pattern_rules_cache.get(
            school_id, lambda: self.pattern_rules.find_one({"_id": school_id}, {"outbox": 0})
        )

    async def pattern_watch_of(self, school_id: str, pupil_id: str) -> Document | None:
        return await self.pattern_watch.find_one({"_id": f"{school_id}/{pupil_id}"}, {"outbox": 0})

    async def cases_with_assessment_review(
        self, scope: Mapping[str, str], due_before: date, limit: int
    ) -> list[Document]:
        """Cases within a tenant's scope with a risk assessment review on or before
        `due_before` (the earliest of the case's open assessments), soonest first."""
        query: dict[str, Any] = {
            **scope,
            "assessment_review_on": {"$ne": None, "$lte": due_before.isoformat()},
        }
        cursor = (
            self.cases.find(query, REVIEW_FIELDS)
            .sort("assessment_review_on", ASCENDING)
            .limit(limit)
        )
        return [case async for case in cursor]
