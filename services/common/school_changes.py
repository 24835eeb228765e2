"""Every replica of a service drops what it caches of a school's set-up when any replica
changes it (services.common.school_cache).

Each change of a calendar, rota, pattern rules or school record is stored with its admin
action event (services.common.admin_audit), published by the outbox relay moments after
the write. Each process listens for its own service's admin actions on a queue of its own:
not durable, deleted with the process's connection, so nothing waits in it for a replica
that is gone. A change that arrives while the connection is down is not seen here; the
cache's time limit covers it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from faststream import AckPolicy
from faststream.rabbit import RabbitBroker, RabbitMessage, RabbitQueue

from contracts.admin_actions import AdminAction, AdminActionRecorded
from contracts.registry import InvalidEvent, decode
from services.common.broker import events_exchange
from services.common.school_cache import SchoolCache
from services.common.whole_message import whole_message

log = logging.getLogger("harbour.school_changes")


def changes_queue(service: str) -> RabbitQueue:
    return RabbitQueue(
        f"{service}.school-changes.{secrets.token_hex(6)}",
        durable=False,
        exclusive=True,
        auto_delete=True,
        routing_key=f"{service}.admin.action_recorded.v1",
    )


def forget_on_change(
    broker: RabbitBroker,
    service: str,
    caches: Mapping[AdminAction, Sequence[SchoolCache[Any]]],
) -> None:
    """On each admin action of `service`, drop the school from the caches listed for it."""

    async def on_message(message: RabbitMessage) -> None:
        try:
            event = decode(bytes(message.body))
        except InvalidEvent:
            log.warning("an admin action that is not one was ignored")
            return
        payload = event.payload
        if isinstance(payload, AdminActionRecorded):
            for cache in caches.get(payload.action, ()):
                cache.forget(payload.school_id)

    broker.subscriber(
        changes_queue(service),
        events_exchange(),
        ack_policy=AckPolicy.ACK_FIRST,
        no_reply=True,
        include_in_schema=False,
        decoder=whole_message,
    )(on_message)
