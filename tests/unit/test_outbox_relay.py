"""The outbox relay keeps a document queued until its events are published and marked."""

from __future__ import annotations

import asyncio
import copy
from types import SimpleNamespace
from typing import Any

from pymongo.errors import AutoReconnect

from contracts.envelope import utc_now
from services.common.outbox import EPOCH, outbox_entry, with_outbox
from services.common.outbox_relay import OutboxRelay
from tests.support.events import concern_raised
from tests.support.memory import memory_db


class FlakyCollection:
    """Just the calls the relay makes, on one document; the first `failures` lookups fail."""

    name = "concerns"

    def __init__(self, document: dict[str, Any], failures: int) -> None:
        self.document = document
        self.failures = failures

    async def find_one(self, query: dict[str, Any]) -> dict[str, Any] | None:
        if self.failures:
            self.failures -= 1
            raise AutoReconnect("store went away")
        if query != {"_id": self.document["_id"]}:
            return None
        return copy.deepcopy(self.document)  # what a store hands out: a copy

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> SimpleNamespace:
        """Applied if the document has the fields asked for (the relay's compare)."""
        if any(self.document.get(field) != value for field, value in query.items()):
            return SimpleNamespace(matched_count=0)
        for path, value in update["$set"].items():
            target, *rest = path.split(".")
            if rest:
                self.document[target][int(rest[0])][rest[1]] = value
            else:
                self.document[target] = value
        return SimpleNamespace(matched_count=1)

    async def bulk_write(self, requests: list[Any], ordered: bool = True) -> SimpleNamespace:
        """The relay's marks of one pass: each applied as `update_one` applies it."""
        matched = 0
        for request in requests:
            matched += (await self.update_one(request._filter, request._doc)).matched_count
        return SimpleNamespace(matched_count=matched)


def pending_concern() -> dict[str, Any]:
    school = SimpleNamespace(school_id="oak", trust_id="oak-trust")
    envelope = concern_raised(school, "p-1")  # type: ignore[arg-type]
    return {
        "_id": "c-1",
        "outbox": [outbox_entry(envelope)],
        "outbox_count": 1,
        "outbox_pending": True,
        "relay_lease_until": EPOCH,
    }


async def test_a_store_error_keeps_the_document_queued_until_it_is_published():
    published: list[str] = []

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        published.append(event_id)

    relay = OutboxRelay(publish, poll_seconds=0.1, sweep_seconds=300, backoff=lambda _: 0.0)  # type: ignore[arg-type]
    collection = FlakyCollection(pending_concern(), failures=2)
    relay.watch(collection)  # type: ignore[arg-type]

    relay.enqueue(collection, "c-1")  # type: ignore[arg-type]
    assert await relay.relay_once() == 0  # the store failed: nothing published, still queued
    assert await relay.relay_once() == 0
    assert await relay.relay_once() == 1
    assert await relay.relay_once() == 0  # done: not queued any more

    assert published == [collection.document["outbox"][0]["event_id"]]
    assert collection.document["outbox_pending"] is False
    assert collection.document["outbox"][0]["state"] == "published"
    assert collection.document["outbox"][0]["published_at"] <= utc_now()


async def test_a_pass_stopped_midway_leaves_its_documents_queued_for_the_last_pass():
    """SIGTERM cancels the relay's loop, then one last pass publishes what is queued: a
    document the cancelled pass had taken must still be in it."""
    published: list[str] = []
    started = asyncio.Event()

    async def slow(event_id: str, event_type: str, body: bytes) -> None:
        started.set()
        await asyncio.sleep(60)

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        published.append(event_id)

    # One publish at a time: the other documents wait their turn when the pass is stopped.
    relay = OutboxRelay(slow, poll_seconds=0.1, sweep_seconds=300, concurrency=1)  # type: ignore[arg-type]
    collections = [FlakyCollection(pending_concern(), failures=0) for _ in range(3)]
    for n, collection in enumerate(collections):
        collection.document["_id"] = f"c-{n}"
        collection.name = f"concerns{n}"
        relay.watch(collection)  # type: ignore[arg-type]
        relay.enqueue(collection, f"c-{n}")  # type: ignore[arg-type]

    passing = asyncio.create_task(relay.relay_once())
    await started.wait()
    passing.cancel()
    await asyncio.gather(passing, return_exceptions=True)
    relay._publish = publish
    await relay.relay_once(everything=True)

    assert len(published) == 3
    assert relay.backlog().events == 0


