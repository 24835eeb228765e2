"""case keeps the pupils on each school's roll as intake last recorded them."""

from datetime import date, datetime, timedelta

from contracts.envelope import Subject
from contracts.intake_v1 import PUPIL_RECORDED, PupilRecorded
from services.case.usecases.record_pupil import record_pupil
from services.common.events import SYSTEM, make_envelope
from tests.support import case_world
from tests.support.case_world import OAK


async def test_case_keeps_the_newest_record_of_each_pupil():
    ports, _ = await case_world.memory_case()

    def recorded(surname: str, at: datetime):
        pupil = PupilRecorded(
            pupil_id="P1", forename="Amelia", surname=surname, date_of_birth=date(2016, 4, 12)
        )
        return make_envelope(
            PUPIL_RECORDED,
            pupil,
            trust_id=OAK.trust_id,
            school_id=OAK.school_id,
            subject=Subject(kind="child", id="P1"),
            actor=SYSTEM,
            occurred_at=at,
        )

    now = ports.clock.now()
    await record_pupil(ports, recorded("Hart", now))
    await record_pupil(ports, recorded("Old", now - timedelta(hours=1)))  # late redelivery

    pupil = await ports.store.pupils.find_one({"_id": "oak/P1"})
    assert (pupil["surname"], pupil["school_id"], pupil["as_of"]) == ("Hart", "oak", now)
