"""A concern about an adult reaches its case managers at once, directly: when its case
opens (case.adult_case.opened.v1), when a third low-level concern about the same adult
within 12 months makes a pattern (case.adult_case.low_level_pattern.v1), and when one of
its deadlines is approaching or has passed. Never through the DSL rota (a DSL may be the
adult), never to the adult, never a word of the concern (domain/case_managers.py).

Whom each event reached, and whom it could not, is kept under the event's id; every
delivery's id comes from the event too, so a redelivered event sends nothing twice."""

from __future__ import annotations

import logging
from typing import Any

from contracts import case_v1
from contracts.adult_cases import AdultCaseAccess, AdultCaseOpened, LowLevelPattern
from contracts.case_v1 import DeadlineChanged
from contracts.envelope import Envelope
from contracts.vocabulary import Priority
from services.notification.domain.case_managers import (
    allegations_link,
    case_managers,
    direct_deliveries,
)
from services.notification.domain.delivery import notice_for
from services.notification.domain.messages import Topic
from services.notification.ports import NotificationPorts

log = logging.getLogger("harbour.notification.adult_cases")

DEADLINE_TOPICS: dict[str, Topic] = {
    case_v1.DEADLINE_APPROACHING: "adult_deadline_approaching",
    case_v1.DEADLINE_BREACHED: "adult_deadline_breached",
}


class AdultCaseNotKnown(LookupError):
    """A deadline of an adult case whose opening notification has not heard of yet: the
    event is redelivered until it has."""


async def adult_case_opened(ports: NotificationPorts, event: Envelope[AdultCaseOpened]) -> bool:
    """False if the event was seen before."""
    opened = event.payload
    route = {
        "_id": opened.case_id,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "access": opened.access.model_dump(mode="json"),
    }
    await ports.store.keep_adult_route(route)
    return await tell_case_managers(ports, event, opened.case_id, opened.access, "adult_concern")


async def low_level_pattern_found(
    ports: NotificationPorts, event: Envelope[LowLevelPattern]
) -> bool:
    pattern = event.payload
    return await tell_case_managers(ports, event, pattern.case_id, pattern.access, "adult_pattern")


async def adult_deadline_reached(
    ports: NotificationPorts, event: Envelope[DeadlineChanged]
) -> bool:
    case_id = event.payload.source_id
    route = await ports.store.adult_route(case_id)
    if route is None:
        raise AdultCaseNotKnown(case_id)
    access = AdultCaseAccess.model_validate(route["access"])
    return await tell_case_managers(
        ports, event, case_id, access, DEADLINE_TOPICS[event.event_type]
    )


async def tell_case_managers(
    ports: NotificationPorts,
    event: Envelope[Any],
    case_id: str,
    access: AdultCaseAccess,
    topic: Topic,
) -> bool:
    store, school_id = ports.store, event.school_id
    reachable, unreachable = case_managers(
        access.model_dump(mode="json"), await store.staff_at(school_id), await store.rota(school_id)
    )
    notice = notice_for(
        Priority.NORMAL,
        "initial",
        await store.school_name(school_id),
        allegations_link(ports.delivery.public_base_url),
        topic,
    )
    now = ports.clock.now()
    added = await store.add_adult_notice(
        {
            "_id": event.event_id,
            "trust_id": event.trust_id,
            "school_id": school_id,
            "case_id": case_id,
            "topic": topic,
            "recipients": [person.user_id for person in reachable],
            "unreachable": unreachable,
            "created_at": now,
        }
    )
    deliveries = direct_deliveries(
        event.event_id,
        reachable,
        notice,
        trust_id=event.trust_id,
        school_id=school_id,
        enabled=ports.channels,
        now=now,
    )
    for delivery in deliveries:
        await store.add_delivery(delivery)
        if delivery["next_attempt_at"] is not None:
            await store.delivery_timers.set(delivery["_id"], delivery["next_attempt_at"])
    ports.signals.deliveries.set()
    if not reachable:
        ids = {"case_id": case_id, "event_id": event.event_id, "school_id": school_id}
        log.warning("no case manager could be reached about an adult case", extra=ids)
    return added
