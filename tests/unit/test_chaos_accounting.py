"""make chaos's accounting and its network cut: lost and doubled effects are told apart,
the time from a restart to the backlog drained is read from the stored times, and the
proxy really cuts a connection for a while and then lets it through again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bench.chaos.accounting import count_effects, drain_seconds
from bench.chaos.faults import Fault
from bench.chaos.proxy import TcpProxy

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
