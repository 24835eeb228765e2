"""Receiving Operation Encompass notifications: match each child, store, publish.

Both channels (webhook and batch file) hand over a list of (notification, child) pairs
from one authenticated sender. Per child:

- new: matched to a pupil (intake.encompass.notified.v1) or left unmatched for a DSL;
- same content as before: `duplicate`, nothing is written;
- changed content: `amended`, revision + 1. A matched child keeps its pupil and
  publishes intake.encompass.amended.v1 (no second deadline). An unmatched or
  dismissed child takes the new content and is matched again, since amendments often
  add the UPN or correct the school; if it still does not match it waits (again) for
  a DSL.

A request costs an `_id` lookup per child, one URN lookup and one pupil query (all
children at once), then one insert_many for new children and, per amended child, an
update under the record's lock (the relay and DSLs' resolutions write it too).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts.envelope import Actor, Envelope, Subject, utc_now
from contracts.intake_v1 import ENCOMPASS_AMENDED, ENCOMPASS_NOTIFIED
from services.common.auth import Principal
from services.common.events import make_envelope
from services.common.locks import DocumentLocks, lock_key
from services.common.outbox import OutboxRelay, merge_updates, push_events, with_outbox
from services.common.retries import gather_limited, retry_busy
from services.common.store import Document
from services.intake.domain import encompass_records as records
from services.intake.domain.encompass import EncompassNotification, NotifiedChild, content_hash
from services.intake.domain.encompass_records import Match, NamedSchool, Outcome
from services.intake.domain.matching import Candidate, match_child
from services.intake.domain.names import surname_key
from services.intake.domain.pupil_records import CANDIDATE_PROJECTION, candidate_from
from services.intake.domain.schools import pupil_key
from services.intake.store import IntakeStore, insert_new

log = logging.getLogger("harbour.intake.encompass")

# Everything but the outbox, which can be long and is the relay's business.
RECORD_PROJECTION = {"outbox": 0}
FEW = 64  # up to this many records are read one by one
MANY = 5000  # ids per `$in` query


@dataclass(frozen=True)
class Submission:
    notification: EncompassNotification
    child: NotifiedChild


@dataclass(frozen=True)
class ChildOutcome:
    notification_id: str
    incident_id: str
    outcome: Outcome


class NotFound(Exception):
    """No such record, or not one the caller may see."""


class Conflict(Exception):
    """The record is no longer waiting to be matched."""


class Refused(Exception):
    """The request names something the caller may not use; `field` says which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class _Item:
    index: int
    submission: Submission
    notification_id: str
    incident_id: str
    content_hash: str


