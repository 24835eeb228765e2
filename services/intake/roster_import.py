"""Importing a school's roster CSV: upsert pupils by pupil_id, publish what changed.

Each pupil document keeps its own outbox: the pupil's new state and the events it
causes are one write. A pupil missing from a later import is left as it is.

Cost: one query reads the school's stored pupils; new pupils go in with insert_many;
changed pupils are re-read and rewritten under their document locks (the relay and
the pupil API write the same documents) in small bulk writes. Unchanged pupils cost
nothing more.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from pymongo import UpdateOne

from contracts.envelope import Actor, Envelope, Subject, utc_now
from contracts.intake_v1 import PUPIL_LEFT, PUPIL_RECORDED, PupilLeft, PupilRecorded
from services.common.events import make_envelope
from services.common.locks import DocumentLocks, lock_key
from services.common.outbox import OutboxRelay, merge_updates, push_events, with_outbox
from services.common.retries import gather_limited, retry_busy
from services.common.store import Document
from services.intake.domain.encompass import uk_today
from services.intake.domain.pupil_records import PupilPlan, left_event_id, plan_pupil
from services.intake.domain.roster import ROSTER_COLUMNS, RejectedRow, RosterPupil, parse_roster
from services.intake.domain.schools import pupil_key
from services.intake.store import IntakeStore, insert_new

log = logging.getLogger("harbour.intake.roster")

INSERT_CHUNK = 500
# Updates hold their documents' locks while they are written: keep each group short
# (FerretDB rewrites a document in time proportional to the collection's size).
UPDATE_CHUNK = 20
# The roster's own columns, plus what the matcher and the leaver check keep per pupil.
_STORED_FIELDS = (
    *ROSTER_COLUMNS,
    "surname_key",
    "forename_keys",
    "left_notified",
    "outbox_pending",
)
STORED_PROJECTION = dict.fromkeys(_STORED_FIELDS, 1)


@dataclass
class RosterSummary:
    school_id: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    leavers_published: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    def count(self, plan: PupilPlan) -> None:
        if plan.kind == "created":
            self.created += 1
        elif plan.kind == "updated":
            self.updated += 1
        else:
            self.unchanged += 1
        if plan.left_on is not None:
            self.leavers_published += 1

    def view(self) -> dict[str, Any]:
        return {
            "school_id": self.school_id,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "leavers_published": self.leavers_published,
            "rejected": [{"line": row.line, "reason": row.reason} for row in self.rejected],
        }


class RosterImporter:
    def __init__(self, store: IntakeStore, relay: OutboxRelay, locks: DocumentLocks) -> None:
        self._store = store
        self._relay = relay
        self._locks = locks

    async def import_csv(self, school: Document, data: bytes, actor: Actor) -> RosterSummary:
        """Raises RosterFormatError when the file cannot be read as a roster at all."""
        parsed = parse_roster(data)
        summary = RosterSummary(school_id=school["_id"], rejected=list(parsed.rejected))
        today = uk_today()
        stored = await self._stored_pupils(school["_id"])
        new = [pupil for pupil in parsed.pupils if pupil.pupil_id not in stored]
        known = [pupil for pupil in parsed.pupils if pupil.pupil_id in stored]
        # Skip the pupils that are plainly unchanged without taking any lock.
        to_update = [
            pupil for pupil in known if plan_pupil(pupil, stored[pupil.pupil_id], today).writes
        ]
        summary.unchanged += len(known) - len(to_update)

        raced = await self._insert(school, new, today, actor, summary)
        for start in range(0, len(raced + to_update), UPDATE_CHUNK):
            chunk = (raced + to_update)[start : start + UPDATE_CHUNK]
            await self._update(school, chunk, today, actor, summary)
        log.info(
            "roster imported",
            extra={
                "school_id": school["_id"],
                "pupils_created": summary.created,
                "pupils_updated": summary.updated,
                "rows_rejected": len(summary.rejected),
            },
        )
        return summary

    async def _stored_pupils(self, school_id: str) -> dict[str, Document]:
        cursor = self._store.pupils.find({"school_id": school_id}, projection=STORED_PROJECTION)
        return {doc["pupil_id"]: doc async for doc in cursor}

    async def _insert(
        self,
        school: Document,
        pupils: Sequence[RosterPupil],
        today: date,
        actor: Actor,
        summary: RosterSummary,
    ) -> list[RosterPupil]:
        """Insert new pupils; return those someone else created meanwhile (to update)."""
        raced: list[RosterPupil] = []
        now = utc_now()
        for start in range(0, len(pupils), INSERT_CHUNK):
            chunk = pupils[start : start + INSERT_CHUNK]
            plans = [plan_pupil(pupil, None, today) for pupil in chunk]
            documents = [
                with_outbox(
                    {
                        "_id": pupil_key(school["_id"], pupil.pupil_id),
                        "school_id": school["_id"],
                        "trust_id": school["trust_id"],
                        **plan.state,
                        **plan.extra,
                        "updated_at": now,
                        "version": 1,
                    },
                    self._events(plan, school, actor),
                )
                for pupil, plan in zip(chunk, plans, strict=True)
            ]
            lost = await retry_busy(
                lambda documents=documents: insert_new(self._store.pupils, documents)
            )
            inserted = [doc["_id"] for i, doc in enumerate(documents) if i not in lost]
            await self._notify(inserted)
            for index, (pupil, plan) in enumerate(zip(chunk, plans, strict=True)):
                if index in lost:
                    raced.append(pupil)
                else:
                    summary.count(plan)
        return raced

    async def _update(
        self,
        school: Document,
        pupils: Sequence[RosterPupil],
        today: date,
        actor: Actor,
        summary: RosterSummary,
    ) -> None:
        """Re-read and rewrite a few pupils under their document locks."""
        keys = sorted(pupil_key(school["_id"], pupil.pupil_id) for pupil in pupils)
        by_key = {pupil_key(school["_id"], pupil.pupil_id): pupil for pupil in pupils}
        now = utc_now()
        async with contextlib.AsyncExitStack() as held:
            for key in keys:  # one order for every importer: no deadlock
                await held.enter_async_context(
                    self._locks.hold(lock_key(self._store.pupils, key), wait_seconds=30)
                )
            current = await gather_limited(
                [
                    self._store.pupils.find_one({"_id": key}, projection=STORED_PROJECTION)
                    for key in keys
                ]
            )
            operations: list[UpdateOne] = []
            written: list[str] = []
            for key, doc in zip(keys, current, strict=True):
                if doc is None:  # deleted meanwhile (nothing deletes pupils today)
                    continue
                plan = plan_pupil(by_key[key], doc, today)
                summary.count(plan)
                if not plan.writes:
                    if doc.get("outbox_pending"):  # e.g. our own insert, retried after a timeout
                        written.append(key)
                    continue
                events = self._events(plan, school, actor)
                operations.append(
                    UpdateOne(
                        {"_id": key},
                        merge_updates(
                            {
                                "$set": {**plan.state, **plan.extra, "updated_at": now},
                                "$inc": {"version": 1},
                            },
                            push_events(events),
                        ),
                    )
                )
                if events:
                    written.append(key)
            if operations:
                await retry_busy(lambda: self._store.pupils.bulk_write(operations, ordered=True))
        await self._notify(written)

    async def _notify(self, doc_ids: Sequence[str]) -> None:
        for doc_id in doc_ids:
            self._relay.enqueue(self._store.pupils, doc_id)

    @staticmethod
    def _events(plan: PupilPlan, school: Document, actor: Actor) -> list[Envelope[BaseModel]]:
        state = plan.state
        events: list[Envelope[BaseModel]] = []
        if plan.recorded:
            payload = PupilRecorded(
                pupil_id=state["pupil_id"],
                forename=state["forename"],
                surname=state["surname"],
                date_of_birth=date.fromisoformat(state["date_of_birth"]),
                upn=state["upn"],
            )
            events.append(
                make_envelope(
                    PUPIL_RECORDED,
                    payload,
                    trust_id=school["trust_id"],
                    school_id=school["_id"],
                    subject=Subject(kind="child", id=state["pupil_id"]),
                    actor=actor,
                )
            )
        if plan.left_on is not None:
            events.append(
                left_envelope(
                    school["_id"], school["trust_id"], state["pupil_id"], plan.left_on, actor
                )
            )
        return events


def left_envelope(
    school_id: str, trust_id: str, pupil_id: str, last_day: date, actor: Actor
) -> Envelope[BaseModel]:
    return make_envelope(
        PUPIL_LEFT,
        PupilLeft(pupil_id=pupil_id, last_day_on_roll=last_day),
        trust_id=trust_id,
        school_id=school_id,
        subject=Subject(kind="child", id=pupil_id),
        actor=actor,
        event_id=left_event_id(school_id, pupil_id, last_day),
    )
