"""Retention: a closed file is listed for review from the child's 25th birthday; nothing
is deleted automatically; disposal removes the content, leaves a disposal entry, and the
chain still verifies."""

import pytest

from contracts.envelope import Subject
from contracts.intake_v1 import PUPIL_RECORDED, PupilRecorded
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import Conflict, NotFound
from services.common.events import SYSTEM, make_envelope
from services.records.domain.retention import DisposalRequest, retention_due
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.read_chronology import read_chronology
from services.records.usecases.record_pupil import record_pupil
from services.records.usecases.retention import dispose_file, retention_review
from services.records.usecases.start_transfer import transfer_for_leaver
from services.records.usecases.verify_file import verify_child_file
from tests.support import events
from tests.support.records_ports import memory_records
from tests.unit.usecases.test_chronology import DSL, OAK
from tests.unit.usecases.test_transfers import left

HEAD = Principal("head-1", frozenset({Role.HEADTEACHER}), "oak", None)
REASON = DisposalRequest(reason="Retention period over; reviewed by the head and DSL.")


async def closed_file(born: str):
    ports = memory_records()
    await record_pupil(
        ports,
        make_envelope(
            PUPIL_RECORDED,
            PupilRecorded(pupil_id="P1", forename="Amelia", surname="Hart", date_of_birth=born),
            trust_id=OAK.trust_id,
            school_id=OAK.school_id,
            subject=Subject(kind="child", id="P1"),
            actor=SYSTEM,
        ),
    )
    for _ in range(3):
        await add_to_chronology(ports, events.concern_raised(OAK, "P1"))
    await transfer_for_leaver(ports, left(urn=None))
    return ports


def test_retention_runs_to_the_25th_birthday():
    from datetime import date

    assert retention_due(date(2001, 3, 10), 25) == date(2026, 3, 10)
    assert retention_due(date(2004, 2, 29), 25) == date(2029, 2, 28)


async def test_a_file_due_is_listed_and_disposal_leaves_a_verifiable_tombstone():
    ports = await closed_file("2001-03-10")  # 25 on the fixed clock's day

    [due] = await retention_review(ports, HEAD)
    removed = await dispose_file(ports, HEAD, "P1", REASON)

    assert (due.pupil_id, due.retention_due, due.entries) == ("P1", "2026-03-10", 3)
    assert removed == 3
    verdict = await verify_child_file(ports, DSL, "P1")
    assert verdict.valid and verdict.entries == 4
    found = await read_chronology(ports, DSL, "P1")
    kinds = [(e["record"] or {}).get("kind", "removed") for e in found.entries]
    assert kinds == ["removed", "removed", "removed", "disposal"]
    assert await retention_review(ports, HEAD) == []


async def test_a_file_still_within_retention_is_not_listed_nor_disposed():
    ports = await closed_file("2010-05-01")

    assert await retention_review(ports, HEAD) == []
    with pytest.raises(Conflict, match="kept until 2035-05-01"):
        await dispose_file(ports, HEAD, "P1", REASON)


async def test_staff_cannot_review_or_dispose():
    ports = await closed_file("2001-03-10")
    teacher = Principal("teacher-1", frozenset({Role.STAFF}), "oak", None)

    with pytest.raises(NotFound):
        await retention_review(ports, teacher)
    with pytest.raises(NotFound):
        await dispose_file(ports, teacher, "P1", REASON)
