"""A message carrying many events of one school: each inner event handled as if alone."""

from datetime import UTC, datetime

import pytest

from contracts.envelope import Actor, Subject
from contracts.intake_v1 import (
    ENCOMPASS_NOTIFIED,
    ENCOMPASS_NOTIFIED_TOGETHER,
    EncompassNotified,
)
from services.common.consuming import PermanentFailure
from services.common.events import make_envelope
from services.common.together import all_events
from services.intake.domain.notices import notified_together

AT = datetime(2026, 3, 10, 6, 55, tzinfo=UTC)
POLICE = Actor(kind="sender", id="west-mercia")


def notified(pupil_id: str, school_id: str = "oak", trust_id: str = "severn"):
    payload = EncompassNotified.model_validate(
        {
            "notification_id": f"enc_{pupil_id}",
            "incident_id": "inc_1",
            "revision": 1,
            "pupil_id": pupil_id,
            "matched_by": "school",
            "sender_id": "west-mercia",
            "police_reference": "22/1/26",
            "force": "West Mercia Police",
            "incident_at": AT,
            "notified_at": AT,
            "received_at": AT,
            "child": {"forename": "Zoë", "surname": "O'Brien", "date_of_birth": "2018-05-02"},
        }
    )
    return make_envelope(
        ENCOMPASS_NOTIFIED,
        payload,
        trust_id=trust_id,
        school_id=school_id,
        subject=Subject(kind="child", id=pupil_id),
        actor=POLICE,
        occurred_at=AT,
    )


def test_a_message_per_school_and_per_500_children():
    events = [notified(f"OAK-{n}") for n in range(501)] + [notified("ELM-1", "elm")]

    messages = notified_together(events, POLICE, AT)

    assert [(m.school_id, len(m.payload.events)) for m in messages] == [
        ("oak", 500),
        ("oak", 1),
        ("elm", 1),
    ]
    assert all(m.event_type == ENCOMPASS_NOTIFIED_TOGETHER for m in messages)
    carried = [e.event_id for m in messages for e in m.payload.events]
    assert carried == [e.event_id for e in events]


async def test_a_carried_event_of_another_school_refuses_the_whole_message():
    (message,) = notified_together([notified("OAK-1"), notified("OAK-2")], POLICE, AT)
    smuggled = message.model_copy(
        update={"payload": message.payload.model_copy(update={"events": [notified("X", "elm")]})}
    )
    seen = []

    async def handler(events):
        seen.extend(events)

    with pytest.raises(PermanentFailure, match="not of the message's school"):
        await all_events(handler)(smuggled)
    assert seen == []
