"""Receiving Operation Encompass notices: match each child, store, publish.

Both channels (webhook and batch file) hand over a list of (notice, child) pairs from one
authenticated sender. Per child:

- new: matched to a pupil (intake.encompass.notified.v1) or left unmatched for a DSL;
- same content as before: `duplicate`, nothing is written;
- changed content: `amended`, revision + 1 (domain/notices.amendment says what changes).

A request costs an `_id` lookup per child, one URN lookup and one pupil query (all
children at once), then one insert_many for new children and, per amended child, an
edit under the notice's lock (the relay and DSLs' resolutions write it too). A batch's
matched children are published together, one message per school (`_publish`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from contracts.envelope import Actor
from services.common.retries import gather_limited
from services.common.store import Document
from services.intake.domain.encompass import EncompassNotice, NotifiedChild, content_hash
from services.intake.domain.notice_matches import (
    ChildToMatch,
    Match,
    match_children,
    match_fields,
    named_schools,
)
from services.intake.domain.notices import (
    Event,
    Outcome,
    amendment,
    incident_id,
    new_notice,
    notice_id,
    notified_event,
    notified_together,
    stored_content,
)
from services.intake.ports import IntakePorts

log = logging.getLogger("harbour.intake.encompass")


@dataclass(frozen=True)
class Submission:
    notice: EncompassNotice
    child: NotifiedChild


@dataclass(frozen=True)
class ChildOutcome:
    notification_id: str
    incident_id: str
    outcome: Outcome


@dataclass(frozen=True)
class Received:
    received_at: datetime
    children: list[ChildOutcome]  # in the order of the submissions


@dataclass(frozen=True)
class _Item:
    """One submitted child, with the ids and fingerprint it is stored under."""

    index: int
    submission: Submission
    notice_id: str
    incident_id: str
    content_hash: str


@dataclass(frozen=True)
class _Delivery:
    """What every child of one request shares."""

    ports: IntakePorts
    sender_id: str
    allowed: frozenset[str]  # the trusts whose schools the sender may notify
    received_at: datetime


async def receive_notices(
    ports: IntakePorts, sender: Document, submissions: Sequence[Submission]
) -> Received:
    sender_id = sender["_id"]
    delivery = _Delivery(ports, sender_id, frozenset(sender["trust_ids"]), ports.clock.now())
    items = [
        _Item(
            index,
            sub,
            notice_id(sender_id, sub.notice, sub.child),
            incident_id(sender_id, sub.notice),
            content_hash(sub.notice, sub.child),
        )
        for index, sub in enumerate(submissions)
    ]
    outcomes: dict[int, Outcome] = {}
    existing = await ports.store.notices_by_id([item.notice_id for item in items])
    new: list[_Item] = []
    changed: list[_Item] = []
    for item in items:
        doc = existing.get(item.notice_id)
        if doc is None:
            new.append(item)
        elif doc["content_hash"] == item.content_hash:
            outcomes[item.index] = "duplicate"
        else:
            changed.append(item)
    to_match = new + [i for i in changed if existing[i.notice_id]["state"] != "matched"]
    matches = await _match(delivery, to_match)
    match_of = {item.index: match for item, match in zip(to_match, matches, strict=True)}

    raced = await _insert_new(delivery, new, match_of, outcomes)
    amending = [*raced, *changed]
    await gather_limited(
        [_amend(delivery, item, match_of.get(item.index), outcomes) for item in amending],
        limit=8,
    )
    counts = Counter(f"children_{outcome}" for outcome in outcomes.values())
    log.info("encompass received", extra={"sender_id": sender_id, **counts})
    return Received(
        delivery.received_at,
        [ChildOutcome(item.notice_id, item.incident_id, outcomes[item.index]) for item in items],
    )


async def _insert_new(
    delivery: _Delivery,
    items: list[_Item],
    match_of: dict[int, Match],
    outcomes: dict[int, Outcome],
) -> list[_Item]:
    """Store the notices of children seen for the first time; return those another request
    stored first (they are handled as re-sends)."""
    if not items:
        return []
    store = delivery.ports.store
    documents = [_new_notice(delivery, item, match_of[item.index]) for item in items]
    lost, stored = await store.insert_new_notices(documents)
    published, notified = [], []
    for position, (item, (document, events)) in enumerate(zip(items, documents, strict=True)):
        if position in lost:
            continue
        outcomes[item.index] = document["state"]  # matched | unmatched
        if events:
            published.append(stored[position])
            notified.extend(events)
    await _publish(delivery, published, notified)
    return [item for position, item in enumerate(items) if position in lost]


async def _publish(delivery: _Delivery, stored: list[Document], notified: list[Event]) -> None:
    """A single child's event goes out alone; a batch's go out together, a message per
    school (each notice's own event stays stored, published alone if this fails)."""
    store, writer = delivery.ports.store, delivery.ports.writer
    if len(stored) <= 1:
        writer.enqueue_written(store.notices, stored)
        return
    actor = Actor(kind="sender", id=delivery.sender_id)
    by_id = {document["_id"]: document for document in stored}
    for message in notified_together(notified, actor, delivery.received_at):
        carried = [by_id[event.payload.notification_id] for event in message.payload.events]  # type: ignore[attr-defined]
        await writer.publish_together(store.notices, carried, message)


def _new_notice(delivery: _Delivery, item: _Item, match: Match) -> tuple[Document, list[Event]]:
    sub = item.submission
    document = new_notice(
        notice_id_=item.notice_id,
        incident_id_=item.incident_id,
        sender_id=delivery.sender_id,
        notice=sub.notice,
        child=sub.child,
        content_hash=item.content_hash,
        received_at=delivery.received_at,
        fields=match_fields(match, delivery.allowed),
    )
    if document["state"] != "matched":
        return document, []
    actor = Actor(kind="sender", id=delivery.sender_id)
    return document, [notified_event(document, actor, delivery.received_at)]


async def _amend(
    delivery: _Delivery, item: _Item, match: Match | None, outcomes: dict[int, Outcome]
) -> None:
    """A re-send whose content differs from what was stored (checked again under the
    notice's lock, which the relay and DSLs' resolutions also take)."""
    store = delivery.ports.store
    async with delivery.ports.writer.edit(store.notices, item.notice_id) as notice:
        current = notice.current
        if current is None:  # cannot happen (nothing deletes notices); store it as new
            match = match or (await _match(delivery, [item]))[0]
            document, events = _new_notice(delivery, item, match)
            notice.create(document)
            notice.emit(*events)
            outcomes[item.index] = document["state"]
            return
        if current["content_hash"] == item.content_hash:
            outcomes[item.index] = "duplicate"
            return
        if current["state"] != "matched" and match is None:
            match = (await _match(delivery, [item]))[0]
        sub = item.submission
        changes, events = amendment(
            current,
            stored_content(sub.notice, sub.child),
            item.content_hash,
            match,
            delivery.allowed,
            delivery.received_at,
        )
        notice.set(changes)
        notice.emit(*events)
        outcomes[item.index] = "amended"


async def _match(delivery: _Delivery, items: Sequence[_Item]) -> list[Match]:
    """The matcher's verdict for each child, from one URN lookup and one pupil query."""
    if not items:
        return []
    store, allowed = delivery.ports.store, delivery.allowed
    children = [item.submission.child for item in items]
    urns = {child.school_urn for child in children if child.school_urn}
    schools = named_schools(await store.schools_by_urn(urns, allowed))
    pool = await store.pupil_pool(children, allowed)
    return match_children(
        [ChildToMatch(i.submission.child, i.submission.notice.incident_date) for i in items],
        schools,
        pool,
        allowed,
    )
