"""A school's admin uploads the roll as CSV: pupils are upserted by pupil_id, and what
changed is published (intake.pupil.recorded.v1, and intake.pupil.left.v1 once per
departure). A pupil missing from a later import is left as it is.

Each pupil document keeps its own outbox: the pupil's new state and the events it causes
are one write. The upload itself is audited (intake.admin.action_recorded.v1) before any
pupil is written, in a document of its own (services.common.admin_audit says why).

Cost: one query reads the school's stored pupils; new pupils go in with insert_many;
changed pupils are re-read and rewritten under their document locks (the relay and the
pupil API write the same documents) in small bulk writes. Unchanged pupils cost nothing
more.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from contracts.admin_actions import AdminAction
from contracts.envelope import Actor
from contracts.intake_v1 import ADMIN_ACTION_RECORDED, PUPIL_RECORDED
from contracts.vocabulary import Role
from services.common.access import school_in_reach
from services.common.admin_audit import action_document, admin_action_recorded
from services.common.auth import Principal
from services.common.errors import Invalid
from services.common.store import Document
from services.intake.domain.pupil_records import (
    Event,
    PupilPlan,
    plan_pupil,
    pupil_document,
    pupil_left,
    pupil_recorded,
    pupils_recorded,
)
from services.intake.domain.roster import RejectedRow, RosterFormatError, RosterPupil, parse_roster
from services.intake.domain.schools import pupil_key
from services.intake.ports import IntakePorts

log = logging.getLogger("harbour.intake.roster")

INSERT_CHUNK = 500
# Updates hold their documents' locks while they are written: keep each group short
# (FerretDB rewrites a document in time proportional to the collection's size).
UPDATE_CHUNK = 20


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


@dataclass(frozen=True)
class _Import:
    """One import's constants: the school, who uploaded it, and when."""

    school: Document
    actor: Actor
    today: date  # in England: decides who has left
    now: datetime

    def key(self, pupil: RosterPupil) -> str:
        return pupil_key(self.school["_id"], pupil.pupil_id)

    def together(self, recorded: Sequence[Event]) -> Event:
        """One event standing for these new pupils' own records."""
        school = self.school
        return pupils_recorded(school["_id"], school["trust_id"], recorded, self.actor, self.now)

    def events(self, plan: PupilPlan) -> list[Event]:
        school_id, trust_id = self.school["_id"], self.school["trust_id"]
        events = []
        if plan.recorded:
            events.append(pupil_recorded(school_id, trust_id, plan.state, self.actor, self.now))
        if plan.left_on is not None:
            pupil_id = plan.state["pupil_id"]
            events.append(
                pupil_left(
                    school_id,
                    trust_id,
                    pupil_id,
                    plan.left_on,
                    self.actor,
                    self.now,
                    plan.state.get("destination_urn"),
                )
            )
        return events


async def import_roster(
    ports: IntakePorts, principal: Principal, school_id: str, data: bytes
) -> RosterSummary:
    school = school_in_reach(
        principal,
        school_id,
        await ports.store.school(school_id),
        frozenset({Role.ADMIN}),
        registered_elsewhere=False,
    )
    try:
        parsed = parse_roster(data)
    except RosterFormatError as exc:
        raise Invalid("file", str(exc)) from None
    run = _Import(
        school,
        Actor(kind="user", id=principal.user_id, role=Role.ADMIN),
        ports.clock.today(),
        ports.clock.now(),
    )
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.ROSTER_IMPORTED,
        object_id=school_id,
        trust_id=school["trust_id"],
        school_id=school_id,
        at=run.now,
        details={"rows": len(parsed.pupils), "rejected": len(parsed.rejected)},
    )
    await ports.writer.insert(ports.store.admin_actions, action_document(audited), [audited])
    summary = RosterSummary(school_id=school_id, rejected=list(parsed.rejected))
    stored = await ports.store.roster_of(school_id)
    new = [pupil for pupil in parsed.pupils if pupil.pupil_id not in stored]
    known = [pupil for pupil in parsed.pupils if pupil.pupil_id in stored]
    # Skip the pupils that are plainly unchanged without taking any lock.
    to_update = [
        pupil for pupil in known if plan_pupil(pupil, stored[pupil.pupil_id], run.today).writes
    ]
    summary.unchanged += len(known) - len(to_update)

    raced = await _insert(ports, run, new, summary)
    for start in range(0, len(raced + to_update), UPDATE_CHUNK):
        await _update(ports, run, (raced + to_update)[start : start + UPDATE_CHUNK], summary)
    log.info(
        "roster imported",
        extra={
            "school_id": school_id,
            "pupils_created": summary.created,
            "pupils_updated": summary.updated,
            "rows_rejected": len(summary.rejected),
        },
    )
    return summary


async def _insert(
    ports: IntakePorts, run: _Import, pupils: Sequence[RosterPupil], summary: RosterSummary
) -> list[RosterPupil]:
    """Insert new pupils; return those someone else created meanwhile (to update)."""
    store = ports.store
    raced: list[RosterPupil] = []
    for start in range(0, len(pupils), INSERT_CHUNK):
        chunk = pupils[start : start + INSERT_CHUNK]
        plans = [plan_pupil(pupil, None, run.today) for pupil in chunk]
        documents = [
            (_new_document(run, pupil, plan), run.events(plan))
            for pupil, plan in zip(chunk, plans, strict=True)
        ]
        lost, stored = await store.insert_new_pupils(documents)
        # The new pupils whose one event is their record go out as one event; any other
        # (a leaver has two) publishes its own.
        together, alone = [], []
        for position, (_document, events) in enumerate(documents):
            if position in lost:
                continue
            one_record = len(events) == 1 and events[0].event_type == PUPIL_RECORDED
            (together if one_record else alone).append(position)
        ports.writer.enqueue_written(store.pupils, [stored[i] for i in alone])
        if together:
            await ports.writer.publish_together(
                store.pupils,
                [stored[i] for i in together],
                run.together([documents[i][1][0] for i in together]),
            )
        for index, (pupil, plan) in enumerate(zip(chunk, plans, strict=True)):
            if index in lost:
                raced.append(pupil)
            else:
                summary.count(plan)
    return raced


def _new_document(run: _Import, pupil: RosterPupil, plan: PupilPlan) -> Document:
    school = run.school
    return {
        "_id": run.key(pupil),
        **pupil_document(
            school["_id"], school["trust_id"], plan.state, left_notified=plan.extra["left_notified"]
        ),
        "updated_at": run.now,
        "version": 1,
    }


async def _update(
    ports: IntakePorts, run: _Import, pupils: Sequence[RosterPupil], summary: RosterSummary
) -> None:
    """Re-read and rewrite a few pupils under their document locks."""
    store = ports.store
    by_key = {run.key(pupil): pupil for pupil in pupils}
    keys = sorted(by_key)
    changes: list[tuple[str, Mapping[str, Any], list[Event]]] = []
    published: list[str] = []
    async with ports.writer.hold(store.pupils, keys, wait_seconds=30):
        for key, doc in zip(keys, await store.roster_pupils(keys), strict=True):
            if doc is None:  # deleted meanwhile (nothing deletes pupils today)
                continue
            plan = plan_pupil(by_key[key], doc, run.today)
            summary.count(plan)
            if not plan.writes:
                if doc.get("outbox_pending"):  # e.g. our own insert, retried after a timeout
                    published.append(key)
                continue
            events = run.events(plan)
            changes.append((key, {**plan.state, **plan.extra, "updated_at": run.now}, events))
            if events:
                published.append(key)
        await store.rewrite_pupils(changes)
    ports.writer.enqueue(store.pupils, published)
