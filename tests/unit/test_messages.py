import inspect
from itertools import product
from typing import get_args

import pytest
from pydantic import ValidationError

from contracts.vocabulary import Priority
from services.notification.domain import messages
from services.notification.domain.escalation import Reason
from services.notification.domain.messages import (
    PRIORITY_LABELS,
    Notice,
    email_body,
    email_subject,
    gateway_personalisation,
    headline,
    push_body,
    push_title,
    sms_text,
)

SCHOOL = "Oak Primary"
LINK = "https://harbour.example.org/alerts/6f1c2a9e-0d4b-4a57-9a43-2b1f0c8d7e15"

# What a concern carries and a message must never show.
CHILD_DETAILS = {
    "forename": "Amelia",
    "surname": "Okonkwo-Smith",
    "date_of_birth": "2016-04-12",
    "free_text": "Amelia said her stepdad hit her with a belt last night",
}

TEXT_BUILDERS = [email_subject, email_body, sms_text, push_title, push_body, headline]
ALL_BUILDERS = [*TEXT_BUILDERS, gateway_personalisation]
EVERY_NOTICE = [
    Notice(school_name=SCHOOL, priority=priority, alert_url=LINK, reason=reason)
    for priority, reason in product(Priority, get_args(Reason))
]


def notice(priority: Priority = Priority.NORMAL, reason: Reason = "initial") -> Notice:
    return Notice(school_name=SCHOOL, priority=priority, alert_url=LINK, reason=reason)


def every_output(n: Notice) -> list[str]:
    return [*(build(n) for build in TEXT_BUILDERS), *gateway_personalisation(n).values()]


# --- privacy is structural --------------------------------------------------------------


@pytest.mark.parametrize("build", ALL_BUILDERS, ids=lambda f: f.__name__)
def test_builders_take_only_a_notice(build):
    assert list(inspect.signature(build).parameters) == ["notice"]


def test_public_builders_are_all_covered_here():
    public = {
        name
        for name, value in vars(messages).items()
        if inspect.isfunction(value) and value.__module__ == messages.__name__
    }

    assert {name for name in public if not name.startswith("_")} == {
        f.__name__ for f in [*ALL_BUILDERS, *LINK_BUILDERS]
    }


def test_a_notice_holds_only_school_priority_link_reason_and_topic():
    # The topic is one of a few fixed words (an overdue action, feedback to chase, a file).
    assert set(Notice.model_fields) == {"school_name", "priority", "alert_url", "reason", "topic"}


LINK_BUILDERS = [messages.link_email_subject, messages.link_email_body]
LINK_NOTICE = messages.LinkNotice(
    school_name=SCHOOL,
    link_url="https://harbour.example.org/file-transfer/abc",
    expires_on="17 March 2026",
)


def test_a_link_e_mail_holds_only_the_sending_school_the_link_and_its_expiry():
    assert set(messages.LinkNotice.model_fields) == {"school_name", "link_url", "expires_on"}
    body = messages.link_email_body(LINK_NOTICE)
    assert "https://harbour.example.org/file-transfer/abc" in body
    assert "17 March 2026" in body and "access code" in body
    assert messages.link_email_subject(LINK_NOTICE).startswith("A child protection file from")


@pytest.mark.parametrize("field", sorted(CHILD_DETAILS))
def test_a_link_notice_refuses_child_details(field: str):
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        messages.LinkNotice(
            school_name=SCHOOL,
            link_url="https://harbour.example.org/file-transfer/abc",
            expires_on="17 March 2026",
            **{field: CHILD_DETAILS[field]},
        )


def test_an_incoming_file_alert_says_so_and_nothing_of_the_child():
    incoming = Notice(school_name=SCHOOL, priority="normal", alert_url=LINK, topic="incoming_file")

    assert headline(incoming).startswith("Incoming child protection file at")
    assert "accept it in Harbour" in email_body(incoming)


@pytest.mark.parametrize("field", sorted(CHILD_DETAILS))
def test_a_notice_refuses_child_details(field: str):
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Notice(
            school_name=SCHOOL,
            priority="urgent",
            alert_url=LINK,
            **{field: CHILD_DETAILS[field]},
        )


