"""The children's case files: the case documents (`_id` = "<school>/<pupil>", changed only
through the unit of work), the small pointers from a concern, action or referral to its
case (the API names them without the child), the FGM duties a teacher holds, the actions'
timers, and the pupils case knows. Part of CaseStore (services/case/store.py), which owns
the collections and indexes.

Hot paths look documents up by `_id` (FerretDB 1.x scans for anything else): a step on a
case reads its pointer and then its case. Lists (a school's cases, a teacher's FGM duties)
read one school's documents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from services.case.domain.cases import case_key
from services.case.domain.triage import legacy_triage_id
from services.common.field_cipher import FieldCipher, open_document
from services.common.store import Document, insert_if_absent
from services.common.timers import Timers

# What a list of cases shows: never the file's content or the outbox.
CASE_SUMMARY = dict.fromkeys(
    (
        "trust_id",
        "school_id",
        "pupil_id",
        "status",
        "opened_at",
        "last_activity_at",
        "review",
        "review_on",
        "closure",
    ),
    1,
)


# Free text about the child, sealed at rest under the trust's data key
# (services.common.field_cipher): the unit of work seals and opens them on every edit of a
# case, and the reads below open them.
# What a pointer to a case says (and a concern's triage deadline says the same).
POINTER_FIELDS = dict.fromkeys(("pupil_id", "trust_id", "school_id"), 1)
CASE_TEXT = (
    "decisions.reason",
    "decisions.child_views",
    "decisions.parents_informed.reason",
    "notes.summary",
    "notes.participants",
    "actions.title",
    "actions.completion_note",
    "referrals.contact",
    "referrals.parents_informed.reason",
    "referrals.feedback.details",
    "referrals.escalations.escalated_to",
    "referrals.escalations.reason",
    "referrals.escalations.outcome",
    "review.reason",
    "closure.reason",
    "status_history.reason",
    # What the DSL knows of the child: the address (withheld or not) and why it is withheld.
    "context.context.address",
    "context.context.address_withheld.reason",
    "context_history.context.address",
    "context_history.context.address_withheld.reason",
    "risk_assessments.incident",
    "risk_assessments.risks",
    "risk_assessments.victim_wishes",
    "risk_assessments.measures.detail",
    "risk_assessments.reviews.summary",
    "risk_assessments.reviews.measures.detail",
    "links.note",
    "links.removal_reason",
)


class CaseFileQueries:
    cipher: FieldCipher | None
    cases: AsyncCollection[Document]
    pupils: AsyncCollection[Document]
    decisions: AsyncCollection[Document]
    case_index: AsyncCollection[Document]
    deadlines: AsyncCollection[Document]
    fgm_duties: AsyncCollection[Document]
    action_timers: Timers

    async def case(self, school_id: str, pupil_id: str) -> Document | None:
        found = await self.cases.find_one({"_id": case_key(school_id, pupil_id)}, {"outbox": 0})
        return await open_document(self.cipher, found, CASE_TEXT)

    async def pupil(self, school_id: str, pupil_id: str) -> Document | None:
        return await self.pupils.find_one({"_id": case_key(school_id, pupil_id)})

    async def pupils_by_case(self, case_ids: Iterable[str]) -> dict[str, Document]:
        """The pupils of these cases (same keys), for a list's names: one read."""
        wanted = list(case_ids)
        if not wanted:
            return {}
        found = self.pupils.find({"_id": {"$in": wanted}})
        return {pupil["_id"]: pupil async for pupil in found}

    async def cases_in(
        self,
        scope: Mapping[str, str],
        *,
        status: str | None,
        review_due_before: date | None,
        limit: int,
    ) -> list[Document]:
        """Cases within a tenant's scope: those with a review date first, soonest first."""
        query: dict[str, Any] = dict(scope)
        if status is not None:
            query["status"] = status
        if review_due_before is not None:
            query["review_on"] = {"$ne": None, "$lte": review_due_before.isoformat()}
        cursor = (
            self.cases.find(query, CASE_SUMMARY)
            .sort([("review_on", ASCENDING), ("last_activity_at", ASCENDING)])
            .limit(limit)
        )
        found = [await open_document(self.cipher, case, CASE_TEXT) async for case in cursor]
        # Mongo sorts missing review dates first; a DSL wants the dated ones first.
        return sorted(found, key=lambda c: (c.get("review_on") is None, c.get("review_on") or ""))

    async def legacy_decision(self, school_id: str, concern_id: str) -> Document | None:
        """A triage decision stored before decisions lived on the case."""
        return await self.decisions.find_one({"_id": legacy_triage_id(school_id, concern_id)})

    # -- pointers: concern, action, referral → its case -------------------------------------

    async def point(self, kind: str, school_id: str, item_id: str, case: Mapping[str, Any]) -> None:
        pointer = {
            "_id": _pointer_id(kind, school_id, item_id),
            "case_id": case_key(case["school_id"], case["pupil_id"]),
            "pupil_id": case["pupil_id"],
            "trust_id": case["trust_id"],
            "school_id": school_id,
        }
        await insert_if_absent(self.case_index, pointer)

    async def case_of(self, kind: str, school_id: str, item_id: str) -> Document | None:
        """The pointer to the case holding a concern, action or referral (`pupil_id`,
        `trust_id`). A concern has none: its own dsl-triage deadline names its child
        (every concern starts one), so its pointer would be one more write per concern;
        concerns stored before that have one."""
        pointer = await self.case_index.find_one({"_id": _pointer_id(kind, school_id, item_id)})
        if pointer is not None or kind != "concern":
            return pointer
        triage_clock = {"school_id": school_id, "rule": "dsl-triage", "source_id": item_id}
        return await self.deadlines.find_one(triage_clock, projection=POINTER_FIELDS)

    # -- FGM duties ----------------------------------------------------------------------

    async def add_fgm_duty(self, duty: Document) -> None:
        await insert_if_absent(self.fgm_duties, duty)

    async def fgm_duty(self, school_id: str, concern_id: str) -> Document | None:
        return await self.fgm_duties.find_one({"_id": f"{school_id}/{concern_id}"})

    async def fgm_duty_reported(self, school_id: str, concern_id: str, at: datetime) -> None:
        await self.fgm_duties.update_one(
            {"_id": f"{school_id}/{concern_id}"}, {"$set": {"reported_at": at}}
        )

    async def fgm_duties_of(self, school_id: str, duty_holder: str | None) -> list[Document]:
        """A school's FGM duties (one teacher's, when named), oldest first."""
        query: dict[str, Any] = {"school_id": school_id}
        if duty_holder is not None:
            query["duty_holder"] = duty_holder
        cursor = self.fgm_duties.find(query).sort("raised_at", ASCENDING)
        return [duty async for duty in cursor]

    # -- action timers ---------------------------------------------------------------------

    async def actions_to_look_at(self, now: datetime, limit: int) -> list[str]:
        return await self.action_timers.due(now, limit)

    async def look_at_action(self, key: str, when: datetime | None) -> None:
        """Set when the scheduler next looks at an action (None: never again)."""
        if when is None:
            await self.action_timers.clear(key)
        else:
            await self.action_timers.set(key, when)


def _pointer_id(kind: str, school_id: str, item_id: str) -> str:
    return f"{school_id}/{kind}/{item_id}"
