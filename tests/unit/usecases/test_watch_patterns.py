"""Pattern watch, as use cases: a child's concerns, police notifications, referrals and
closures reach their watch; a pattern is told once (case.pattern.detected.v1 in the
watch's write), whatever is redelivered; each school's thresholds apply to its children;
who may read and change them."""

import pytest

from contracts.admin_actions import AdminAction
from contracts.case_v1 import (
    ADMIN_ACTION_RECORDED,
    CASE_CLOSED,
    PATTERN_DETECTED,
    REFERRAL_MADE,
    CaseClosed,
    ReferralMade,
)
from contracts.envelope import Subject
from contracts.registry import decode
from contracts.vocabulary import Role
from services.case.domain.patterns import DEFAULT_RULES, PatternRules
from services.case.usecases import watch_patterns
from services.case.usecases.set_pattern_rules import read_pattern_rules, set_pattern_rules
from services.common.errors import Forbidden, NotFound
from services.common.events import SYSTEM, make_envelope
from tests.support import case_world, events
from tests.support.case_world import (
    ADMIN,
    DEPUTY,
    DSL,
    ELM,
    HEAD,
    OAK,
    STAFF,
    TRUST_LEAD,
    on_roll,
    person,
)
from tests.support.memory import outbox_of


async def _world():
    ports, relay = await case_world.memory_case()
    await on_roll(ports)
    return ports, relay


async def _detected(ports, pupil: str = "P1"):
    watch = await ports.store.pattern_watch.find_one({"_id": f"oak/{pupil}"})
    return [decode(e["body"].encode()) for e in (watch or {}).get("outbox", [])]


async def test_three_concerns_in_30_days_are_told_once_however_often_they_arrive():
    ports, relay = await _world()
    concerns = []
    for _ in range(3):
        concerns.append(case_world.concern_raised(ports.clock.now()))
        await watch_patterns.concern_raised(ports, concerns[-1])
        ports.clock.advance(days=9)
    for concern in concerns:  # every one redelivered
        await watch_patterns.concern_raised(ports, concern)
    await watch_patterns.concern_raised(ports, case_world.concern_raised(ports.clock.now()))

    [told] = await _detected(ports)
    assert told.event_type == PATTERN_DETECTED
    assert told.payload.rule.value == "repeated_concerns"
    assert told.payload.source_ids == [c.payload.concern_id for c in concerns]
    assert (told.subject.id, told.actor.kind) == ("P1", "system")
    assert told.causation_id == concerns[-1].event_id
    assert ("pattern_watch", "oak/P1") in relay.enqueued


async def test_a_referral_in_time_means_no_pattern():
    ports, _ = await _world()
    referral = make_envelope(
        REFERRAL_MADE,
        _referral_payload(ports),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )
    await watch_patterns.concern_raised(ports, case_world.concern_raised(ports.clock.now()))
    await watch_patterns.referral_made(ports, referral)
    for _ in range(2):
        ports.clock.advance(days=2)
        await watch_patterns.concern_raised(ports, case_world.concern_raised(ports.clock.now()))
    assert await _detected(ports) == []


def _referral_payload(ports):
    return ReferralMade(
        pupil_id="P1",
        referral_id="ref-1",
        agency="childrens_social_care",
        made_at=ports.clock.now(),
        method="phone",
        parents_informed={"informed": True, "at": ports.clock.now()},
        recorded_at=ports.clock.now(),
    )


async def test_two_police_notifications_and_a_concern_after_closure():
    ports, _ = await _world()
    await watch_patterns.police_notification_received(
        ports, case_world.police_notification(ports.clock.now())
    )
    closed = make_envelope(
        CASE_CLOSED,
        CaseClosed(
            pupil_id="P1",
            closure_id="close-1",
            outcome="no_further_action",
            reason="Resolved.",
            closed_at=ports.clock.now(),
        ),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )
    await watch_patterns.case_closed(ports, closed)
    ports.clock.advance(days=20)
    await watch_patterns.police_notification_received(
        ports, case_world.police_notification(ports.clock.now())
    )
    await watch_patterns.concern_raised(ports, case_world.concern_raised(ports.clock.now()))

    rules = [told.payload.rule.value for told in await _detected(ports)]
    assert rules == ["police_notifications", "concern_after_closure"]


