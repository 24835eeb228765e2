"""Events as another service would publish them, for tests that drive one consumer directly."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from contracts.envelope import Actor, Envelope, Subject, utc_now
from contracts.intake_v1 import (
    CONCERN_RAISED,
    ENCOMPASS_NOTIFIED,
    ConcernRaised,
    EncompassNotified,
    NotifiedChild,
    Reporter,
)
from services.common.events import make_envelope
from tests.support.api import School, unique


def concern_raised(
    school: School,
    pupil: str,
    *,
    received_at: datetime | None = None,
    immediate_danger: bool = False,
    concern_id: str | None = None,
    fgm_discovered: bool = False,
    reporter: str = "teacher-1",
    categories: list[str] | None = None,
    other_pupils_involved: list[dict[str, str]] | None = None,
) -> Envelope[ConcernRaised]:
    received = received_at or utc_now()
    payload = ConcernRaised(
        concern_id=concern_id or unique("concern"),
        pupil_id=pupil,
        occurred_at=received,
        received_at=received,
        categories=categories or ["neglect"],  # type: ignore[arg-type]
        other_pupils_involved=other_pupils_involved or [],  # type: ignore[arg-type]
        description="Came to school hungry three days running.",
        child_words="There was no food at home.",
        actions_taken="Breakfast club; told the DSL.",
        immediate_danger=immediate_danger,
        fgm_discovered=fgm_discovered,
        reported_by=Reporter(user_id=reporter, role="staff"),
    )
    return make_envelope(  # type: ignore[return-value]
        CONCERN_RAISED,
        payload,
        trust_id=school.trust_id,
        school_id=school.school_id,
        subject=Subject(kind="child", id=pupil),
        actor=Actor(kind="user", id=reporter, role="staff"),
    )


def encompass_notified(
    school: School,
    pupil: str,
    *,
    received_at: datetime,
    incident_at: datetime | None = None,
    **content: Any,
) -> Envelope[EncompassNotified]:
    """`content` replaces any of the notification's free text or its child."""
    fields: dict[str, Any] = {
        "location": "home address",
        "circumstances": "Verbal argument between adults; child present upstairs.",
        "police_action": "Words of advice.",
        "child": NotifiedChild(
            forename="Amelia", surname="Hart", date_of_birth=date(2016, 4, 12), present=True
        ),
    } | content
    payload = EncompassNotified(
        notification_id=unique("notification"),
        incident_id=unique("incident"),
        revision=1,
        pupil_id=pupil,
        matched_by="upn",
        sender_id="west-mercia",
        police_reference=unique("22/"),
        force="West Mercia Police",
        incident_at=incident_at or received_at,
        notified_at=received_at,
        received_at=received_at,
        **fields,
    )
    return make_envelope(  # type: ignore[return-value]
        ENCOMPASS_NOTIFIED,
        payload,
        trust_id=school.trust_id,
        school_id=school.school_id,
        subject=Subject(kind="child", id=pupil),
        actor=Actor(kind="sender", id="west-mercia"),
    )
