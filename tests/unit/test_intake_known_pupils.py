"""intake checks each concern's pupil is recorded at the school: a pupil seen recorded once
is known from then on (pupils are never removed), an unknown one is asked for every time."""

from services.intake.domain.schools import pupil_key
from services.intake.store import IntakeStore
from tests.support.memory import memory_db


async def test_a_pupil_found_once_is_not_read_again_and_an_unknown_one_always_is(monkeypatch):
    store = IntakeStore(memory_db())
    await store.pupils.insert_one({"_id": pupil_key("oak", "P1")})
    reads: list[str] = []
    real = store.pupils.find_one

    async def find_one(query, *args, **kwargs):
        reads.append(query["_id"])
        return await real(query, *args, **kwargs)

    monkeypatch.setattr(store.pupils, "find_one", find_one)

    assert [await store.has_pupil("oak", "P1") for _ in range(3)] == [True] * 3
    assert [await store.has_pupil("oak", "P9") for _ in range(2)] == [False] * 2
    await store.pupils.insert_one({"_id": pupil_key("oak", "P9")})  # recorded since
    assert await store.has_pupil("oak", "P9") is True
    assert await store.has_pupil("elm", "P1") is False  # another school's pupil P1

    assert reads == [pupil_key("oak", "P1")] + [pupil_key("oak", "P9")] * 3 + [
        pupil_key("elm", "P1")
    ]