async def test_a_document_written_once_is_published_from_what_its_writer_handed_over():
    """The writer of a concern hands the relay the document it inserted: the relay
    publishes from it without reading it back, and still marks it published in the store."""
    published: list[str] = []

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        published.append(event_id)

    relay = OutboxRelay(publish, poll_seconds=0.1, sweep_seconds=300)  # type: ignore[arg-type]
    document = pending_concern()
    collection = FlakyCollection(document, failures=1)  # a read would fail
    relay.watch(collection)  # type: ignore[arg-type]

    relay.enqueue(collection, "c-1", written=document)  # type: ignore[arg-type]
    assert await relay.relay_once() == 1
    assert collection.failures == 1  # never read
    assert published == [document["outbox"][0]["event_id"]]
    assert document["outbox_pending"] is False  # the mark went to the store


async def test_an_event_added_while_the_relay_publishes_is_published_next():
    """The relay takes no lock: a writer may append an event between the relay's read and
    its mark. The mark then keeps what was published and leaves the document pending."""
    document = pending_concern()
    collection = FlakyCollection(document, failures=0)
    school = SimpleNamespace(school_id="oak", trust_id="oak-trust")
    later = outbox_entry(concern_raised(school, "p-1"))  # type: ignore[arg-type]
    published: list[str] = []

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        published.append(event_id)
        if len(published) == 1:  # a writer appends meanwhile, as push_events does
            document["outbox"].append(later)
            document["outbox_count"] += 1
            document["outbox_pending"] = True

    relay = OutboxRelay(publish, poll_seconds=0.1, sweep_seconds=300)
    relay.watch(collection)  # type: ignore[arg-type]
    relay.enqueue(collection, "c-1")  # type: ignore[arg-type]

    assert await relay.relay_once() == 1
    assert document["outbox_pending"] is True  # not cleared over the new event
    assert document["outbox"][0]["state"] == "published"
    assert await relay.relay_once() == 1  # looked at again at once
    assert published == [document["outbox"][0]["event_id"], later["event_id"]]
    assert document["outbox_pending"] is False
    assert all(entry["state"] == "published" for entry in document["outbox"])


async def test_documents_published_together_publish_their_own_events_if_that_fails():
    """A roster's new pupils go out as one event; if the broker refuses it, nothing is lost:
    each pupil's own stored event is queued and published alone."""
    document = pending_concern()
    collection = FlakyCollection(document, failures=0)
    school = SimpleNamespace(school_id="oak", trust_id="oak-trust")
    together = concern_raised(school, "p-1")  # type: ignore[arg-type]
    published: list[str] = []
    broker_down = True

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        if broker_down:
            raise ConnectionError("broker away")
        published.append(event_id)

    relay = OutboxRelay(publish, poll_seconds=0.1, sweep_seconds=300, backoff=lambda _: 0.0)
    relay.watch(collection)  # type: ignore[arg-type]
    await relay.publish_together(collection, [document], together)  # type: ignore[arg-type]
    assert published == [] and document["outbox_pending"] is True

    broker_down = False
    assert await relay.relay_once() == 1
    assert published == [document["outbox"][0]["event_id"]]
    assert document["outbox_pending"] is False


