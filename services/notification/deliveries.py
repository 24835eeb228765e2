"""The delivery loop: sends due deliveries, retries with back-off, and escalates at once
when a delivery finally fails.

A delivery is taken under its document lock by pushing its `next_attempt_at` out by a
lease, so two replicas never send it at the same time; a replica that dies mid-send
leaves the lease to run out and the attempt is made again (at least once, never lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from contracts.envelope import utc_now
from services.common.locks import DocumentLocks, lock_key
from services.common.store import Document
from services.notification.channels import DeliveryError
from services.notification.channels.dispatch import Dispatcher
from services.notification.channels.email import EmailChannel, SmtpConfig
from services.notification.channels.gateway import GatewayChannel, GatewayConfig
from services.notification.domain.delivery import Channel, RetryPolicy, failure_update
from services.notification.domain.escalation import EventReason
from services.notification.domain.messages import Notice
from services.notification.store import NotificationStore

log = logging.getLogger("harbour.notification.deliveries")

# (alert_id, school_id, reason, trigger key): climb the alert's ladder at once.
Escalate = Callable[[str, str, EventReason, str], Awaitable[object]]

FALLBACK_SCHOOL_NAME = "your school"


def enabled_channels(smtp: SmtpConfig | None, gateway: GatewayConfig | None) -> set[Channel]:
    channels: set[Channel] = set()
    if smtp is not None:
        channels.add("email")
    if gateway is not None:
        channels |= {"sms", "push"}
    return channels


def alert_link(public_base_url: str, alert_id: str) -> str:
    """An opaque link to the alert: no child data in URLs."""
    return f"{public_base_url.rstrip('/')}/alerts/{quote(alert_id, safe='')}"


class DeliveryWorker:
    def __init__(
        self,
        store: NotificationStore,
        locks: DocumentLocks,
        *,
        smtp: SmtpConfig | None,
        gateway: GatewayConfig | None,
        escalate: Escalate,
        due: asyncio.Event,
        public_base_url: str,
        retry: RetryPolicy,
        poll_seconds: float,
        lease_seconds: float,
        concurrency: int,
        batch: int = 100,
    ) -> None:
        self._store = store
        self._locks = locks
        self._smtp = smtp
        self._gateway = gateway
        self._escalate = escalate
        self._due = due
        self._base_url = public_base_url
        self._retry = retry
        self._poll = poll_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._slots = asyncio.Semaphore(concurrency)
        self._batch = batch

    async def run(self) -> None:
        # The HTTP client lives as long as the loop: pooled connections, closed on shutdown.
        async with httpx.AsyncClient() as client:
            gateway = GatewayChannel(client, self._gateway) if self._gateway else None
            email = EmailChannel(self._smtp) if self._smtp else None
            dispatcher = Dispatcher(email, gateway)
            while True:
                self._due.clear()
                try:
                    await self.tick(dispatcher, utc_now())
                except Exception:
                    log.exception("delivery pass failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._due.wait(), timeout=self._poll)

    async def tick(self, dispatcher: Dispatcher, now: datetime) -> int:
        due = await self._store.delivery_timers.due(now, self._batch)
        results = await asyncio.gather(*(self._attempt(dispatcher, d) for d in due))
        return sum(results)

    async def _attempt(self, dispatcher: Dispatcher, delivery_id: str) -> int:
        async with self._slots:
            delivery = await self._take(delivery_id)
            if delivery is None:
                return 0
            await self._deliver(dispatcher, delivery)
            return 1

    async def _take(self, delivery_id: str) -> Document | None:
        """Under the delivery's lock: if it is still due, push its next attempt out by a
        lease, so no other replica sends it meanwhile; a replica that dies mid-send leaves
        the lease to run out and the attempt is made again."""
        async with self._locks.attempt(lock_key(self._store.deliveries, delivery_id)) as held:
            if not held:
                return None
            now = utc_now()
            timers = self._store.delivery_timers
            delivery = await self._store.deliveries.find_one({"_id": delivery_id})
            if delivery is None or delivery["state"] != "pending":
                await timers.clear(delivery_id)
                return None  # done (a timer left by a crash, or finished since we looked)
            if delivery["next_attempt_at"] > now:
                await timers.set(delivery_id, delivery["next_attempt_at"])
                return None  # being sent by another replica, or backing off
            await timers.set(delivery_id, now + self._lease)
            await self._store.deliveries.update_one(
                {"_id": delivery_id}, {"$set": {"next_attempt_at": now + self._lease}}
            )
            return delivery

    async def _deliver(self, dispatcher: Dispatcher, delivery: Document) -> None:
        ids = {"delivery_id": delivery["_id"], "alert_id": delivery["alert_id"]}
        alert = await self._store.alerts.find_one({"_id": delivery["alert_id"]})
        if alert is None or alert["acknowledged_at"] is not None:
            await self._finish(delivery, {"state": "cancelled", "next_attempt_at": None})
            return
        notice = await self._notice(alert, delivery)
        try:
            provider_id = await dispatcher.send(
                delivery["channel"], delivery["address"], notice, reference=delivery["_id"]
            )
        except DeliveryError as exc:
            await self._failed(delivery, exc.transient, exc.reason, ids)
        except Exception as exc:  # an adapter bug must not stop the loop; retry it
            log.exception("delivery raised unexpectedly", extra=ids)
            await self._failed(delivery, True, f"unexpected {type(exc).__name__}", ids)
        else:
            await self._finish(
                delivery,
                {
                    "state": "sent",
                    "sent_at": utc_now(),
                    "attempts": delivery["attempts"] + 1,
                    "last_attempt_at": utc_now(),
                    "next_attempt_at": None,
                    "provider_id": provider_id,
                },
            )
            log.info("delivery sent", extra=ids)

    async def _failed(self, delivery: Document, transient: bool, reason: str, ids: dict) -> None:
        update = failure_update(
            delivery["attempts"],
            transient=transient,
            reason=reason,
            now=utc_now(),
            policy=self._retry,
        )
        log.warning(
            "delivery failed",
            extra={**ids, "attempts": update["attempts"], "final": update["state"] == "failed"},
        )
        if update["state"] == "failed":
            # Escalate before recording the failure: a crash in between retries the delivery
            # (and the escalation is idempotent), rather than losing the escalation.
            # One escalation per step, however many of its deliveries fail.
            await self._escalate(
                delivery["alert_id"],
                delivery["school_id"],
                "delivery_failed",
                f"{delivery['step_id']}:delivery_failed",
            )
        await self._finish(delivery, update)

    async def _finish(self, delivery: Document, fields: dict) -> None:
        timers, delivery_id = self._store.delivery_timers, delivery["_id"]
        async with self._locks.hold(lock_key(self._store.deliveries, delivery_id)):
            if fields["state"] == "pending":
                await timers.set(delivery_id, fields["next_attempt_at"])
            await self._store.deliveries.update_one(
                {"_id": delivery_id, "state": "pending"}, {"$set": fields}
            )
            if fields["state"] != "pending":
                await timers.clear(delivery_id)

    async def _notice(self, alert: Document, delivery: Document) -> Notice:
        name = await self._store.school_name(alert["school_id"])
        link = alert_link(self._base_url, alert["_id"])
        try:
            return Notice(
                school_name=name or FALLBACK_SCHOOL_NAME,
                priority=alert["priority"],
                alert_url=link,
                reason=delivery["reason"],
            )
        except ValidationError:
            # A school name no message may carry (too long, a line break): say less.
            return Notice(
                school_name=FALLBACK_SCHOOL_NAME,
                priority=alert["priority"],
                alert_url=link,
                reason=delivery["reason"],
            )
