"""records and adult cases, fed the events case and intake publish: every step lands once
in the adult case's own hash-chained chronology, read only by those on the case (each read
in its access log); a child involved gets a pointer, seen in the child's chronology only
by readers of the child's file who may also see the adult case, and by nobody else, the
subject least of all, for whom the file reads exactly as it would without it."""

import pytest

from contracts import case_v1
from contracts.vocabulary import Role
from services.case.domain.adult_cases import NamedDslsRequest
from services.case.usecases.name_dsls import name_dsls
from services.case.usecases.open_adult_case import open_adult_case
from services.case.usecases.read_adult_cases import read_adult_case
from services.common.errors import NotFound
from services.records.usecases import adult_case_events as on
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.adult_case_reading import (
    read_adult_access_log,
    read_adult_chronology,
)
from services.records.usecases.read_chronology import read_chronology
from tests.support import case_world, events
from tests.support.adult_world import HEAD, adult_concern, at, published
from tests.support.case_world import OAK
from tests.support.records_ports import memory_records

SUBJECT = at(OAK, "dsl-1", *Role)  # the adult concerned, holding every role there is
NAMED = at(OAK, "dsl-2", Role.DSL)
HEAD_AND_DSL = at(OAK, "head-1", Role.HEADTEACHER, Role.DSL)


@pytest.fixture
async def world():
    """A concern about the DSL dsl-1 involving pupil P1 (who has a file), its case opened
    in case, and every event so far handed to records."""
    case, _ = await case_world.memory_case()
    records = memory_records()
    await add_to_chronology(records, events.concern_raised(OAK, "P1"))  # type: ignore[arg-type]
    raised = adult_concern(
        case.clock.now(), name="Dee Sell", staff_user_id="dsl-1", children=["P1"]
    )
    await open_adult_case(case, raised)
    case_id = raised.payload.case_id
    [opened] = await published(case, "adult_cases", case_id, case_v1.ADULT_CASE_OPENED)
    await on.adult_step(records, raised)
    await on.adult_case_opened(records, opened)
    await on.adult_case_opened(records, opened)  # redelivered: nothing more
    return case, records, case_id


async def test_the_case_manager_reads_the_words_and_every_step_once(world):
    _, records, case_id = world
    found = await read_adult_chronology(records, HEAD, case_id)
    kinds = [item["record"]["event_type"] for item in found.entries]
    assert kinds == ["intake.adult_concern.raised.v1", case_v1.ADULT_CASE_OPENED]
    assert found.entries[0]["record"]["content"]["subject"]["name"] == "Dee Sell"
    assert found.verdict.valid and found.verdict.entries == 2
    log, verdict = await read_adult_access_log(records, HEAD, case_id)
    assert [(e["action"], e["user_id"]) for e in log] == [
        ("access_log.read", "head-1"),
        ("chronology.read", "head-1"),
    ]
    assert verdict.valid


async def test_the_subject_and_the_other_dsls_find_no_such_case(world):
    _, records, case_id = world
    for outsider in (SUBJECT, NAMED, at(OAK, "teacher-1", Role.STAFF)):
        with pytest.raises(NotFound) as refused:
            await read_adult_chronology(records, outsider, case_id)
        assert str(refused.value) == "adult case not found"
        with pytest.raises(NotFound):
            await read_adult_access_log(records, outsider, case_id)


async def test_the_pointer_shows_only_to_readers_of_the_file_on_the_adult_case(world):
    case, records, case_id = world
    subject_view = await read_chronology(records, SUBJECT, "P1")
    other_dsl_view = await read_chronology(records, NAMED, "P1")
    for view in (subject_view, other_dsl_view):
        assert [i["entry_id"] for i in view.entries] == ["file:1"]
        assert view.entry_count == 1
    [pointer] = [
        i
        for i in (await read_chronology(records, HEAD_AND_DSL, "P1")).entries
        if i["chain"] == "allegations"
    ]
    assert pointer["record"]["kind"] == "adult_pointer"
    assert pointer["record"]["content"] == {
        "adult_case_id": case_id,
        "note": "Subject of a concern about an adult: see the allegations file.",
    }

    await name_dsls(case, HEAD, case_id, NamedDslsRequest(user_ids=["dsl-2"]))
    [changed] = await published(case, "adult_cases", case_id, case_v1.ADULT_CASE_ACCESS_CHANGED)
    await on.adult_access_changed(records, changed)
    named_view = await read_chronology(records, NAMED, "P1")
    assert sorted(i["chain"] for i in named_view.entries) == ["allegations", "file"]
    assert [i["entry_id"] for i in (await read_chronology(records, SUBJECT, "P1")).entries] == [
        "file:1"
    ]


async def test_an_older_access_never_undoes_a_newer_one(world):
    case, records, case_id = world
    await name_dsls(case, HEAD, case_id, NamedDslsRequest(user_ids=["dsl-2"]))
    [changed] = await published(case, "adult_cases", case_id, case_v1.ADULT_CASE_ACCESS_CHANGED)
    [opened] = await published(case, "adult_cases", case_id, case_v1.ADULT_CASE_OPENED)
    await on.adult_access_changed(records, changed)
    await on.adult_case_opened(records, opened)  # a late redelivery of the first access
    assert (await records.store.adult_access(case_id))["access"]["named_dsl_user_ids"] == ["dsl-2"]


async def test_every_read_in_case_joins_the_cases_access_log(world):
    case, records, case_id = world
    await read_adult_case(case, HEAD, case_id)
    [read_doc] = [d async for d in case.store.adult_reads.find({})]
    [read] = await published(case, "adult_reads", read_doc["_id"], case_v1.ADULT_CASES_READ)
    await on.adult_cases_read(records, read)
    await on.adult_cases_read(records, read)  # redelivered: logged once
    log, _ = await read_adult_access_log(records, HEAD, case_id)
    assert [e["action"] for e in log] == ["access_log.read", "case.read"]
