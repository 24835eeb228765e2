"""make chaos's accounting and its network cut: lost and doubled effects are told apart,
the time from a restart to the backlog drained is read from the stored times, and the
proxy really cuts a connection for a while and then lets it through again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bench.chaos.accounting import Stores, count_effects, drain_seconds, entry_keys
from bench.chaos.faults import Fault
from bench.chaos.proxy import TcpProxy
from contracts.intake_v1 import CONCERN_RAISED, ENCOMPASS_NOTIFIED
from services.records.domain.child_file import chain_id
from services.records.store_chain_claims import key_id

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_missing_effect_is_lost_and_a_second_copy_is_duplicated():
    found = {
        "alert": {"c1": [at(1)], "c2": [at(1), at(2)]},
        "chronology": {"c1": [at(1)], "c2": [at(1)]},
        "deadline": {"c1": [at(1)]},
    }

    counted = count_effects({"c1", "c2"}, found)

    assert counted["alert"] == {"found": 2, "lost": 0, "duplicated": 1}
    assert counted["deadline"] == {"found": 1, "lost": 1, "duplicated": 0}


def test_the_backlog_drained_when_the_last_effect_of_what_was_accepted_before_was_stored():
    accepted = {"before": at(0), "during": at(8), "after": at(30)}
    found = {
        "alert": {"before": [at(1)], "during": [at(12)], "after": [at(31)]},
        "chronology": {"before": [at(1)], "during": [at(25)], "after": [at(31)]},
        "deadline": {"before": [at(2)], "during": [at(13)], "after": [at(32)]},
    }
    restarted = Fault("records", injected_at=at(5), restarted_at=at(10), ready_at=at(11))
    quiet = Fault("earlier", injected_at=at(-9), restarted_at=at(-5))

    drains = drain_seconds([restarted, quiet], accepted, found)

    assert drains["records"] == {
        "seconds": 15.0,
        "last_effect": "chronology",
        "last_source_id": "during",
        "last_accepted_at": at(8).isoformat(),
    }
    assert drains["earlier"] == {"seconds": 0.0}


async def _echo_server() -> tuple[asyncio.Server, int]:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def _round_trip(port: int) -> bytes:
    """What comes back through the proxy (nothing when it closed or reset the connection)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"ping")
        await writer.drain()
        return await asyncio.wait_for(reader.read(4), 5)
    except ConnectionError:
        return b""
    finally:
        writer.close()


async def test_the_proxy_cuts_open_connections_and_refuses_new_ones_until_the_cut_ends():
    server, port = await _echo_server()
    proxy = TcpProxy(port)
    proxy.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"ping")
        assert await asyncio.wait_for(reader.read(4), 5) == b"ping"

        await asyncio.to_thread(proxy.cut, 0.5)

        try:
            cut_off = await asyncio.wait_for(reader.read(4), 5)
        except ConnectionError:
            cut_off = b""
        assert cut_off == b""  # closed by the cut
        assert await _round_trip(proxy.port) == b""  # refused while cut
        await asyncio.sleep(0.6)
        assert await _round_trip(proxy.port) == b"ping"
    finally:
        writer.close()
        proxy.stop()
        server.close()


class _Found:
    """The part of a collection the accounting reads: find() over stored documents."""

    def __init__(self, documents: list[dict]) -> None:
        self.documents = documents

    def find(self, _filter: dict, projection: dict) -> _Found:
        return self

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for document in self.documents:
            yield document


def _stores(collections: dict[tuple[str, str], list[dict]]) -> Stores:
    stores = Stores.__new__(Stores)
    stores.published_keys = {}
    stores.collection = lambda service, name: _Found(collections.get((service, name), []))  # type: ignore[method-assign]
    return stores


async def test_a_chronology_entry_is_found_by_its_key_in_the_childs_file():
    concern = {
        "_id": "c1",
        "school_id": "oak",
        "pupil_id": "P1",
        "outbox": [{"event_type": CONCERN_RAISED, "event_id": "e1"}],
    }
    notice = {
        "_id": "n1",
        "school_id": "oak",
        "pupil_id": "P2",
        "outbox": [{"event_type": ENCOMPASS_NOTIFIED, "event_id": "e2"}],
    }
    on_no_roll = {"_id": "n2", "school_id": None, "pupil_id": None, "outbox": []}
    stores = _stores(
        {
            ("intake", "concerns"): [concern],
            ("intake", "encompass_notifications"): [notice, on_no_roll],
            ("records", "file_keys"): [
                {"_id": key_id(chain_id("oak", "P1"), "e1"), "at": at(1)},
                {"_id": key_id(chain_id("oak", "P2"), "other-event"), "at": at(2)},
            ],
        }
    )

    found = await stores.effects()

    assert dict(found["chronology"]) == {"c1": [at(1)]}  # n1's entry is not there: lost
    assert count_effects({"c1", "n1"}, found)["chronology"]["lost"] == 1


async def test_an_event_published_with_no_intake_document_is_found_by_the_key_given():
    probe_keys = entry_keys("oak", "P1", {"probe-1": "e9"})
    stores = _stores(
        {("records", "file_keys"): [{"_id": key_id(chain_id("oak", "P1"), "e9"), "at": at(3)}]}
    )
    stores.published_keys = probe_keys

    found = await stores.effects()

    assert dict(found["chronology"]) == {"probe-1": [at(3)]}


async def test_an_entry_beyond_its_chains_keys_is_counted_as_a_copy():
    chain = chain_id("oak", "P1")
    keys = [{"_id": key_id(chain, "e1")}, {"_id": key_id(chain, "e2")}]
    pages = [{"chain": chain, "entries": ["sealed-1", "sealed-2", "sealed-2-again"]}]
    other = chain_id("oak", "P2")
    stores = _stores(
        {
            ("records", "file_keys"): [*keys, {"_id": key_id(other, "e3")}],
            ("records", "file_pages"): [*pages, {"chain": other, "entries": ["sealed-3"]}],
        }
    )

    assert await stores.entries_beyond_keys() == 1
