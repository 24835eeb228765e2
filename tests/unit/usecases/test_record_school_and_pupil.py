"""Recording schools and pupils one by one (PUT): who may, what is stored, and that an
event goes out only when something changed."""

from datetime import date

import pytest

from contracts.intake_v1 import ADMIN_ACTION_RECORDED, PUPIL_RECORDED, SCHOOL_RECORDED
from services.common.errors import Conflict, Invalid, NotFound
from services.intake.domain.schools import PupilDetails, SchoolDetails
from services.intake.usecases.record_pupil import record_pupil
from services.intake.usecases.record_school import record_school
from tests.support.memory import outbox_of
from tests.unit.usecases.intake_ports import memory_intake, person

TRUST_ADMIN = person("admin", trust="severn")
OAK_ADMIN = person("admin", school="oak", trust="severn")


def oak(name: str = "Oakfield Primary", trust_id: str = "severn") -> SchoolDetails:
    return SchoolDetails(name=name, trust_id=trust_id, urn="116789")


def zoe(**fields: object) -> PupilDetails:
    data = {"forename": "Zoë", "surname": "O'Brien", "date_of_birth": date(2018, 5, 2)}
    return PupilDetails.model_validate(data | fields)


@pytest.fixture
def world():
    return memory_intake()


class TestRecordSchool:
    async def test_a_new_school_is_created_and_published(self, world):
        ports, relay = world
        recorded = await record_school(ports, TRUST_ADMIN, "oak", oak())

        assert recorded.created
        assert recorded.details == {
            "name": "Oakfield Primary",
            "trust_id": "severn",
            "urn": "116789",
        }
        # With its admin audit entry, in the same write.
        assert await outbox_of(ports.store.schools, "oak") == [
            SCHOOL_RECORDED,
            ADMIN_ACTION_RECORDED,
        ]
        assert relay.enqueued == [("schools", "oak")]

    async def test_the_same_details_again_change_and_publish_nothing(self, world):
        ports, relay = world
        await record_school(ports, TRUST_ADMIN, "oak", oak())
        again = await record_school(ports, OAK_ADMIN, "oak", oak())
        renamed = await record_school(ports, OAK_ADMIN, "oak", oak(name="Oakfield"))

        assert not again.created and not renamed.created
        twice = [SCHOOL_RECORDED, ADMIN_ACTION_RECORDED] * 2
        assert await outbox_of(ports.store.schools, "oak") == twice
        assert len(relay.enqueued) == 2

    async def test_only_admins_record_schools(self, world):
        ports, _ = world
        with pytest.raises(NotFound):
            await record_school(ports, person("dsl", school="oak", trust="severn"), "oak", oak())

    async def test_a_school_admin_records_only_their_own_school(self, world):
        ports, _ = world
        with pytest.raises(NotFound):
            await record_school(ports, OAK_ADMIN, "elm", oak())

    async def test_an_admin_registers_schools_of_their_own_trust_only(self, world):
        ports, _ = world
        with pytest.raises(Invalid) as refused:
            await record_school(ports, TRUST_ADMIN, "oak", oak(trust_id="malvern"))
        assert refused.value.field == "trust_id"
        assert await ports.store.school("oak") is None

    async def test_a_school_of_another_trust_is_not_a_trust_admins_to_change(self, world):
        ports, _ = world
        await record_school(ports, person("admin", trust="malvern"), "oak", oak("Oak", "malvern"))
        with pytest.raises(NotFound):
            await record_school(ports, TRUST_ADMIN, "oak", oak())

    async def test_a_school_admin_cannot_move_their_school_to_another_trust(self, world):
        ports, _ = world
        await record_school(ports, TRUST_ADMIN, "oak", oak())
        school_admin = person("admin", school="oak")  # a token naming no trust
        with pytest.raises(Conflict):
            await record_school(ports, school_admin, "oak", oak(trust_id="malvern"))
        assert (await ports.store.school("oak"))["trust_id"] == "severn"


class TestRecordPupil:
    @pytest.fixture
    async def ports(self, world):
        ports, relay = world
        await record_school(ports, TRUST_ADMIN, "oak", oak())
        relay.enqueued.clear()
        return ports, relay

    async def test_a_new_pupil_is_stored_like_a_roster_pupil_and_published(self, ports):
        ports, relay = ports
        recorded = await record_pupil(ports, OAK_ADMIN, "oak", "OAK-1", zoe())

        assert recorded.created
        stored = await ports.store.pupils.find_one({"_id": "oak/OAK-1"})
        assert stored["surname_key"] == "obrien"
        assert stored["date_of_birth"] == "2018-05-02"
        assert [stored[k] for k in ("postcode", "on_roll_from", "on_roll_to")] == [None] * 3
        assert stored["left_notified"] is None
        assert await outbox_of(ports.store.pupils, "oak/OAK-1") == [
            PUPIL_RECORDED,
            ADMIN_ACTION_RECORDED,
        ]
        assert relay.enqueued == [("pupils", "oak/OAK-1")]

    async def test_a_change_is_published_and_the_same_details_are_not(self, ports):
        ports, relay = ports
        await record_pupil(ports, OAK_ADMIN, "oak", "OAK-1", zoe())
        same = await record_pupil(ports, OAK_ADMIN, "oak", "OAK-1", zoe())
        changed = await record_pupil(ports, OAK_ADMIN, "oak", "OAK-1", zoe(surname="Hughes"))

        assert not same.created and not changed.created
        twice = [PUPIL_RECORDED, ADMIN_ACTION_RECORDED] * 2
        assert await outbox_of(ports.store.pupils, "oak/OAK-1") == twice
        assert len(relay.enqueued) == 2
        stored = await ports.store.pupils.find_one({"_id": "oak/OAK-1"})
        assert (stored["surname"], stored["surname_key"], stored["version"]) == (
            "Hughes",
            "hughes",
            2,
        )

    async def test_a_put_keeps_what_the_roster_said(self, ports):
        ports, _ = ports
        await record_pupil(ports, OAK_ADMIN, "oak", "OAK-1", zoe())
        await ports.store.pupils.update_one(
            {"_id": "oak/OAK-1"}, {"$set": {"on_roll_from": "2022-09-01", "postcode": "WR1 1AA"}}
        )
        await record_pupil(ports, OAK_ADMIN, "oak", "OAK-1", zoe(preferred_forename="Zo"))

        stored = await ports.store.pupils.find_one({"_id": "oak/OAK-1"})
        assert (stored["on_roll_from"], stored["postcode"]) == ("2022-09-01", "WR1 1AA")
        assert stored["forename_keys"] == ["zo", "zoe"]

    async def test_only_an_admin_of_the_school_or_its_trust_records_pupils(self, ports):
        ports, _ = ports
        for stranger in (
            person("dsl", school="oak", trust="severn"),
            person("admin", school="elm", trust="severn"),
            person("admin", trust="malvern"),
        ):
            with pytest.raises(NotFound):
                await record_pupil(ports, stranger, "oak", "OAK-1", zoe())
        assert (await record_pupil(ports, TRUST_ADMIN, "oak", "OAK-1", zoe())).created
