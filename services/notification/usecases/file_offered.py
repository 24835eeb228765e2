"""A school offered a child's file (records.transfer.offered.v1).

- To a school in this deployment: its DSL rota gets an alert, "Incoming child protection
  file", content-free in every e-mail and text like any alert, climbing the ladder until
  someone acknowledges it.
- To a DSL outside it: one e-mail with the one-time link, the sending school's name and
  until when it opens; nothing about the child, and never the access code.

Both take the event's id, so a redelivered event raises or sends nothing more."""

from __future__ import annotations

from datetime import datetime

from contracts.envelope import Envelope
from contracts.records_v1 import TransferOffered
from services.notification.domain.alerts import alert_for_incoming_file
from services.notification.domain.delivery import (
    FALLBACK_SCHOOL_NAME,
    link_delivery,
    transfer_link_url,
)
from services.notification.domain.messages import LinkNotice
from services.notification.ports import NotificationPorts
from services.notification.usecases.raise_alert import raise_alert

UK_DATE = "%d %B %Y"


async def file_offered(ports: NotificationPorts, event: Envelope[TransferOffered]) -> bool:
    """False if the event was seen before."""
    offer = event.payload
    if offer.route == "school":
        return await raise_alert(ports, alert_for_incoming_file(event, ports.clock.now()))
    if offer.recipient_email is None or offer.link_token is None:
        return False
    school_name = await ports.store.school_name(event.school_id) or FALLBACK_SCHOOL_NAME
    notice = LinkNotice(
        school_name=school_name,
        link_url=transfer_link_url(ports.delivery.public_base_url, offer.link_token),
        expires_on=_day(offer.link_expires_at),
    )
    now = ports.clock.now()
    delivery = link_delivery(
        f"{event.event_id}:email",
        trust_id=event.trust_id,
        school_id=event.school_id,
        address=offer.recipient_email,
        notice=notice,
        enabled=ports.channels,
        now=now,
    )
    added = await ports.store.add_delivery(delivery)
    if delivery["next_attempt_at"] is not None:
        await ports.store.delivery_timers.set(delivery["_id"], delivery["next_attempt_at"])
        ports.signals.deliveries.set()
    return added


def _day(moment: datetime | None) -> str:
    return moment.strftime(UK_DATE).lstrip("0") if moment else "it expires"
