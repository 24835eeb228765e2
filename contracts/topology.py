"""The whole RabbitMQ topology, declared identically by every service at start-up.

Every service declares every queue, not only its own: a publisher that starts before a
consumer would otherwise publish a concern that reaches some consumers and silently
misses the one whose queue does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts import case_v1, intake_v1, notification_v1

EXCHANGE = "harbour.events"
SERVICES = ("intake", "case", "notification", "records")


@dataclass(frozen=True)
class QueueSpec:
    service: str
    purpose: str
    routing_keys: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.service}.{self.purpose}"


def dead_letter_exchange(service: str) -> str:
    return f"harbour.{service}.dlx"


def dead_letter_queue(service: str) -> str:
    return f"{service}.dlq"


# Bound to every service's dead-letter exchange (a fanout): a copy of each dead letter, for
# notification to alert the operators. Not an event queue: it carries no routing keys.
DEAD_LETTER_COPIES = "notification.dead_letters"


QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec(
        "notification",
        "alerts",
        (intake_v1.CONCERN_RAISED, intake_v1.ENCOMPASS_NOTIFIED, intake_v1.ENCOMPASS_AMENDED),
    ),
    QueueSpec(
        "notification",
        "deadlines",
        (case_v1.DEADLINE_APPROACHING, case_v1.DEADLINE_BREACHED),
    ),
    QueueSpec("notification", "directory", (intake_v1.SCHOOL_RECORDED,)),
    QueueSpec(
        "records",
        "chronology",
        (intake_v1.CONCERN_RAISED, intake_v1.ENCOMPASS_NOTIFIED, intake_v1.ENCOMPASS_AMENDED),
    ),
    QueueSpec("records", "directory", (intake_v1.PUPIL_RECORDED,)),
    QueueSpec(
        "case",
        "deadlines",
        (
            intake_v1.CONCERN_RAISED,
            intake_v1.ENCOMPASS_NOTIFIED,
            intake_v1.PUPIL_LEFT,
            notification_v1.ALERT_ACKNOWLEDGED,
        ),
    ),
    QueueSpec("case", "directory", (intake_v1.SCHOOL_RECORDED, intake_v1.PUPIL_RECORDED)),
    QueueSpec("records", "audit", (case_v1.DEADLINE_MET,)),
)


def queues_of(service: str) -> tuple[QueueSpec, ...]:
    return tuple(q for q in QUEUES if q.service == service)


def queue(name: str) -> QueueSpec:
    for spec in QUEUES:
        if spec.name == name:
            return spec
    raise KeyError(name)
