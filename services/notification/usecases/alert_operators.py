"""A message was dead-lettered somewhere in Harbour: the operators' alert, once per dead
letter (its id is fixed by the message, queue, reason and death count; see
domain/operations_alerts.py), with an e-mail to each operator address to send."""

from __future__ import annotations

import logging

from services.common.dead_letter_headers import DeadLetter
from services.notification.domain.operations_alerts import operations_alert, pending_addresses
from services.notification.ports import NotificationPorts

log = logging.getLogger("harbour.notification.operations")


async def alert_operators(ports: NotificationPorts, dead: DeadLetter) -> bool:
    """False if this dead letter was reported already (the copy was delivered again)."""
    store = ports.store.operations
    recipients = ports.operators if "email" in ports.channels else ()
    alert = operations_alert(dead, recipients, ports.clock.now())
    added = await store.add(alert)
    if added:
        ports.metrics.operations_alert(dead.service)
        log.warning(
            "dead letter: operators alerted",
            extra={
                "operations_alert_id": alert["_id"],
                "dead_letter_queue": dead.queue,
                "reason": dead.reason,
                "dead_message_id": dead.message_id,
                "recipients": len(recipients),
            },
        )
    else:
        alert = await store.alert(alert["_id"]) or alert
    # The alert before its timer: a crash in between leaves the copy unacked, and its
    # redelivery sets the timer (services/common/timers.py).
    if pending_addresses(alert):
        await store.send_at(alert["_id"], alert["next_attempt_at"])
        ports.signals.operations.set()
    return added