async def test_a_schools_own_thresholds_apply_to_its_children():
    ports, _ = await _world()
    stricter = PatternRules.model_validate({"repeated_concerns": {"count": 2, "window_days": 7}})
    await set_pattern_rules(ports, HEAD, "oak", stricter)
    for _ in range(2):
        await watch_patterns.concern_raised(ports, case_world.concern_raised(ports.clock.now()))
        ports.clock.advance(days=3)
    [told] = await _detected(ports)
    assert (told.payload.threshold, told.payload.window_days) == (2, 7)


async def test_the_rules_are_set_by_the_dsl_the_head_or_the_trust_lead_and_audited():
    ports, _ = await _world()
    assert (await read_pattern_rules(ports, ADMIN, "oak")).updated_by is None
    off = PatternRules.model_validate(
        {"police_notifications": {"enabled": False, "count": 2, "window_days": 90}}
    )
    for who in (DSL, HEAD, TRUST_LEAD):
        stored = await set_pattern_rules(ports, who, "oak", off)
        assert stored.rules == off
    ports.clock.advance(minutes=1)
    again = await set_pattern_rules(ports, DSL, "oak", off)  # the same rules: nothing new
    assert again.updated_by == "dsl-1"
    assert await outbox_of(ports.store.pattern_rules, "oak") == [ADMIN_ACTION_RECORDED]
    rules_doc = await ports.store.pattern_rules.find_one({"_id": "oak"})
    audit = decode(rules_doc["outbox"][0]["body"].encode())
    assert audit.payload.action is AdminAction.PATTERN_RULES_REPLACED
    assert audit.payload.details == {"rules_on": 3}

    for reader in (DEPUTY, ADMIN):
        assert (await read_pattern_rules(ports, reader, "oak")).rules == off
        with pytest.raises(Forbidden):
            await set_pattern_rules(ports, reader, "oak", DEFAULT_RULES)
    for outsider in (STAFF, person("dsl-9", Role.DSL, ELM)):
        with pytest.raises(NotFound):
            await set_pattern_rules(ports, outsider, "oak", DEFAULT_RULES)
    with pytest.raises(NotFound):
        await read_pattern_rules(ports, STAFF, "oak")


async def test_a_concern_about_another_child_touches_only_their_watch():
    ports, _ = await _world()
    await on_roll(ports, "P2")
    for _ in range(3):
        concern = events.concern_raised(OAK, "P2", received_at=ports.clock.now())  # type: ignore[arg-type]
        await watch_patterns.concern_raised(ports, concern)
        ports.clock.advance(days=1)
    assert await _detected(ports, "P1") == []
    assert len(await _detected(ports, "P2")) == 1


async def test_a_police_batch_joins_its_childrens_watches_together_and_tells_a_pattern_once():
    ports, relay = await _world()
    earlier = events.encompass_notified(OAK, "P1", received_at=ports.clock.now())
    await watch_patterns.police_notification_received(ports, earlier)
    ports.clock.advance(days=10)
    batch = [
        events.encompass_notified(OAK, pupil, received_at=ports.clock.now())
        for pupil in ("P1", "P2", "P1")  # P1 twice in the night's file
    ]

    await watch_patterns.police_notifications_received(ports, batch)
    await watch_patterns.police_notifications_received(ports, batch)  # redelivered

    [told] = await _detected(ports)
    assert told.payload.rule.value == "police_notifications"
    assert await _detected(ports, "P2") == []
    p1 = await ports.store.pattern_watch.find_one({"_id": "oak/P1"})
    assert [item["id"] for item in p1["items"]] == [
        earlier.payload.notification_id,
        batch[0].payload.notification_id,
        batch[2].payload.notification_id,
    ]
    assert ("pattern_watch", "oak/P1") in relay.enqueued
