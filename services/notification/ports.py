"""What notification's use cases work with, built once in main.py."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from services.common.clock import Clock
from services.common.locks import DocumentLocks
from services.common.unit_of_work import DocumentWriter
from services.notification.domain.delivery import Channel, RetryPolicy
from services.notification.metrics import NotificationMetrics
from services.notification.store import NotificationStore


@dataclass(frozen=True)
class DeliveryPolicy:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # A delivery being sent is left alone by other replicas for this long; if its sender
    # dies, it is sent again after it.
    lease: timedelta = timedelta(seconds=60)
    # Links in e-mails and texts: <public_base_url>/alerts/<alert_id>, nothing else.
    public_base_url: str = "http://localhost:8080"


@dataclass(frozen=True)
class LoopSignals:
    """Nudges for this process's background loops, so new work starts at once (they also
    poll, which is what finds work another replica made)."""

    escalation: asyncio.Event = field(default_factory=asyncio.Event)
    deliveries: asyncio.Event = field(default_factory=asyncio.Event)
    operations: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class NotificationPorts:
    store: NotificationStore
    # The unit of work for alerts (they carry an outbox).
    writer: DocumentWriter
    # For deliveries: no outbox, but the delivery loop's replicas race for them.
    locks: DocumentLocks
    clock: Clock
    # The channels this service is configured for; deliveries on others are "disabled".
    channels: frozenset[Channel] = frozenset()
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    signals: LoopSignals = field(default_factory=LoopSignals)
    # Who is e-mailed when a message is dead-lettered (settings.operations_email).
    operators: tuple[str, ...] = ()
    # Counted into the process's registry (main.py); tests get a registry of their own.
    metrics: NotificationMetrics = field(default_factory=NotificationMetrics)
