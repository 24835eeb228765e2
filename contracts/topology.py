"""The whole RabbitMQ topology, declared identically by every service at start-up.

Every service declares every queue, not only its own: a publisher that starts before a
consumer would otherwise publish a concern that reaches some consumers and silently
misses the one whose queue does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts import case_v1, intake_v1, notification_v1, records_v1

# The steps of a child's case file, each an entry in the child's chronology.
CASE_STEPS = (
    case_v1.TRIAGE_DECIDED,
    case_v1.ACTION_ADDED,
    case_v1.ACTION_COMPLETED,
    case_v1.ACTION_OVERDUE,
    case_v1.NOTE_ADDED,
    case_v1.REVIEW_SET,
    case_v1.CASE_CLOSED,
    case_v1.CASE_REOPENED,
    case_v1.REFERRAL_MADE,
    case_v1.REFERRAL_FEEDBACK,
    case_v1.REFERRAL_ESCALATED,
    case_v1.FGM_REPORTED,
    case_v1.CONTEXT_CHANGED,
    case_v1.LINK_ADDED,
    case_v1.LINK_REMOVED,
    case_v1.RISK_ASSESSMENT_RECORDED,
    case_v1.RISK_ASSESSMENT_REVIEWED,
    case_v1.PATTERN_DETECTED,
)

# The steps of an adult case (KCSIE Part 4), each an entry in the adult case's chronology.
ADULT_CASE_STEPS = (
    case_v1.ADULT_CASE_OPENED,
    case_v1.ADULT_CASE_ACCESS_CHANGED,
    case_v1.ADULT_CASE_DECIDED,
    case_v1.ADULT_LADO_REFERRED,
    case_v1.ADULT_SUBJECT_SUSPENDED,
    case_v1.ADULT_SUSPENSION_CONFIRMED,
    case_v1.ADULT_CASE_CONCLUDED,
    case_v1.ADULT_LOW_LEVEL_PATTERN,
)

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
        (
            intake_v1.CONCERN_RAISED,
            intake_v1.ENCOMPASS_NOTIFIED,
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER,
            intake_v1.ENCOMPASS_AMENDED,
            case_v1.ACTION_OVERDUE,
            case_v1.PATTERN_DETECTED,
        ),
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
        (
            intake_v1.CONCERN_RAISED,
            intake_v1.ENCOMPASS_NOTIFIED,
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER,
            intake_v1.ENCOMPASS_AMENDED,
            *CASE_STEPS,
        ),
    ),
    QueueSpec(
        "records",
        "directory",
        (intake_v1.PUPIL_RECORDED, intake_v1.PUPILS_RECORDED, intake_v1.SCHOOL_RECORDED),
    ),
    QueueSpec(
        "case",
        "deadlines",
        (
            intake_v1.CONCERN_RAISED,
            intake_v1.ENCOMPASS_NOTIFIED,
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER,
            intake_v1.PUPIL_LEFT,
            notification_v1.ALERT_ACKNOWLEDGED,
            # The case file's own steps that start or meet a deadline.
            case_v1.TRIAGE_DECIDED,
            case_v1.REFERRAL_MADE,
            case_v1.REFERRAL_FEEDBACK,
            case_v1.FGM_REPORTED,
            case_v1.RISK_ASSESSMENT_RECORDED,
            case_v1.RISK_ASSESSMENT_REVIEWED,
        ),
    ),
    QueueSpec(
        "case",
        "directory",
        (intake_v1.SCHOOL_RECORDED, intake_v1.PUPIL_RECORDED, intake_v1.PUPILS_RECORDED),
    ),
    QueueSpec("records", "audit", (case_v1.DEADLINE_MET,)),
    # A leaver with a file starts its transfer (only records knows whether a file exists).
    QueueSpec("records", "transfers", (intake_v1.PUPIL_LEFT,)),
    # The receiving school's DSLs are alerted, or the outside DSL is sent the link.
    QueueSpec("notification", "transfers", (records_v1.TRANSFER_OFFERED,)),
    # file-transfer starts when a transfer starts and is met when the file is received.
    QueueSpec("case", "transfers", (records_v1.TRANSFER_STARTED, records_v1.TRANSFER_RECEIVED)),
    QueueSpec(
        "records",
        "admin_audit",
        (
            intake_v1.ADMIN_ACTION_RECORDED,
            case_v1.ADMIN_ACTION_RECORDED,
            notification_v1.ADMIN_ACTION_RECORDED,
        ),
    ),
    # Concerns about adults: case opens the adult case and runs its clocks (lado-referral,
    # suspension-confirmation); notification alerts the case managers directly (never the
    # DSL rota: a DSL may be the subject); records keeps the adult case's own chronology,
    # its access log and the content-free pointers in the children's files.
    QueueSpec(
        "case",
        "adult_cases",
        (
            intake_v1.ADULT_CONCERN_RAISED,
            case_v1.ADULT_CASE_DECIDED,
            case_v1.ADULT_LADO_REFERRED,
            case_v1.ADULT_SUBJECT_SUSPENDED,
            case_v1.ADULT_SUSPENSION_CONFIRMED,
        ),
    ),
    QueueSpec(
        "notification",
        "adult_cases",
        (case_v1.ADULT_CASE_OPENED, case_v1.ADULT_LOW_LEVEL_PATTERN),
    ),
    QueueSpec(
        "records",
        "adult_cases",
        (intake_v1.ADULT_CONCERN_RAISED, *ADULT_CASE_STEPS, case_v1.ADULT_CASES_READ),
    ),
    # Pattern watch: each child's recent concerns, police notifications, referrals and
    # closures, and the patterns they make.
    QueueSpec(
        "case",
        "patterns",
        (
            intake_v1.CONCERN_RAISED,
            intake_v1.ENCOMPASS_NOTIFIED,
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER,
            case_v1.REFERRAL_MADE,
            case_v1.CASE_CLOSED,
        ),
    ),
    # The other pupils a concern names: their cases are opened and linked to the child's.
    QueueSpec("case", "incidents", (intake_v1.CONCERN_RAISED,)),
    # A link is written on both children's cases; each side's event makes sure of the other.
    QueueSpec("case", "links", (case_v1.LINK_ADDED, case_v1.LINK_REMOVED)),
    # The flags the DSL sees beside a child on alerts (never in e-mails or texts).
    QueueSpec("notification", "child_flags", (case_v1.CONTEXT_CHANGED,)),
)


def queues_of(service: str) -> tuple[QueueSpec, ...]:
    return tuple(q for q in QUEUES if q.service == service)


def queue(name: str) -> QueueSpec:
    for spec in QUEUES:
        if spec.name == name:
            return spec
    raise KeyError(name)
