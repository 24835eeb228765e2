"""The admin audit log in records: each reported action kept once, read by the trust's (or
the school's) administrators only, newest first, a page at a time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from contracts import case_v1, intake_v1, notification_v1
from contracts.admin_actions import AdminAction
from contracts.vocabulary import Role
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.errors import Forbidden, NotFound
from services.records.domain.admin_audit import admin_entry
from services.records.ports import RecordsPorts
from services.records.usecases.admin_audit import (
    AdminAuditQuery,
    read_admin_audit,
    record_admin_action,
)
from tests.support.records_ports import memory_records

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
OAK_ADMIN = Principal("admin-oak", frozenset({Role.ADMIN}), "oak", "severn")
ELM_ADMIN = Principal("admin-elm", frozenset({Role.ADMIN}), "elm", "severn")
TRUST_ADMIN = Principal("admin-t", frozenset({Role.ADMIN}), None, "severn")
OTHER_TRUST_ADMIN = Principal("admin-x", frozenset({Role.ADMIN}), None, "wye")


@pytest.fixture
def ports() -> RecordsPorts:
    return memory_records()


def action(
    by: Principal,
    what: AdminAction,
    *,
    school: str | None,
    minutes: int = 0,
    event_type: str = notification_v1.ADMIN_ACTION_RECORDED,
    trust: str = "severn",
):
    return admin_action_recorded(
        event_type,
        by,
        what,
        object_id=school or "west-mercia",
        trust_id=trust,
        school_id=school,
        at=T0 + timedelta(minutes=minutes),
    )


async def logged(ports: RecordsPorts, *events) -> None:
    for event in events:
        await record_admin_action(ports, event)


async def read(ports: RecordsPorts, who: Principal, **query) -> list[tuple[str, str | None]]:
    page = await read_admin_audit(ports, who, AdminAuditQuery(**query))
    return [(entry["action"], entry["school_id"]) for entry in page.entries]


async def test_an_action_is_kept_once_however_often_it_arrives(ports):
    saved = action(OAK_ADMIN, AdminAction.ROTA_REPLACED, school="oak")

    assert await record_admin_action(ports, saved) is True
    assert await record_admin_action(ports, saved) is False

    (entry,) = [e async for e in ports.store.admin_audit.find()]
    assert entry["_id"] == saved.event_id
    assert (entry["user_id"], entry["roles"], entry["producer"]) == (
        "admin-oak",
        ["admin"],
        "notification",
    )


async def test_a_trust_admin_reads_every_school_and_the_trust_wide_actions_newest_first(ports):
    await logged(
        ports,
        action(OAK_ADMIN, AdminAction.ROTA_REPLACED, school="oak", minutes=1),
        action(
            ELM_ADMIN,
            AdminAction.CALENDAR_REPLACED,
            school="elm",
            minutes=2,
            event_type=case_v1.ADMIN_ACTION_RECORDED,
        ),
        action(
            TRUST_ADMIN,
            AdminAction.SENDER_REGISTERED,
            school=None,
            minutes=3,
            event_type=intake_v1.ADMIN_ACTION_RECORDED,
        ),
        action(OTHER_TRUST_ADMIN, AdminAction.ROTA_REPLACED, school="ash", trust="wye", minutes=4),
    )

    assert await read(ports, TRUST_ADMIN) == [
        ("sender.registered", None),
        ("calendar.replaced", "elm"),
        ("rota.replaced", "oak"),
    ]
    assert await read(ports, TRUST_ADMIN, school_id="oak") == [("rota.replaced", "oak")]


async def test_a_school_admin_reads_only_the_schools_own_actions(ports):
    await logged(
        ports,
        action(OAK_ADMIN, AdminAction.ROTA_REPLACED, school="oak"),
        action(ELM_ADMIN, AdminAction.ROTA_REPLACED, school="elm"),
        action(TRUST_ADMIN, AdminAction.SENDER_CHANGED, school=None),
    )

    assert await read(ports, OAK_ADMIN) == [("rota.replaced", "oak")]
    with pytest.raises(NotFound):
        await read(ports, OAK_ADMIN, school_id="elm")


@pytest.mark.parametrize(
    "role", [Role.DSL, Role.HEADTEACHER, Role.TRUST_SAFEGUARDING_LEAD, Role.STAFF]
)
async def test_only_administrators_read_it(ports, role):
    school = None if role == Role.TRUST_SAFEGUARDING_LEAD else "oak"
    with pytest.raises(Forbidden):
        await read(ports, Principal("someone", frozenset({role}), school, "severn"))


async def test_pages_follow_on_without_losing_or_repeating_an_entry(ports):
    # Seven actions, three of them in the same millisecond.
    minutes = [0, 1, 2, 2, 2, 3, 4]
    events = [
        action(OAK_ADMIN, AdminAction.STAFF_RECORDED, school="oak", minutes=m) for m in minutes
    ]
    await logged(ports, *events)

    seen, before, pages = [], None, 0
    while True:
        page = await read_admin_audit(ports, OAK_ADMIN, AdminAuditQuery(limit=3, before=before))
        seen += [entry["_id"] for entry in page.entries]
        pages += 1
        if page.next is None:
            break
        before = page.next

    assert pages == 3
    assert sorted(seen) == sorted(e.event_id for e in events)
    assert len(seen) == len(set(seen)) == 7


async def test_a_trust_admin_asking_for_another_trusts_school_finds_nothing(ports):
    await logged(
        ports, action(OTHER_TRUST_ADMIN, AdminAction.ROTA_REPLACED, school="ash", trust="wye")
    )

    with pytest.raises(NotFound):
        await read(ports, TRUST_ADMIN, school_id="ash")
    assert await read(ports, OTHER_TRUST_ADMIN, school_id="ash") == [("rota.replaced", "ash")]


async def test_a_redelivery_after_a_crash_mid_way_lists_the_action_once(ports):
    saved = action(OAK_ADMIN, AdminAction.ROTA_REPLACED, school="oak")
    entry = admin_entry(saved)
    # The process stopped after the entry reached the trust's list, before noting it.
    await ports.store.add_admin_entry(entry)
    await ports.store.append_to_admin_log("trust:severn", entry)

    assert await record_admin_action(ports, saved) is True
    assert await record_admin_action(ports, saved) is False
    assert await read(ports, TRUST_ADMIN) == [("rota.replaced", "oak")]
    assert await read(ports, OAK_ADMIN) == [("rota.replaced", "oak")]


async def test_two_writers_never_share_a_place_in_a_list(ports):
    events = [action(OAK_ADMIN, AdminAction.STAFF_RECORDED, school="oak") for _ in range(6)]

    await asyncio.gather(*(record_admin_action(ports, event) for event in events))

    page = await read_admin_audit(ports, OAK_ADMIN, AdminAuditQuery(limit=10))
    assert sorted(e["_id"] for e in page.entries) == sorted(e.event_id for e in events)
