"""notification and concerns about adults: the case managers are told at once, directly,
by e-mail and text at their own contacts (else their rota entry's), with nothing of the
adult, the child or the concern; the chair of governors when the headteacher is the
subject, and never the subject; never the DSL rota, not even when a deadline of the case
is breached."""

from datetime import UTC, datetime

import pytest

from contracts import case_v1
from contracts.adult_cases import AdultCaseAccess, AdultCaseOpened, LowLevelPattern
from contracts.case_v1 import DeadlineChanged
from contracts.envelope import Subject
from services.common.events import SYSTEM, make_envelope
from services.notification.domain.messages import email_body, email_subject, sms_text
from services.notification.domain.staff import StaffMember
from services.notification.usecases.alert_case_managers import (
    AdultCaseNotKnown,
    adult_case_opened,
    low_level_pattern_found,
)
from services.notification.usecases.deliver import _notice
from services.notification.usecases.escalate_for_deadline import escalate_for_deadline
from services.notification.usecases.set_staff import set_staff
from tests.support.notification_ports import ADMIN, SCHOOL_ID, TRUST_ID, alerting_world

AT = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
CASE_ID = "adc_" + "1" * 32


def access(manager_role="headteacher", subject="teacher-9", lead=None) -> AdultCaseAccess:
    return AdultCaseAccess(
        manager_role=manager_role,
        trust_lead_user_id=lead,
        subject_staff_user_id=subject,
        revision=1,
    )


def opened(who: AdultCaseAccess, case_id: str = CASE_ID):
    payload = AdultCaseOpened(
        case_id=case_id,
        adult_concern_id="c-1",
        subject_role="staff",
        whistleblowing=False,
        access=who,
        opened_at=AT,
    )
    return make_envelope(
        case_v1.ADULT_CASE_OPENED,
        payload,
        trust_id=TRUST_ID,
        school_id=SCHOOL_ID,
        subject=Subject(kind="adult", id=case_id),
        actor=SYSTEM,
    )


def breached(case_id: str = CASE_ID):
    payload = DeadlineChanged(
        deadline_id=f"lado-referral:{case_id}",
        rule="lado-referral",
        source_id=case_id,
        source_event_id="decided-1",
        due_at=AT,
    )
    return make_envelope(
        case_v1.DEADLINE_BREACHED,
        payload,
        trust_id=TRUST_ID,
        school_id=SCHOOL_ID,
        subject=Subject(kind="adult", id=case_id),
        actor=SYSTEM,
    )


async def staff(world, user_id, role, email=None, phone=None):
    member = StaffMember(name=f"Staff {user_id}", role=role, email=email, phone=phone)
    await set_staff(world.ports, ADMIN, SCHOOL_ID, user_id, member)


async def sent_to(world, event_id) -> list[tuple[str, str, str]]:
    found = [d async for d in world.store.deliveries.find({"step_id": event_id})]
    return sorted((d["user_id"], d["channel"], d["address"]) for d in found)


async def test_the_headteacher_is_told_directly_and_the_rota_is_not():
    world = await alerting_world()
    await world.staff_and_rota()  # dsl-1, deputy-1 and head-1 on the rota
    await staff(world, "head-1", "headteacher", "head@oak.sch.uk", "07911 123457")
    event = opened(access())
    assert await adult_case_opened(world.ports, event)
    assert await sent_to(world, event.event_id) == [
        ("head-1", "email", "head@oak.sch.uk"),
        ("head-1", "sms", "+447911123457"),
    ]
    assert await world.store.alerts.count_documents({}) == 0  # nothing for the DSL rota
    assert not await adult_case_opened(world.ports, event)  # redelivered: nothing more
    assert len(await sent_to(world, event.event_id)) == 2


