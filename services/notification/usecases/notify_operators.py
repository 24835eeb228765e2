"""Sending an operators' alert by e-mail: each address once, retried with back-off while
the failure may clear (the delivery policy's), under the alert's lock so that replicas do
not send it twice at once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from services.notification.channels import DeliveryError
from services.notification.domain.operations_alerts import (
    after_sending,
    email_body,
    email_subject,
    pending_addresses,
)
from services.notification.ports import NotificationPorts

log = logging.getLogger("harbour.notification.operations")

SendEmail = Callable[[str, str, str], Awaitable[None]]  # to, subject, body


async def notify_operators(ports: NotificationPorts, send: SendEmail, alert_id: str) -> bool:
    """False when there was nothing to send now, or another replica is sending it."""
    store = ports.store.operations
    async with ports.locks.attempt(store.lock(alert_id)) as held:
        if not held:
            return False
        alert = await store.alert(alert_id)
        now = ports.clock.now()
        if alert is None or not pending_addresses(alert):
            await store.send_at(alert_id, None)
            return False
        if alert["next_attempt_at"] > now:
            await store.send_at(alert_id, alert["next_attempt_at"])
            return False
        failures: dict[str, tuple[bool, str]] = {}
        for address in pending_addresses(alert):
            try:
                await send(address, email_subject(alert), email_body(alert))
            except DeliveryError as exc:
                failures[address] = (exc.transient, exc.reason)
            except Exception as exc:  # an adapter bug must not stop the loop; retry it
                failures[address] = (True, f"unexpected {type(exc).__name__}")
        fields = after_sending(alert, failures, now, ports.delivery.retry)
        # The timer follows the state: set before the write that keeps it due, cleared
        # after the write that ends it.
        if fields["next_attempt_at"] is not None:
            await store.send_at(alert_id, fields["next_attempt_at"])
        await store.record_sending(alert_id, fields)
        if fields["next_attempt_at"] is None:
            await store.send_at(alert_id, None)
    log.info(
        "operators' alert sent",
        extra={"operations_alert_id": alert_id, "failed": len(failures)},
    )
    return True
