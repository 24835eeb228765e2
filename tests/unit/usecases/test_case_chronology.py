"""Every step on a child's case becomes one entry in the child's chronology, filed under
what it is about and dated when it happened; a redelivered step adds nothing."""

from datetime import UTC, date, datetime

import pytest

from contracts import case_v1
from contracts.envelope import Actor, Subject
from contracts.topology import CASE_STEPS, queue
from services.common.auth import Principal
from services.common.events import make_envelope
from services.records.domain.chronology import CASE_STEPS as FILED_STEPS
from services.records.ports import RecordsPorts
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.read_chronology import read_chronology
from tests.support.records_ports import memory_records

WHEN = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
DSL = Actor(kind="user", id="dsl-1", role="dsl")
READER = Principal("dsl-1", frozenset({"dsl"}), "oak", None)  # type: ignore[arg-type]


def test_every_step_of_the_case_file_is_routed_to_the_chronology_and_filed():
    assert set(CASE_STEPS) == set(FILED_STEPS)
    assert set(CASE_STEPS) <= set(queue("records.chronology").routing_keys)


@pytest.fixture
def ports() -> RecordsPorts:
    return memory_records()


async def only_entry(ports: RecordsPorts) -> dict:
    [entry] = (await read_chronology(ports, READER, "P1")).entries
    return entry["record"]


def _event(event_type: str, payload):
    return make_envelope(
        event_type,
        payload,
        trust_id="oak-trust",
        school_id="oak",
        subject=Subject(kind="child", id="P1"),
        actor=DSL,
    )


async def test_a_referral_is_filed_under_the_referral_when_it_was_made(ports):
    made = _event(
        case_v1.REFERRAL_MADE,
        case_v1.ReferralMade(
            pupil_id="P1",
            referral_id="ref_1",
            agency="childrens_social_care",
            made_at=WHEN,
            method="phone",
            parents_informed={"informed": False, "reason": "Risk to the child."},
            recorded_at=WHEN.replace(hour=17),
        ),
    )
    assert await add_to_chronology(ports, made) is True
    assert await add_to_chronology(ports, made) is False  # redelivered

    entry = await only_entry(ports)
    assert (entry["event_id"], entry["source_id"], entry["occurred_at"]) == (
        made.event_id,
        "ref_1",
        "2026-03-09T16:00:00.000Z",
    )
    assert entry["actor"] == {"kind": "user", "id": "dsl-1", "role": "dsl"}
    assert entry["content"]["parents_informed"]["reason"] == "Risk to the child."


async def test_a_decision_is_filed_under_its_concern(ports):
    decided = _event(
        case_v1.TRIAGE_DECIDED,
        case_v1.TriageDecided(
            pupil_id="P1",
            decision_id="dec_1",
            concern_id="c-1",
            decision="early_help",
            reason="Family asked for support.",
            decided_at=WHEN,
        ),
    )
    await add_to_chronology(ports, decided)
    entry = await only_entry(ports)
    assert (entry["source_id"], entry["event_type"]) == ("c-1", case_v1.TRIAGE_DECIDED)


async def test_an_overdue_action_is_filed_under_the_action(ports):
    overdue = _event(
        case_v1.ACTION_OVERDUE,
        case_v1.ActionOverdue(
            pupil_id="P1",
            action_id="act_1",
            title="Call the school nurse",
            owner_user_id="teacher-1",
            due_on=date(2026, 3, 9),
            overdue_at=WHEN,
        ),
    )
    await add_to_chronology(ports, overdue)
    entry = await only_entry(ports)
    assert (entry["source_id"], entry["occurred_at"]) == ("act_1", "2026-03-09T16:00:00.000Z")
