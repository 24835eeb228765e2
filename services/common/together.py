"""Events published together: one message carrying many whole events of one kind, all of one
school (intake.encompass.notified_together.v1 carries a police batch's children). A consumer
handles each inner event as if it had come alone, so every effect stays keyed by the inner
event's id and a child seen both together and alone (the publisher's fallback) is handled
once.

A failure of one inner event fails the message only after every other inner event has been
handled; its retry repeats those, which changes nothing (each handler is idempotent).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel

from contracts.envelope import Envelope
from services.common.consuming import Handler, PermanentFailure

EachHandler = Callable[[Envelope[Any]], Awaitable[Any]]
ManyHandler = Callable[[Sequence[Envelope[Any]]], Awaitable[Any]]

# Inner events handled at once by `each_event` (each holds a pooled store connection).
IN_FLIGHT = 8


def inner_events(together: Envelope[BaseModel]) -> list[Envelope[Any]]:
    """The carried events, refused whole if any names another tenant than the message."""
    events: list[Envelope[Any]] = list(together.payload.events)  # type: ignore[attr-defined]
    for event in events:
        if (event.trust_id, event.school_id) != (together.trust_id, together.school_id):
            raise PermanentFailure(f"event {event.event_id} is not of the message's school")
    return events


def each_event(handler: EachHandler, *, limit: int = IN_FLIGHT) -> Handler:
    """A handler for a together message that hands each inner event to `handler`."""

    async def handle(together: Envelope[BaseModel]) -> None:
        gate = asyncio.Semaphore(limit)

        async def one(event: Envelope[Any]) -> None:
            async with gate:
                await handler(event)

        outcomes = await asyncio.gather(
            *(one(event) for event in inner_events(together)), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    return handle


def all_events(handler: ManyHandler) -> Handler:
    """A handler for a together message that hands all its inner events to `handler` at
    once (a use case that writes them in bulk)."""

    async def handle(together: Envelope[BaseModel]) -> None:
        await handler(inner_events(together))

    return handle
