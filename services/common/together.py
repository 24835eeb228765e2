"""Events published together: one message carrying many whole events of one kind, all of one
school (intake.encompass.notified_together.v1 carries a police batch's children). A consumer
hands them all to a use case that writes their effects in bulk, each effect keyed by its
inner event's id as if the event had come alone, so a child seen both together and alone
(the publisher's fallback) is handled once, and a redelivered message changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel

from contracts.envelope import Envelope
from services.common.consuming import Handler, PermanentFailure

ManyHandler = Callable[[Sequence[Envelope[Any]]], Awaitable[Any]]


def inner_events(together: Envelope[BaseModel]) -> list[Envelope[Any]]:
    """The carried events, refused whole if any names another tenant than the message."""
    events: list[Envelope[Any]] = list(together.payload.events)  # type: ignore[attr-defined]
    for event in events:
        if (event.trust_id, event.school_id) != (together.trust_id, together.school_id):
            raise PermanentFailure(f"event {event.event_id} is not of the message's school")
    return events


def all_events(handler: ManyHandler) -> Handler:
    """A handler for a together message that hands all its inner events to `handler` at
    once (a use case that writes them in bulk)."""

    async def handle(together: Envelope[BaseModel]) -> None:
        await handler(inner_events(together))

    return handle
