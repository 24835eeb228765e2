"""Sending one due delivery over its channel: sent, backing off after a failure that may
clear, or finally failed, which climbs the alert's ladder at once. A delivery whose alert
was acknowledged first is cancelled, not sent.

A delivery is taken under its document lock by pushing its `next_attempt_at` out by a
lease, so two replicas never send it at the same time; a replica that dies mid-send leaves
the lease to run out and the attempt is made again (at least once, never lost).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from services.common.store import Document
from services.notification.channels import DeliveryError
from services.notification.channels.dispatch import Dispatcher
from services.notification.domain.delivery import (
    CANCELLED,
    alert_link,
    failed_delivery_trigger,
    failure_update,
    incoming_files_link,
    notice_for,
    sent_update,
    topic_of,
)
from services.notification.domain.messages import LinkNotice, Notice
from services.notification.ports import NotificationPorts
from services.notification.usecases.escalate import climb_for_event

log = logging.getLogger("harbour.notification.deliveries")


async def deliver(ports: NotificationPorts, dispatcher: Dispatcher, delivery_id: str) -> bool:
    """False when the delivery was not this caller's to send: done already, backing off,
    or being sent by another replica."""
    delivery = await _take(ports, delivery_id)
    if delivery is None:
        return False
    ids = {"delivery_id": delivery_id, "alert_id": delivery["alert_id"]}
    notice = await _notice(ports, delivery)
    if notice is None:
        await _finish(ports, delivery, CANCELLED)
        ports.metrics.delivery(delivery["channel"], "cancelled")
        return True
    try:
        provider_id = await dispatcher.send(
            delivery["channel"], delivery["address"], notice, reference=delivery_id
        )
    except DeliveryError as exc:
        await _failed(ports, delivery, exc.transient, exc.reason)
    except Exception as exc:  # an adapter bug must not stop the loop; retry it
        log.exception("delivery raised unexpectedly", extra=ids)
        await _failed(ports, delivery, True, f"unexpected {type(exc).__name__}")
    else:
        await _finish(
            ports, delivery, sent_update(delivery["attempts"], provider_id, ports.clock.now())
        )
        ports.metrics.delivery(delivery["channel"], "sent")
        log.info("delivery sent", extra=ids)
    return True


async def _notice(ports: NotificationPorts, delivery: Document) -> Notice | LinkNotice | None:
    """What the delivery says; None when its alert was acknowledged first (or is gone)."""
    if delivery.get("message") is not None:
        # A message of its own (no alert behind it): a case manager's notice, or a link.
        if delivery.get("message_kind") == "notice":
            return Notice.model_validate(delivery["message"])
        return LinkNotice.model_validate(delivery["message"])
    alert = await ports.store.alert(delivery["alert_id"])
    if alert is None or alert["acknowledged_at"] is not None:
        return None
    school_name = await ports.store.school_name(alert["school_id"])
    base = ports.delivery.public_base_url
    topic = topic_of(alert)
    link = incoming_files_link(base) if topic == "incoming_file" else alert_link(base, alert["_id"])
    return notice_for(alert["priority"], delivery["reason"], school_name, link, topic)


async def _take(ports: NotificationPorts, delivery_id: str) -> Document | None:
    """The delivery, if it is due and now leased to this caller."""
    store, timers = ports.store, ports.store.delivery_timers
    async with ports.locks.attempt(store.delivery_lock(delivery_id)) as held:
        if not held:
            return None
        now = ports.clock.now()
        delivery = await store.delivery(delivery_id)
        if delivery is None or delivery["state"] != "pending":
            await timers.clear(delivery_id)
            return None  # done (a timer left by a crash, or finished since the loop looked)
        if delivery["next_attempt_at"] > now:
            await timers.set(delivery_id, delivery["next_attempt_at"])
            return None  # being sent by another replica, or backing off
        lease_until = now + ports.delivery.lease
        await timers.set(delivery_id, lease_until)
        await store.lease_delivery(delivery_id, lease_until)
        return delivery


async def _failed(
    ports: NotificationPorts, delivery: Document, transient: bool, reason: str
) -> None:
    update = failure_update(
        delivery["attempts"],
        transient=transient,
        reason=reason,
        now=ports.clock.now(),
        policy=ports.delivery.retry,
    )
    final = update["state"] == "failed"
    log.warning(
        "delivery failed",
        extra={
            "delivery_id": delivery["_id"],
            "alert_id": delivery["alert_id"],
            "attempts": update["attempts"],
            "final": final,
        },
    )
    if final and delivery["alert_id"] is not None:
        # Escalate before recording the failure: a crash in between retries the delivery
        # (and the climb is idempotent) rather than losing the escalation.
        await climb_for_event(
            ports,
            delivery["alert_id"],
            delivery["school_id"],
            "delivery_failed",
            failed_delivery_trigger(delivery["step_id"]),
        )
    await _finish(ports, delivery, update)
    ports.metrics.delivery(delivery["channel"], "failed" if final else "retrying")


async def _finish(ports: NotificationPorts, delivery: Document, fields: Mapping[str, Any]) -> None:
    """Record the attempt's outcome; the timer follows the state (see timers.py for the
    order: set before the write that makes it due, cleared after the one that ends it)."""
    store, timers, delivery_id = ports.store, ports.store.delivery_timers, delivery["_id"]
    async with ports.locks.hold(store.delivery_lock(delivery_id)):
        if fields["state"] == "pending":
            await timers.set(delivery_id, fields["next_attempt_at"])
        await store.update_pending_delivery(delivery_id, fields)
        if fields["state"] != "pending":
            await timers.clear(delivery_id)