class EncompassIntake:
    def __init__(self, store: IntakeStore, relay: OutboxRelay, locks: DocumentLocks) -> None:
        self._store = store
        self._relay = relay
        self._locks = locks

    async def _notify(self, notification_id: str) -> None:
        self._relay.enqueue(self._store.notifications, notification_id)

    def _lock(self, notification_id: str) -> AbstractAsyncContextManager[None]:
        return self._locks.hold(lock_key(self._store.notifications, notification_id))

    # --- receiving -------------------------------------------------------------------

    async def receive(
        self, sender: Document, submissions: Sequence[Submission], received_at: datetime
    ) -> list[ChildOutcome]:
        sender_id = sender["_id"]
        allowed = frozenset(sender["trust_ids"])
        items = [
            _Item(
                index,
                sub,
                records.notification_id(sender_id, sub.notification, sub.child),
                records.incident_id(sender_id, sub.notification),
                content_hash(sub.notification, sub.child),
            )
            for index, sub in enumerate(submissions)
        ]
        outcomes: dict[int, Outcome] = {}
        existing = await self._records([item.notification_id for item in items])
        new: list[_Item] = []
        changed: list[_Item] = []
        for item in items:
            doc = existing.get(item.notification_id)
            if doc is None:
                new.append(item)
            elif doc["content_hash"] == item.content_hash:
                outcomes[item.index] = "duplicate"
            else:
                changed.append(item)
        to_match = new + [i for i in changed if existing[i.notification_id]["state"] != "matched"]
        matches = await self._match([item.submission for item in to_match], allowed)
        match_of = {item.index: match for item, match in zip(to_match, matches, strict=True)}

        raced = await self._insert_new(sender_id, allowed, new, match_of, received_at, outcomes)
        await gather_limited(
            [
                self._amend(
                    sender_id, allowed, item, match_of.get(item.index), received_at, outcomes
                )
                for item in [*raced, *changed]
            ],
            limit=8,
        )
        counts: dict[str, int] = defaultdict(int)
        for outcome in outcomes.values():
            counts[f"children_{outcome}"] += 1
        log.info("encompass received", extra={"sender_id": sender_id, **counts})
        return [
            ChildOutcome(item.notification_id, item.incident_id, outcomes[item.index])
            for item in items
        ]

    async def _insert_new(
        self,
        sender_id: str,
        allowed: frozenset[str],
        items: list[_Item],
        match_of: dict[int, Match],
        received_at: datetime,
        outcomes: dict[int, Outcome],
    ) -> list[_Item]:
        """Insert the records of children seen for the first time; return those another
        request inserted first (they are handled as re-sends)."""
        if not items:
            return []
        documents = [
            self._new_record(sender_id, allowed, item, match_of[item.index], received_at)
            for item in items
        ]
        lost = await retry_busy(lambda: insert_new(self._store.notifications, documents))
        publishing = []
        for position, (item, document) in enumerate(zip(items, documents, strict=True)):
            if position in lost:
                continue
            outcomes[item.index] = document["state"]  # matched | unmatched
            if document["outbox"]:
                publishing.append(document["_id"])
        await gather_limited([self._notify(doc_id) for doc_id in publishing])
        return [item for position, item in enumerate(items) if position in lost]

    def _new_record(
        self,
        sender_id: str,
        allowed: frozenset[str],
        item: _Item,
        match: Match,
        received_at: datetime,
    ) -> Document:
        sub = item.submission
        record = records.new_record(
            notification_id_=item.notification_id,
            incident_id_=item.incident_id,
            sender_id=sender_id,
            notification=sub.notification,
            child=sub.child,
            content_hash=item.content_hash,
            received_at=received_at,
            fields=records.match_fields(match, allowed),
        )
        events = []
        if record["state"] == "matched":
            events.append(self._notified(record, Actor(kind="sender", id=sender_id)))
        return with_outbox(record, events)

    async def _amend(
        self,
        sender_id: str,
        allowed: frozenset[str],
        item: _Item,
        match: Match | None,
        received_at: datetime,
        outcomes: dict[int, Outcome],
    ) -> None:
        """A re-send whose content differs from what was stored (checked again under the
        record's lock, which the relay and DSLs' resolutions also take)."""
        async with self._lock(item.notification_id):
            doc = await self._store.notifications.find_one(
                {"_id": item.notification_id}, projection=RECORD_PROJECTION
            )
            if doc is None:  # cannot happen (nothing deletes records); store it as new
                match = match or (await self._match([item.submission], allowed))[0]
                document = self._new_record(sender_id, allowed, item, match, received_at)
                await retry_busy(lambda: self._store.notifications.insert_one(document))
                outcomes[item.index] = document["state"]
                events = bool(document["outbox"])
            elif doc["content_hash"] == item.content_hash:
                outcomes[item.index] = "duplicate"
                return
            else:
                if doc["state"] != "matched" and match is None:
                    match = (await self._match([item.submission], allowed))[0]
                update, events = self._amendment(doc, item, match, allowed, received_at)
                await retry_busy(
                    lambda: self._store.notifications.update_one({"_id": doc["_id"]}, update)
                )
                outcomes[item.index] = "amended"
        if events:
            await self._notify(item.notification_id)

    def _amendment(
        self,
        doc: Document,
        item: _Item,
        match: Match | None,
        allowed: frozenset[str],
        received_at: datetime,
    ) -> tuple[dict[str, Any], bool]:
        sub = item.submission
        changes: dict[str, Any] = {
            "revision": doc["revision"] + 1,
            "content_hash": item.content_hash,
            "content": records.stored_content(sub.notification, sub.child),
            "last_received_at": received_at,
        }
        events: list[Envelope[BaseModel]] = []
        actor = Actor(kind="sender", id=doc["sender_id"])
        if doc["state"] == "matched":
            amended = {**doc, **changes}
            events.append(
                self._record_event(
                    ENCOMPASS_AMENDED,
                    records.amended_payload(amended),
                    amended,
                    actor,
                    step=f"revision-{changes['revision']}",
                )
            )
        elif match is not None:
            changes |= records.match_fields(match, allowed)
            changes["resolution"] = None  # new content reopens a dismissed child
            if changes["state"] == "matched":
                events.append(self._notified({**doc, **changes}, actor))
        update = merge_updates({"$set": changes, "$inc": {"version": 1}}, push_events(events))
        return update, bool(events)

    @classmethod
    def _notified(cls, record: Document, actor: Actor) -> Envelope[BaseModel]:
        return cls._record_event(
            ENCOMPASS_NOTIFIED, records.notified_payload(record), record, actor, step="notified"
        )

    @staticmethod
    def _record_event(
        event_type: str, payload: BaseModel, record: Document, actor: Actor, *, step: str
    ) -> Envelope[BaseModel]:
        """An event about a matched child's record; its id is derived from the record and
        the step, so a retried write publishes the same event."""
        return make_envelope(
            event_type,
            payload,
            trust_id=record["trust_id"],
            school_id=record["school_id"],
            subject=Subject(kind="child", id=record["pupil_id"]),
            actor=actor,
            correlation_id=record["incident_id"],
            event_id=records.event_id(record["_id"], step),
        )

    async def _records(self, ids: Sequence[str]) -> dict[str, Document]:
        """A few records by `_id` lookups (FerretDB answers those from its primary key);
        a batch's many in `$in` queries (one scan each there, an index lookup on MongoDB)."""
        unique = list(dict.fromkeys(ids))
        if len(unique) <= FEW:
            found = await gather_limited(
                [
                    self._store.notifications.find_one(
                        {"_id": doc_id}, projection=RECORD_PROJECTION
                    )
                    for doc_id in unique
                ],
                limit=4,
            )
            return {doc["_id"]: doc for doc in found if doc is not None}
        records_by_id: dict[str, Document] = {}
        for start in range(0, len(unique), MANY):
            cursor = self._store.notifications.find(
                {"_id": {"$in": unique[start : start + MANY]}}, projection=RECORD_PROJECTION
            )
            async for doc in cursor:
                records_by_id[doc["_id"]] = doc
        return records_by_id

    # --- matching --------------------------------------------------------------------

    async def _match(
        self, submissions: Sequence[Submission], allowed: frozenset[str]
    ) -> list[Match]:
        if not submissions:
            return []
        schools = await self._named_schools(
            {sub.child.school_urn for sub in submissions if sub.child.school_urn}, allowed
        )
        by_surname, by_upn = await self._pool([sub.child for sub in submissions], allowed)
        matches = []
        for sub in submissions:
            child = sub.child
            pool = {
                (p.school_id, p.pupil_id): p
                for p in [
                    *by_surname.get(surname_key(child.surname), ()),
                    *by_upn.get(child.upn or "", ()),
                ]
            }
            named = schools.get(child.school_urn or "")
            when = sub.notification.incident_date
            result = match_child(
                child,
                when,
                named.school_id if named else None,
                named.trust_id if named else None,
                allowed,
                list(pool.values()),
            )
            per_trust: tuple[tuple[str, str], ...] = ()
            if not result.matched and named is None and len(allowed) > 1:
                per_trust = tuple(
                    (
                        trust,
                        match_child(
                            child, when, None, None, frozenset({trust}), list(pool.values())
                        ).reason,
                    )
                    for trust in sorted(allowed)
                )
            matches.append(Match(result, named, per_trust))
        return matches

    async def _named_schools(
        self, urns: set[str], allowed: frozenset[str]
    ) -> dict[str, NamedSchool]:
        """URN -> school, among the sender's trusts only; an ambiguous URN is unknown."""
        if not urns:
            return {}
        found: dict[str, list[NamedSchool]] = defaultdict(list)
        cursor = self._store.schools.find(
            {"urn": {"$in": sorted(urns)}, "trust_id": {"$in": sorted(allowed)}},
            projection={"urn": 1, "trust_id": 1},
        )
        async for school in cursor:
            found[school["urn"]].append(NamedSchool(school["_id"], school["trust_id"]))
        return {urn: schools[0] for urn, schools in found.items() if len(schools) == 1}

    async def _pool(
        self, children: Sequence[NotifiedChild], allowed: frozenset[str]
    ) -> tuple[dict[str, list[Candidate]], dict[str, list[Candidate]]]:
        """Every pupil (on roll or not) of the sender's trusts sharing a surname key or UPN
        with one of the children, in one query, grouped by surname key and by UPN."""
        keys = sorted({surname_key(child.surname) for child in children})
        upns = sorted({child.upn for child in children if child.upn})
        wanted: list[dict[str, Any]] = [{"surname_key": {"$in": keys}}]
        if upns:
            wanted.append({"upn": {"$in": upns}})
        query = {"trust_id": {"$in": sorted(allowed)}, "$or": wanted}
        by_surname: dict[str, list[Candidate]] = defaultdict(list)
        by_upn: dict[str, list[Candidate]] = defaultdict(list)
        async for doc in self._store.pupils.find(query, projection=CANDIDATE_PROJECTION):
            pupil = candidate_from(doc)
            by_surname[surname_key(pupil.surname)].append(pupil)
            if pupil.upn:
                by_upn[pupil.upn].append(pupil)
        return by_surname, by_upn

    # --- resolving by hand -----------------------------------------------------------

    async def record_for(self, notification_id: str, principal: Principal) -> Document:
        scope = records.queue_scope(principal)
        if scope is None:
            raise NotFound
        doc = await self._store.notifications.find_one(
            {"_id": notification_id}, projection=RECORD_PROJECTION
        )
        if doc is None or not records.in_scope(doc, scope):
            raise NotFound
        return doc

    async def match_by_hand(
        self, notification_id: str, principal: Principal, pupil_id: str, school_id: str | None
    ) -> Document:
        """A DSL (or the trust) says who the child is: sent on as if it had matched."""
        async with self._lock(notification_id):
            doc = await self._waiting(notification_id, principal)
            school_id = school_id or principal.school_id or doc.get("named_school_id")
            if school_id is None:
                raise Refused("school_id", "say which school the pupil is at")
            sender = await self._store.senders.find_one({"_id": doc["sender_id"]})
            allowed = frozenset(sender["trust_ids"]) if sender else frozenset()
            pupil_doc = await self._store.pupils.find_one(
                {"_id": pupil_key(school_id, pupil_id)}, projection=CANDIDATE_PROJECTION
            )
            if (
                pupil_doc is None
                or pupil_doc["trust_id"] not in allowed
                or not records.may_match_to(principal, school_id, pupil_doc["trust_id"])
            ):
                raise Refused("pupil_id", "no such pupil at a school you may match to")
            changes = {
                **records.matched_fields(candidate_from(pupil_doc), "manual", "matched by hand"),
                "resolution": self._resolution(principal, "matched", None),
            }
            event = self._notified(
                {**doc, **changes},
                Actor(kind="user", id=principal.user_id, role=principal.primary_role),
            )
            updated = await self._resolve(doc, changes, [event])
        await self._notify(notification_id)
        log.info(
            "encompass matched by hand",
            extra={"notification_id": notification_id, "school_id": school_id},
        )
        return updated

    async def dismiss(self, notification_id: str, principal: Principal, reason: str) -> Document:
        async with self._lock(notification_id):
            doc = await self._waiting(notification_id, principal)
            changes = {
                "state": "dismissed",
                "resolution": self._resolution(principal, "dismissed", reason),
            }
            updated = await self._resolve(doc, changes, [])
        log.info("encompass dismissed", extra={"notification_id": notification_id})
        return updated

    async def _waiting(self, notification_id: str, principal: Principal) -> Document:
        doc = await self.record_for(notification_id, principal)
        if doc["state"] != "unmatched":
            raise Conflict(f"this notification is already {doc['state']}")
        return doc

    @staticmethod
    def _resolution(principal: Principal, action: str, reason: str | None) -> dict[str, Any]:
        return {
            "action": action,
            "by": principal.user_id,
            "role": principal.primary_role,
            "at": utc_now(),
            "reason": reason,
        }

    async def _resolve(
        self, doc: Document, changes: dict[str, Any], events: list[Envelope[BaseModel]]
    ) -> Document:
        """Write a resolution; the caller holds the record's lock."""
        update = merge_updates({"$set": changes, "$inc": {"version": 1}}, push_events(events))
        await retry_busy(lambda: self._store.notifications.update_one({"_id": doc["_id"]}, update))
        return {**doc, **changes, "version": doc["version"] + 1}

    # --- reading ---------------------------------------------------------------------

    async def queue(self, principal: Principal, limit: int) -> list[Document]:
        scope = records.queue_scope(principal)
        if scope is None:
            raise NotFound
        cursor = (
            self._store.notifications.find(
                {"state": "unmatched", **scope}, projection=RECORD_PROJECTION
            )
            .sort("received_at", 1)
            .limit(limit)
        )
        return [doc async for doc in cursor]

    async def incident(self, incident_id: str, principal: Principal) -> list[Document]:
        scope = records.incident_scope(principal)
        if scope is None:
            raise NotFound
        cursor = self._store.notifications.find(
            {"incident_id": incident_id, **scope}, projection=RECORD_PROJECTION
        ).sort("_id", 1)
        found = [doc async for doc in cursor]
        if not found:
            raise NotFound
        return found
