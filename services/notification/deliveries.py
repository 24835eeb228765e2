"""The delivery loop: finds deliveries that are due and sends them, a few at a time
(usecases/deliver.py: retries with back-off, and escalates at once when a delivery finally
fails)."""

from __future__ import annotations

import asyncio

import httpx

from services.notification.channels.dispatch import Dispatcher
from services.notification.channels.email import EmailChannel, SmtpConfig
from services.notification.channels.gateway import GatewayChannel, GatewayConfig
from services.notification.polling import poll
from services.notification.ports import NotificationPorts
from services.notification.usecases.deliver import deliver


class DeliveryLoop:
    def __init__(
        self,
        ports: NotificationPorts,
        *,
        smtp: SmtpConfig | None,
        gateway: GatewayConfig | None,
        poll_seconds: float,
        concurrency: int,
        batch: int = 100,
    ) -> None:
        self._ports = ports
        self._smtp = smtp
        self._gateway = gateway
        self._poll = poll_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._batch = batch

    async def run(self) -> None:
        # The HTTP client lives as long as the loop: pooled connections, closed on shutdown.
        async with httpx.AsyncClient() as client:
            gateway = GatewayChannel(client, self._gateway) if self._gateway else None
            email = EmailChannel(self._smtp) if self._smtp else None
            dispatcher = Dispatcher(email, gateway)
            await poll(
                "delivery",
                self._ports.signals.deliveries,
                self._poll,
                lambda: self.one_pass(dispatcher),
            )

    async def one_pass(self, dispatcher: Dispatcher) -> int:
        """Returns how many deliveries were attempted."""
        ports = self._ports
        due = await ports.store.delivery_timers.due(ports.clock.now(), self._batch)
        return sum(await asyncio.gather(*(self._send(dispatcher, d) for d in due)))

    async def _send(self, dispatcher: Dispatcher, delivery_id: str) -> bool:
        async with self._slots:
            return await deliver(self._ports, dispatcher, delivery_id)