class CountingWrites:
    """A real (in-memory) collection, counting the writes the relay makes to it."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    async def update_one(self, *args: Any, **kwargs: Any) -> Any:
        self.writes += 1
        return await self._collection.update_one(*args, **kwargs)

    async def bulk_write(self, *args: Any, **kwargs: Any) -> Any:
        self.writes += 1
        return await self._collection.bulk_write(*args, **kwargs)


async def test_the_documents_of_one_pass_are_marked_published_in_one_write() -> None:
    school = SimpleNamespace(school_id="oak", trust_id="oak-trust")
    concerns = CountingWrites(memory_db()["concerns"])
    events = [concern_raised(school, f"p-{n}") for n in range(5)]  # type: ignore[arg-type]
    for n, event in enumerate(events):
        await concerns.insert_one(with_outbox({"_id": f"c-{n}"}, [event]))
    published: list[str] = []

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        published.append(event_id)

    relay = OutboxRelay(publish, poll_seconds=1, sweep_seconds=3600)
    relay.watch(concerns)  # type: ignore[arg-type]
    for n in range(5):
        relay.enqueue(concerns, f"c-{n}")  # type: ignore[arg-type]

    assert await relay.relay_once() == 5
    assert concerns.writes == 1
    assert sorted(published) == sorted(event.event_id for event in events)
    async for stored in concerns.find({}):
        assert stored["outbox_pending"] is False
        assert stored["outbox"][0]["state"] == "published"
    assert relay.backlog().documents == 0


async def two_concerns() -> tuple[CountingWrites, tuple[Any, Any, Any]]:
    """c-1 and c-2, each with one pending event, and an event to add later."""
    school = SimpleNamespace(school_id="oak", trust_id="oak-trust")
    concerns = CountingWrites(memory_db()["concerns"])
    first, second, later = (concern_raised(school, "p-1") for _ in range(3))  # type: ignore[arg-type]
    await concerns.insert_one(with_outbox({"_id": "c-1"}, [first]))
    await concerns.insert_one(with_outbox({"_id": "c-2"}, [second]))
    return concerns, (first, second, later)


async def test_a_document_given_an_event_during_the_pass_is_published_again_alone() -> None:
    concerns, (first, second, later) = await two_concerns()
    published: list[str] = []

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        published.append(event_id)
        if event_id == first.event_id:  # a writer adds an event to c-1 meanwhile
            await concerns.update_one(
                {"_id": "c-1"},
                {"$push": {"outbox": outbox_entry(later)}, "$inc": {"outbox_count": 1}},
            )

    relay = OutboxRelay(publish, poll_seconds=1, sweep_seconds=3600)
    relay.watch(concerns)  # type: ignore[arg-type]
    relay.enqueue(concerns, "c-1")  # type: ignore[arg-type]
    relay.enqueue(concerns, "c-2")  # type: ignore[arg-type]

    assert await relay.relay_once() == 2
    assert await relay.relay_once() == 1  # c-1's new event, once

    assert sorted(published) == sorted([first.event_id, second.event_id, later.event_id])
    for doc_id in ("c-1", "c-2"):
        stored = await concerns.find_one({"_id": doc_id})
        assert stored["outbox_pending"] is False
        assert {entry["state"] for entry in stored["outbox"]} == {"published"}


async def test_marks_wait_to_be_written_together_and_a_document_read_again_is_marked_first():
    concerns, (first, second, later) = await two_concerns()
    published: list[str] = []

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        published.append(event_id)

    relay = OutboxRelay(publish, poll_seconds=1, sweep_seconds=3600, mark_seconds=3600)
    relay.watch(concerns)  # type: ignore[arg-type]
    relay.enqueue(concerns, "c-1")  # type: ignore[arg-type]
    assert await relay.relay_once() == 1
    relay.enqueue(concerns, "c-2")  # type: ignore[arg-type]
    assert await relay.relay_once() == 1
    assert concerns.writes == 0  # both marks wait
    assert relay.backlog().documents == 2

    # c-1 is given another event: its mark is written before it is read again, so only
    # the new event is published.
    await concerns.update_one(
        {"_id": "c-1"}, {"$push": {"outbox": outbox_entry(later)}, "$inc": {"outbox_count": 1}}
    )
    relay.enqueue(concerns, "c-1")  # type: ignore[arg-type]
    assert await relay.relay_once(everything=True) == 1  # the last pass marks what waits

    assert sorted(published) == sorted([first.event_id, second.event_id, later.event_id])
    async for stored in concerns.find({}):
        assert stored["outbox_pending"] is False
    assert relay.backlog().documents == 0
