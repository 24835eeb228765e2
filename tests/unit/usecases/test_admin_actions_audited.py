"""Each administrative use case reports who did what (never names, addresses or secrets):
in the changed document's own write where there is one, else first, in a document of its
own. The same change again reports nothing."""

from __future__ import annotations

import json

import pytest

from contracts import case_v1, intake_v1, notification_v1
from contracts.vocabulary import Role
from services.case.domain.calendar import SchoolCalendar
from services.case.usecases.set_calendar import set_calendar
from services.common.auth import Principal
from services.intake.domain.senders import SenderRegistration
from services.intake.usecases.register_sender import register_sender
from services.notification.domain.staff import StaffMember
from services.notification.usecases.set_rota import set_rota
from services.notification.usecases.set_staff import remove_staff, set_staff
from tests.support import case_world
from tests.support.memory import outbox_of
from tests.support.notification_ports import ADMIN, SCHOOL_ID, alerting_world, rota_body
from tests.unit.usecases.intake_ports import memory_intake


def audited(document: dict, event_type: str) -> list[dict]:
    """The payloads of the document's audit events."""
    return [
        json.loads(entry["body"])["payload"]
        for entry in document.get("outbox", [])
        if entry["event_type"] == event_type
    ]


class TestNotification:
    async def test_a_member_of_staff_is_recorded_with_the_audit_event_in_the_same_write(self):
        world = await alerting_world()
        await set_staff(world.ports, ADMIN, SCHOOL_ID, "dsl-9", StaffMember(name="Dee Ninth"))
        await set_staff(world.ports, ADMIN, SCHOOL_ID, "dsl-9", StaffMember(name="Dee Ninth"))

        stored = await world.store.staff.find_one({"_id": "oak:dsl-9"})
        (payload,) = audited(stored, notification_v1.ADMIN_ACTION_RECORDED)
        assert payload["action"] == "staff.recorded"
        assert (payload["object_id"], payload["user_id"], payload["school_id"]) == (
            "dsl-9",
            "admin-1",
            "oak",
        )
        assert "Dee" not in json.dumps(payload)  # ids, never names
        assert world.relay.enqueued == [("staff", "oak:dsl-9")]

    async def test_a_removal_is_recorded_first_in_a_document_of_its_own(self):
        world = await alerting_world()
        await set_staff(world.ports, ADMIN, SCHOOL_ID, "dsl-9", StaffMember(name="Dee Ninth"))
        world.relay.enqueued.clear()

        await remove_staff(world.ports, ADMIN, SCHOOL_ID, "dsl-9")
        await remove_staff(world.ports, ADMIN, SCHOOL_ID, "dsl-9")  # gone: nothing more

        assert await world.store.staff_member(SCHOOL_ID, "dsl-9") is None
        (action,) = [doc async for doc in world.store.admin_actions.find()]
        assert (action["action"], action["object_id"]) == ("staff.removed", "dsl-9")
        assert await outbox_of(world.store.admin_actions, action["_id"]) == [
            notification_v1.ADMIN_ACTION_RECORDED
        ]
        assert world.relay.enqueued == [("admin_actions", action["_id"])]

    async def test_a_rota_change_is_recorded_with_counts_and_no_contact_details(self):
        world = await alerting_world()
        await world.staff_and_rota()
        stored = await world.store.rotas.find_one({"_id": SCHOOL_ID})

        (payload,) = audited(stored, notification_v1.ADMIN_ACTION_RECORDED)
        assert payload["action"] == "rota.replaced"
        assert payload["details"] == {"tiers": 3, "members": 3}
        assert "@" not in json.dumps(payload) and "07911" not in json.dumps(payload)

        await set_rota(world.ports, ADMIN, SCHOOL_ID, rota_body())  # the same again
        again = await world.store.rotas.find_one({"_id": SCHOOL_ID})
        assert len(audited(again, notification_v1.ADMIN_ACTION_RECORDED)) == 1


class TestIntake:
    SECRET = "k3Y-" + "x" * 40
    TRUST_ADMIN = Principal("admin-t", frozenset({Role.ADMIN}), None, "severn")

    def registration(self, *trusts: str, secret: str = SECRET) -> SenderRegistration:
        return SenderRegistration.model_validate(
            {"name": "West Mercia Police", "secret": secret, "trust_ids": list(trusts)}
        )

    async def test_each_trust_a_sender_names_is_told_and_whether_its_secret_changed(self):
        ports, relay = memory_intake()
        await register_sender(ports, self.TRUST_ADMIN, "wm", self.registration("severn"))
        await register_sender(ports, self.TRUST_ADMIN, "wm", self.registration("severn"))
        rotated = self.registration("severn", secret="n3w-" + "y" * 40)
        await register_sender(ports, self.TRUST_ADMIN, "wm", rotated)

        stored = await ports.store.senders.find_one({"_id": "wm"})
        payloads = audited(stored, intake_v1.ADMIN_ACTION_RECORDED)
        assert [(p["action"], p["details"]["secret_changed"]) for p in payloads] == [
            ("sender.registered", True),
            ("sender.changed", False),
            ("sender.changed", True),
        ]
        assert {(p["trust_id"], p["school_id"]) for p in payloads} == {("severn", None)}
        text = json.dumps(stored["outbox"])
        assert self.SECRET not in text and "y" * 40 not in text
        assert relay.enqueued == [("encompass_senders", "wm")] * 3


@pytest.mark.parametrize("times", [1, 2])
async def test_a_calendar_is_saved_with_its_audit_event_each_time(times):
    ports, relay = await case_world.memory_case()
    for _ in range(times):
        await set_calendar(ports, case_world.ADMIN, "oak", SchoolCalendar.default())

    stored = await ports.store.calendars.find_one({"_id": "oak"})
    payloads = audited(stored, case_v1.ADMIN_ACTION_RECORDED)
    assert [p["action"] for p in payloads] == ["calendar.replaced"] * times
    assert payloads[0]["details"] == {"terms": 0, "closures": 0}
    assert relay.enqueued == [("calendars", "oak")] * times