async def test_what_they_are_sent_says_nothing_of_the_case():
    world = await alerting_world()
    await staff(world, "head-1", "headteacher", "head@oak.sch.uk")
    event = opened(access())
    await adult_case_opened(world.ports, event)
    delivery = await world.store.deliveries.find_one({"step_id": event.event_id})
    notice = await _notice(world.ports, delivery)
    assert email_subject(notice) == "A concern about an adult at Oak Primary — open Harbour to view"
    assert str(notice.alert_url) == "http://localhost:8080/allegations"
    text = email_body(notice) + sms_text(notice)
    assert CASE_ID not in text and "teacher-9" not in text and "acknowledge" not in text


async def test_a_concern_about_the_headteacher_reaches_the_chair_and_never_the_head():
    world = await alerting_world()
    await world.staff_and_rota()
    await staff(world, "head-1", "headteacher", "head@oak.sch.uk")
    await staff(world, "chair-1", "chair_of_governors", "chair@oak.sch.uk", "07911 123458")
    event = opened(access("chair_of_governors", subject="head-1"))
    await adult_case_opened(world.ports, event)
    assert [u for u, _, _ in await sent_to(world, event.event_id)] == ["chair-1", "chair-1"]


async def test_the_subject_is_never_told_even_holding_the_managers_role():
    world = await alerting_world()
    await staff(world, "head-1", "headteacher", "head@oak.sch.uk")
    await staff(world, "head-2", "headteacher", "exec@oak.sch.uk")
    event = opened(access(subject="head-2"))
    await adult_case_opened(world.ports, event)
    assert await sent_to(world, event.event_id) == [("head-1", "email", "head@oak.sch.uk")]


async def test_without_contacts_of_their_own_the_rota_entry_reaches_them():
    world = await alerting_world()
    await world.staff_and_rota()
    await staff(world, "head-1", "headteacher")  # on the rota's third tier, with contacts
    await staff(world, "tsl-1", "trust_safeguarding_lead")  # no contacts anywhere
    event = opened(access(lead="tsl-1"))
    await adult_case_opened(world.ports, event)
    assert await sent_to(world, event.event_id) == [
        ("head-1", "email", "head-1@oak.sch.uk"),
        ("head-1", "sms", "+447911123456"),
    ]
    notice = await world.store.adult_notice(event.event_id)
    assert (notice["recipients"], notice["unreachable"]) == (["head-1"], ["tsl-1"])


async def test_a_breached_deadline_of_an_adult_case_tells_its_managers_not_the_rota():
    world = await alerting_world()
    await world.staff_and_rota()
    await staff(world, "head-1", "headteacher", "head@oak.sch.uk")
    with pytest.raises(AdultCaseNotKnown):  # redelivered until the case's opening arrives
        await escalate_for_deadline(world.ports, breached())
    await adult_case_opened(world.ports, opened(access()))
    event = breached()
    assert await escalate_for_deadline(world.ports, event) == []
    assert await world.store.alerts.count_documents({}) == 0
    assert {u for u, _, _ in await sent_to(world, event.event_id)} == {"head-1"}
    delivery = await world.store.deliveries.find_one({"step_id": event.event_id})
    assert delivery["message"]["topic"] == "adult_deadline_breached"


async def test_a_pattern_of_low_level_concerns_tells_the_case_manager():
    world = await alerting_world()
    await staff(world, "head-1", "headteacher", "head@oak.sch.uk")
    payload = LowLevelPattern(
        pattern_id="llp_1",
        case_id=CASE_ID,
        case_ids=["a", "b", CASE_ID],
        first_occurred_at=AT,
        last_occurred_at=AT,
        access=access(),
        detected_at=AT,
    )
    event = make_envelope(
        case_v1.ADULT_LOW_LEVEL_PATTERN,
        payload,
        trust_id=TRUST_ID,
        school_id=SCHOOL_ID,
        subject=Subject(kind="adult", id=CASE_ID),
        actor=SYSTEM,
    )
    await low_level_pattern_found(world.ports, event)
    delivery = await world.store.deliveries.find_one({"step_id": event.event_id})
    assert delivery["user_id"] == "head-1"
    assert delivery["message"]["topic"] == "adult_pattern"
