"""A school's alerting set-up as use cases: its staff list and its rota."""

import pytest

from contracts.vocabulary import Role
from services.common.errors import Conflict, InvalidFields, NotFound
from services.notification.domain.staff import StaffMember
from services.notification.usecases.read_rota import list_staff, read_rota
from services.notification.usecases.set_rota import set_rota
from services.notification.usecases.set_staff import remove_staff, set_staff
from tests.support.notification_ports import (
    ADMIN,
    SCHOOL_ID,
    AlertingWorld,
    alerting_world,
    person,
    rota_body,
)


@pytest.fixture
async def world() -> AlertingWorld:
    world = await alerting_world()
    await world.staff_and_rota()
    world.ports.signals.escalation.clear()
    return world


async def test_a_rota_naming_someone_the_school_does_not_know_is_refused(world):
    before = await read_rota(world.ports, ADMIN, SCHOOL_ID)

    with pytest.raises(InvalidFields) as refused:
        await set_rota(world.ports, ADMIN, SCHOOL_ID, rota_body([["dsl-1"], ["nobody"]]))

    assert refused.value.problems == [("tiers[1].members[0].user_id", "unknown user nobody")]
    assert await read_rota(world.ports, ADMIN, SCHOOL_ID) == before


async def test_an_invalid_rota_is_refused_naming_every_field(world):
    body = rota_body()
    body["tiers"][0]["members"][0]["email"] = "not-an-address"
    body["tiers"].insert(1, {"members": []})

    with pytest.raises(InvalidFields) as refused:
        await set_rota(world.ports, ADMIN, SCHOOL_ID, body)

    assert {field for field, _ in refused.value.problems} == {
        "tiers[0].members[0].email",
        "tiers[1].members",
    }


async def test_the_same_rota_again_stores_nothing_and_starts_nothing(world):
    before = await read_rota(world.ports, ADMIN, SCHOOL_ID)

    again = await set_rota(world.ports, ADMIN, SCHOOL_ID, rota_body())

    assert again["version"] == before["version"] == 1
    assert again["updated_at"] == before["updated_at"]
    assert world.relay.enqueued == []
    assert not world.ports.signals.escalation.is_set()


async def test_a_changed_rota_is_a_new_version(world):
    world.clock.advance(minutes=5)
    changed = await set_rota(world.ports, ADMIN, SCHOOL_ID, rota_body(normal_step_seconds=60))

    assert changed["version"] == 2
    assert changed["updated_at"] == world.clock.now()
    assert changed["rota"]["escalation"]["normal_step_seconds"] == 60
    assert await world.store.rota(SCHOOL_ID) is not None


async def test_only_the_schools_admin_or_headteacher_may_set_the_rota(world):
    head = person("head-1", Role.HEADTEACHER)
    other_admin = person("admin-2", Role.ADMIN, school_id="elm")

    assert (await set_rota(world.ports, head, SCHOOL_ID, rota_body(normal_step_seconds=60)))[
        "version"
    ] == 2
    with pytest.raises(NotFound):
        await set_rota(world.ports, person("dsl-1"), SCHOOL_ID, rota_body())
    with pytest.raises(NotFound):
        await set_rota(world.ports, other_admin, SCHOOL_ID, rota_body())


async def test_a_school_notification_has_not_heard_of_is_named_to_its_own_users(world):
    with pytest.raises(NotFound) as own:
        await set_rota(world.ports, person("admin-3", Role.ADMIN, "ash"), "ash", rota_body())

    assert "not known here yet" in str(own.value)


async def test_someone_on_the_rota_cannot_be_removed_from_the_staff_list(world):
    await set_staff(world.ports, ADMIN, SCHOOL_ID, "spare-1", StaffMember(name="Spare"))

    with pytest.raises(Conflict):
        await remove_staff(world.ports, ADMIN, SCHOOL_ID, "dsl-1")
    await remove_staff(world.ports, ADMIN, SCHOOL_ID, "spare-1")

    staff = await list_staff(world.ports, person("dsl-1"), SCHOOL_ID)
    assert [s["user_id"] for s in staff] == ["deputy-1", "dsl-1", "head-1"]


async def test_a_school_without_a_rota_says_so():
    world = await alerting_world()

    with pytest.raises(NotFound) as missing:
        await read_rota(world.ports, ADMIN, SCHOOL_ID)

    assert str(missing.value) == "the school has no rota yet"
