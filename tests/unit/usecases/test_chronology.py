"""records as use cases: the chronology's entries, who may read it, and the audit of every
read."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from contracts.case_v1 import DEADLINE_MET, DeadlineChanged
from contracts.envelope import Subject
from contracts.intake_v1 import PUPIL_RECORDED, PupilRecorded
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import Invalid, NotFound
from services.common.events import SYSTEM, make_envelope
from services.records.ports import RecordsPorts
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.audit_deadline_met import audit_deadline_met
from services.records.usecases.read_chronology import read_chronology
from services.records.usecases.record_pupil import record_pupil
from tests.support import events
from tests.support.records_ports import memory_records


@dataclass(frozen=True)
class Ids:
    school_id: str
    trust_id: str


OAK, ELM = Ids("oak", "oak-trust"), Ids("elm", "oak-trust")
DSL = Principal("dsl-1", frozenset({Role.DSL}), "oak", None)
TRUST_LEAD = Principal("lead-1", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, "oak-trust")


def concern(received_at: datetime | None = None):
    return events.concern_raised(OAK, "P1", received_at=received_at)  # type: ignore[arg-type]


def police_notification(received_at: datetime):
    return events.encompass_notified(OAK, "P1", received_at=received_at)  # type: ignore[arg-type]


@pytest.fixture
def ports() -> RecordsPorts:
    return memory_records()


def pupil_recorded(school: Ids, forename: str, *, days_later: int = 0):
    event = make_envelope(
        PUPIL_RECORDED,
        PupilRecorded(pupil_id="P1", forename=forename, surname="Hart", date_of_birth="2016-04-12"),
        trust_id=school.trust_id,
        school_id=school.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )
    return event.model_copy(
        update={"occurred_at": event.occurred_at.replace(year=2026, month=3, day=1 + days_later)}
    )


async def audit_reads(ports: RecordsPorts, school: str = "oak", pupil: str = "P1") -> list[dict]:
    head = await ports.store.access.head(f"{school}/{pupil}")
    entries = await ports.store.access.entries(f"{school}/{pupil}", head["seq"] if head else 0)
    return [e["record"] for e in entries if e["record"]["action"] == "chronology.read"]


async def test_each_event_is_one_entry_however_often_it_arrives(ports):
    raised = concern()

    assert await add_to_chronology(ports, raised) is True
    assert await add_to_chronology(ports, raised) is False

    found = await read_chronology(ports, DSL, "P1")
    [entry] = found.entries
    assert entry["record"]["event_id"] == raised.event_id
    assert entry["record"]["source_id"] == raised.payload.concern_id
    assert entry["record"]["content"]["child_words"] == "There was no food at home."


async def test_the_dsl_reads_entries_in_the_order_things_happened_with_the_child(ports):
    await record_pupil(ports, pupil_recorded(OAK, "Amelia"))
    police = police_notification(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    earlier = concern(datetime(2026, 3, 1, 15, 0, tzinfo=UTC))
    await add_to_chronology(ports, police)
    await add_to_chronology(ports, earlier)

    found = await read_chronology(ports, DSL, "P1")

    assert [e["record"]["event_id"] for e in found.entries] == [earlier.event_id, police.event_id]
    assert [e["entry_id"] for e in found.entries] == ["file:2", "file:1"]  # in arrival order
    assert (found.school_id, found.child["forename"]) == ("oak", "Amelia")


async def test_every_read_is_audited(ports):
    await add_to_chronology(ports, concern())

    await read_chronology(ports, DSL, "P1")
    await read_chronology(ports, TRUST_LEAD, "P1", school_id="oak")

    reads = await audit_reads(ports)
    assert [(r["user_id"], r["school_id"]) for r in reads] == [("dsl-1", "oak"), ("lead-1", "oak")]
    assert reads[0]["roles"] == ["dsl"]


async def test_staff_and_another_schools_dsl_are_told_there_is_no_such_child(ports):
    await add_to_chronology(ports, concern())
    await record_pupil(ports, pupil_recorded(OAK, "Amelia"))
    teacher = Principal("teacher-1", frozenset({Role.STAFF}), "oak", None)
    elm_dsl = Principal("dsl-2", frozenset({Role.DSL}), "elm", None)

    for reader, school_id in [(teacher, None), (elm_dsl, None), (elm_dsl, "oak"), (DSL, "elm")]:
        with pytest.raises(NotFound):
            await read_chronology(ports, reader, "P1", school_id)
    with pytest.raises(NotFound):
        await read_chronology(ports, TRUST_LEAD, "P1")  # pupil ids are unique per school only
    assert await audit_reads(ports) == []


async def test_a_child_with_nothing_recorded_is_not_found(ports):
    with pytest.raises(NotFound):
        await read_chronology(ports, DSL, "P1")


async def test_the_newest_pupil_details_win_whatever_order_they_arrive_in(ports):
    await record_pupil(ports, pupil_recorded(OAK, "Amelia", days_later=2))
    await record_pupil(ports, pupil_recorded(OAK, "Amy", days_later=1))
    await record_pupil(ports, pupil_recorded(ELM, "Milly"))

    found = await read_chronology(ports, DSL, "P1")

    assert found.child["forename"] == "Amelia"
    assert found.entries == []


async def test_a_deadline_met_is_audited_once(ports):
    met = make_envelope(
        DEADLINE_MET,
        DeadlineChanged(
            deadline_id="dsl-triage:e1",
            rule="dsl-triage",
            pupil_id="P1",
            source_id="c1",
            source_event_id="e1",
            met_by="dsl-1",
        ),
        trust_id="oak-trust",
        school_id="oak",
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )

    assert await audit_deadline_met(ports, met) is True
    assert await audit_deadline_met(ports, met) is False

    logged = await ports.store.audit.find_one({"_id": met.event_id})
    assert (logged["action"], logged["deadline_id"], logged["met_by"]) == (
        DEADLINE_MET,
        "dsl-triage:e1",
        "dsl-1",
    )


async def test_a_long_file_is_read_a_page_at_a_time_newest_page_first(ports):
    moments = [datetime(2026, 3, 2, 9, tzinfo=UTC).replace(minute=m) for m in range(5)]
    raised = [concern(received_at=moment) for moment in moments]
    same_moment = concern(received_at=moments[-1])  # two entries at one millisecond
    for event in [*raised, same_moment]:
        await add_to_chronology(ports, event)

    newest = await read_chronology(ports, DSL, "P1", limit=4)
    older = await read_chronology(ports, DSL, "P1", limit=4, before=newest.earlier)
    whole = await read_chronology(ports, DSL, "P1")

    assert (len(newest.entries), newest.entry_count) == (4, 6)
    assert newest.earlier is not None
    assert len(older.entries) == 2 and older.earlier is None
    seen = [e["record"]["event_id"] for e in older.entries + newest.entries]
    assert seen == [e["record"]["event_id"] for e in whole.entries]  # in order, none twice
    assert sorted(seen) == sorted(e.event_id for e in [*raised, same_moment])  # none lost


async def test_a_cursor_this_service_never_gave_is_refused_naming_it(ports):
    await add_to_chronology(ports, concern())

    with pytest.raises(Invalid) as refused:
        await read_chronology(ports, DSL, "P1", before="not-a-cursor")

    assert refused.value.field == "before"