def test_a_notice_cannot_be_changed_after_it_is_built():
    n = notice()

    with pytest.raises(ValidationError):
        n.school_name = CHILD_DETAILS["forename"]  # type: ignore[misc]


@pytest.mark.parametrize("n", EVERY_NOTICE, ids=lambda n: f"{n.priority}-{n.reason}")
def test_no_output_carries_child_details(n: Notice):
    for text in every_output(n):
        for detail in CHILD_DETAILS.values():
            assert detail.lower() not in text.lower()


# --- what every message must say --------------------------------------------------------


@pytest.mark.parametrize("n", EVERY_NOTICE, ids=lambda n: f"{n.priority}-{n.reason}")
def test_every_message_names_the_school_the_priority_and_links_to_the_alert(n: Notice):
    label = PRIORITY_LABELS[n.priority]

    for text in (email_body(n), sms_text(n), gateway_personalisation(n)["message"]):
        assert SCHOOL in text
        assert label in text
        assert LINK in text
    assert SCHOOL in email_subject(n)
    assert label in email_subject(n)


@pytest.mark.parametrize(
    ("priority", "subject"),
    [
        (Priority.NORMAL, "New safeguarding concern at Oak Primary — open Harbour to view"),
        (Priority.URGENT, "URGENT safeguarding concern at Oak Primary — open Harbour to view"),
        (
            Priority.ENCOMPASS,
            "Operation Encompass notification at Oak Primary — open Harbour to view",
        ),
    ],
)
def test_subject_wording_per_priority(priority: Priority, subject: str):
    assert email_subject(notice(priority)) == subject


@pytest.mark.parametrize(
    ("reason", "wording"),
    [
        ("timer", "Escalated (not yet acknowledged): "),
        ("deadline_approaching", "Escalated (deadline approaching, not yet acknowledged): "),
        ("deadline_breached", "Deadline breached (not acknowledged in time): "),
        ("delivery_failed", "Escalated (earlier alert could not be delivered): "),
    ],
)
def test_escalations_say_why_they_were_sent(reason: Reason, wording: str):
    n = notice(Priority.ENCOMPASS, reason)

    assert email_subject(n).startswith(wording)
    assert sms_text(n).startswith(f"Harbour: {wording}")


def test_a_breached_deadline_is_spelled_out_in_the_body():
    assert "The deadline for acknowledging it has passed." in email_body(
        notice(Priority.ENCOMPASS, "deadline_breached")
    )


def test_an_encompass_body_asks_for_reading_before_school():
    assert "before the start of the school day" in email_body(notice(Priority.ENCOMPASS))


def test_the_body_explains_why_details_are_missing():
    assert "contains no details of the child or the concern" in email_body(notice())


def test_the_sms_is_one_short_line():
    text = sms_text(notice(Priority.URGENT, "urgent"))

    assert "\n" not in text
    assert len(text) <= 160
    assert text == f"Harbour: URGENT safeguarding concern at Oak Primary. View: {LINK}"


def test_gateway_personalisation_is_all_strings():
    fields = gateway_personalisation(notice(Priority.URGENT, "urgent"))

    assert all(isinstance(value, str) for value in fields.values())
    assert fields["alert_url"] == LINK
    assert fields["title"] == "URGENT safeguarding concern at Oak Primary"


# --- notice validation ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Oak Primary\r\nBcc: someone@example.org", "Oak\tPrimary", ""])
def test_school_names_must_be_a_single_line_of_text(name: str):
    with pytest.raises(ValidationError):
        Notice(school_name=name, priority="normal", alert_url=LINK)


@pytest.mark.parametrize("url", ["not a link", "ftp://harbour.example.org/alerts/1"])
def test_the_link_must_be_a_web_address(url: str):
    with pytest.raises(ValidationError):
        Notice(school_name=SCHOOL, priority="normal", alert_url=url)


def test_a_stored_priority_string_is_accepted():
    assert Notice(school_name=SCHOOL, priority="urgent", alert_url=LINK).priority is Priority.URGENT


def test_unknown_priorities_are_refused():
    with pytest.raises(ValidationError):
        Notice(school_name=SCHOOL, priority="low", alert_url=LINK)  # type: ignore[arg-type]
