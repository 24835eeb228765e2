"""E-mail, SMS and push texts for alerts.

E-mail and SMS leave our control (mail relays, phone lock screens, shared inboxes), so
they must never carry a child's name, date of birth or any text from the concern. The
builders make that structural: they accept only a ``Notice`` and a ``Notice`` holds only
the school's name, the priority, the reason and a link; anything else is rejected.
"""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, HttpUrl, StringConstraints

from contracts.vocabulary import Priority
from services.notification.domain.escalation import Reason

PRIORITY_LABELS: dict[Priority, str] = {
    Priority.NORMAL: "New safeguarding concern",
    Priority.URGENT: "URGENT safeguarding concern",
    Priority.ENCOMPASS: "Operation Encompass notification",
}

# What an alert is about when it is not a concern or police notification: a step on a
# child's case that is late, a risk assessment review due, a pattern noticed, or a concern
# about an adult for its case manager. Said without a word of the child, the adult or the
# case.
Topic = Literal[
    "alert",
    "action_overdue",
    "feedback_chase",
    "incoming_file",
    "review_due",
    "pattern",
    "adult_concern",
    "adult_pattern",
    "adult_deadline_approaching",
    "adult_deadline_breached",
]
# Told to a case manager directly, off the rota, and never acknowledged: the case is the
# thing to open.
ADULT_TOPICS: frozenset[Topic] = frozenset(
    {"adult_concern", "adult_pattern", "adult_deadline_approaching", "adult_deadline_breached"}
)
TOPIC_LABELS: dict[Topic, str] = {
    "action_overdue": "Safeguarding action overdue",
    "feedback_chase": "Chase children's social care for feedback",
    "incoming_file": "Incoming child protection file",
    "adult_concern": "A concern about an adult",
    "adult_pattern": "A pattern of low-level concerns about an adult",
    "adult_deadline_approaching": "A deadline on a concern about an adult is approaching",
    "adult_deadline_breached": "A deadline on a concern about an adult has passed",
    "review_due": "Risk assessment review due",
    "pattern": "Safeguarding pattern to review",
}
_TOPIC_CONTEXT: dict[Topic, str] = {
    "action_overdue": "An action on a child's case was not done by its date.",
    "feedback_chase": "Feedback on a referral is due or overdue: chase it, and escalate if"
    " the response is not good enough.",
    "incoming_file": "Another school has sent you a child's file: accept it in Harbour.",
    "adult_concern": "You manage concerns about adults at this school: open Allegations in"
    " Harbour to decide whether it meets the harm threshold.",
    "adult_pattern": "A third low-level concern about the same adult within 12 months: consider"
    " whether the pattern meets the harm threshold.",
    "adult_deadline_approaching": "Open the case under Allegations in Harbour to see which.",
    "adult_deadline_breached": "Open the case under Allegations in Harbour to see which.",
    "review_due": "A risk assessment is due for review: review it in Harbour.",
    "pattern": "Harbour noticed a pattern in a child's recent events: look at it in Harbour.",
}

_REASON_PREFIXES: dict[Reason, str] = {
    "initial": "",
    "urgent": "",
    "timer": "Escalated (not yet acknowledged): ",
    "deadline_approaching": "Escalated (deadline approaching, not yet acknowledged): ",
    "deadline_breached": "Deadline breached (not acknowledged in time): ",
    "delivery_failed": "Escalated (earlier alert could not be delivered): ",
}

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def _single_line(value: str) -> str:
    # A newline in a header value would let a school name inject e-mail headers.
    if _CONTROL_CHARS.search(value):
        raise ValueError("must be a single line of text")
    return value


SchoolName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_single_line),
]


class Notice(BaseModel):
    """Everything an alert text may say. Deliberately nothing about the child."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    school_name: SchoolName
    priority: Priority
    alert_url: HttpUrl  # opaque link to the alert; the reader signs in to see it
    reason: Reason = "initial"
    topic: Topic = "alert"


class LinkNotice(BaseModel):
    """The e-mail to a DSL outside this deployment who is sent a child's file: who sends
    it, the one-time link and until when it opens. Nothing about the child; the access
    code that opens the link never travels with it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    school_name: SchoolName  # the sending school
    link_url: HttpUrl
    expires_on: Annotated[str, StringConstraints(max_length=40), AfterValidator(_single_line)]


def headline(notice: Notice) -> str:
    if notice.topic != "alert":
        # A late step is not "unacknowledged"; only a climb for that reason says so.
        climbed = notice.reason in ("timer", "delivery_failed")
        prefix = _REASON_PREFIXES[notice.reason] if climbed else ""
        label = TOPIC_LABELS[notice.topic]
        if notice.topic == "review_due" and notice.reason == "deadline_breached":
            label = "Risk assessment review overdue"
        return f"{prefix}{label} at {notice.school_name}"
    label = PRIORITY_LABELS[notice.priority]
    return f"{_REASON_PREFIXES[notice.reason]}{label} at {notice.school_name}"


def link_email_subject(notice: LinkNotice) -> str:
    return f"A child protection file from {notice.school_name} — secure link"


def link_email_body(notice: LinkNotice) -> str:
    paragraphs = [
        f"{notice.school_name} has sent a child protection file to you, as the receiving"
        " school's Designated Safeguarding Lead.",
        f"Open it with this one-time link (until {notice.expires_on}):\n{notice.link_url}",
        "You will need the access code the sending school gives you separately (by phone or"
        " text). Please confirm receipt on the link's page once you have the file.",
        "For the child's privacy this message contains no details of the child. Please do"
        " not forward it.",
    ]
    return "\n\n".join(paragraphs) + "\n"


def email_subject(notice: Notice) -> str:
    return f"{headline(notice)} — open Harbour to view"


def email_body(notice: Notice) -> str:
    adult = notice.topic in ADULT_TOPICS
    paragraphs = [
        f"{headline(notice)}.",
        f"Open Harbour to view {'it' if adult else 'and acknowledge it'}:\n{notice.alert_url}",
        *_context(notice),
        (
            "This message is confidential and contains no details of the adult, any child or"
            " the concern. Please do not forward it; sign in to Harbour to see them."
            if adult
            else "For the child's privacy this message contains no details of the child or the"
            " concern. Please do not forward it; sign in to Harbour to see them."
        ),
    ]
    return "\n\n".join(paragraphs) + "\n"


def sms_text(notice: Notice) -> str:
    return f"Harbour: {headline(notice)}. View: {notice.alert_url}"


def push_title(notice: Notice) -> str:
    return headline(notice)


def push_body(notice: Notice) -> str:
    last = "Open Harbour to view it." if notice.topic in ADULT_TOPICS else None
    return " ".join([*_context(notice), last or "Open Harbour to view and acknowledge it."])


def gateway_personalisation(notice: Notice) -> dict[str, str]:
    """Fields for the SMS and push templates; a template can use ((message)) alone."""
    return {
        "school_name": notice.school_name,
        "priority": PRIORITY_LABELS[notice.priority],
        "headline": headline(notice),
        "alert_url": str(notice.alert_url),
        "message": sms_text(notice),
        "title": push_title(notice),
        "body": push_body(notice),
    }


def _context(notice: Notice) -> list[str]:
    if notice.topic != "alert":
        return [_TOPIC_CONTEXT[notice.topic]]
    if notice.reason == "deadline_breached":
        return ["The deadline for acknowledging it has passed."]
    if notice.priority == Priority.ENCOMPASS:
        return ["Please read it before the start of the school day."]
    if notice.priority == Priority.URGENT:
        return ["This needs your attention now."]
    return []
