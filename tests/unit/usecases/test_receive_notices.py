"""Receiving police notices: each child is matched, left for a DSL, recognised as a
re-send, or amended; events go out only for matched children, and once per fact."""

import pytest

from contracts.intake_v1 import ENCOMPASS_AMENDED, ENCOMPASS_NOTIFIED, ENCOMPASS_NOTIFIED_TOGETHER
from services.intake.domain.encompass import NotifiedChild
from tests.support.memory import outbox_of
from tests.unit.usecases.intake_ports import ZOE, memory_intake, notice, pupil_doc, receive


@pytest.fixture
async def world():
    ports, relay = memory_intake()
    await ports.store.schools.insert_many(
        [
            {"_id": "oak", "trust_id": "severn", "name": "Oakfield", "urn": "116789"},
            {"_id": "hill", "trust_id": "malvern", "name": "Hillside", "urn": "123456"},
        ]
    )
    await ports.store.pupils.insert_many(
        [pupil_doc("oak", "severn", "OAK-1"), pupil_doc("hill", "malvern", "HILL-1")]
    )
    return ports, relay


async def test_a_child_on_the_named_schools_roll_is_matched_and_published(world):
    ports, relay = world
    [(notice_id, outcome)] = await receive(ports, notice())

    assert outcome == "matched"
    stored = await ports.store.notice(notice_id)
    assert (stored["school_id"], stored["pupil_id"]) == ("oak", "OAK-1")
    assert stored["match"]["matched_by"] == "school"
    assert await outbox_of(ports.store.notices, notice_id) == [ENCOMPASS_NOTIFIED]
    assert relay.enqueued == [("encompass_notifications", notice_id)]


async def test_a_child_nobody_matches_waits_for_a_dsl_and_publishes_nothing(world):
    ports, relay = world
    [(notice_id, outcome)] = await receive(
        ports, notice({**ZOE, "date_of_birth": "2018-05-20", "school_urn": "116789"})
    )

    assert outcome == "unmatched"
    stored = await ports.store.notice(notice_id)
    assert stored["school_ids"] == ["oak"]
    assert [c["pupil_id"] for c in stored["match"]["candidates"]] == ["OAK-1"]
    assert await outbox_of(ports.store.notices, notice_id) == []
    assert relay.enqueued == []


async def test_pupils_of_trusts_the_sender_may_not_notify_are_never_matched(world):
    ports, _ = world
    [(notice_id, outcome)] = await receive(ports, notice({**ZOE, "school_urn": "123456"}))

    assert outcome == "unmatched"  # a school of another trust is as good as unknown
    stored = await ports.store.notice(notice_id)
    assert [c["pupil_id"] for c in stored["match"]["candidates"]] == ["OAK-1"]
    assert stored["trust_ids"] == ["severn"]


async def test_a_resend_of_the_same_content_is_a_duplicate_and_writes_nothing(world):
    ports, relay = world
    [(notice_id, _)] = await receive(ports, notice())
    before = await ports.store.notice(notice_id)
    ports.clock.advance(hours=1)

    assert await receive(ports, notice(notified_at="2026-03-10T08:00:00+00:00")) == [
        (notice_id, "duplicate")
    ]
    assert await ports.store.notice(notice_id) == before
    assert len(relay.enqueued) == 1


async def test_new_content_for_a_matched_child_is_an_amendment_not_a_second_alert(world):
    ports, relay = world
    [(notice_id, _)] = await receive(ports, notice())

    [(same_id, outcome)] = await receive(ports, notice(circumstances="Criminal damage."))

    assert (same_id, outcome) == (notice_id, "amended")
    stored = await ports.store.notice(notice_id)
    assert stored["revision"] == 2
    assert stored["content"]["circumstances"] == "Criminal damage."
    assert stored["pupil_id"] == "OAK-1"
    assert await outbox_of(ports.store.notices, notice_id) == [
        ENCOMPASS_NOTIFIED,
        ENCOMPASS_AMENDED,
    ]
    assert relay.enqueued == [("encompass_notifications", notice_id)] * 2


async def test_an_amendment_naming_the_school_matches_a_child_left_unmatched(world):
    ports, _ = world
    [(notice_id, first)] = await receive(ports, notice({**ZOE, "school_urn": "999999"}))
    [(_, then)] = await receive(ports, notice({**ZOE, "school_urn": "116789"}))

    assert (first, then) == ("unmatched", "amended")
    stored = await ports.store.notice(notice_id)
    assert (stored["state"], stored["revision"], stored["pupil_id"]) == ("matched", 2, "OAK-1")
    assert await outbox_of(ports.store.notices, notice_id) == [ENCOMPASS_NOTIFIED]


async def test_each_child_of_an_incident_has_its_own_outcome(world):
    ports, _ = world
    alfie = {"forename": "Alfie", "surname": "O'Brien", "date_of_birth": "2016-01-31"}
    outcomes = await receive(ports, notice({**ZOE, "school_urn": "116789"}, alfie))

    assert [outcome for _, outcome in outcomes] == ["matched", "unmatched"]
    first, second = [await ports.store.notice(notice_id) for notice_id, _ in outcomes]
    assert first["incident_id"] == second["incident_id"]


async def test_a_batchs_children_go_out_together_one_message_per_school(world):
    ports, relay = world
    await ports.store.schools.insert_one(
        {"_id": "elm", "trust_id": "severn", "name": "Elmbridge", "urn": "118000"}
    )
    alfie = {"forename": "Alfie", "surname": "O'Brien", "date_of_birth": "2016-01-31"}
    await ports.store.pupils.insert_many(
        [
            pupil_doc("oak", "severn", "OAK-2", forename="Alfie", date_of_birth="2016-01-31"),
            pupil_doc("elm", "severn", "ELM-1", forename="Ruby"),
        ]
    )
    outcomes = await receive(
        ports,
        notice(
            {**ZOE, "school_urn": "116789"},
            {**alfie, "school_urn": "116789"},
            {**ZOE, "forename": "Ruby", "school_urn": "118000"},
        ),
    )

    assert [outcome for _, outcome in outcomes] == ["matched"] * 3
    by_school = {message.school_id: message for message in relay.together}
    assert sorted(by_school) == ["elm", "oak"]
    for school_id, message in by_school.items():
        assert message.event_type == ENCOMPASS_NOTIFIED_TOGETHER
        assert message.subject.id == school_id
        for event in message.payload.events:
            # Each child's own event, whole: the one stored with its notice.
            stored = await ports.store.notices.find_one({"_id": event.payload.notification_id})
            assert stored["school_id"] == school_id == event.school_id
            assert [e["event_id"] for e in stored["outbox"]] == [event.event_id]
    assert sorted(e.payload.pupil_id for e in by_school["oak"].payload.events) == [
        "OAK-1",
        "OAK-2",
    ]
    assert sorted(doc_id for _, doc_id in relay.enqueued) == sorted(i for i, _ in outcomes)


async def test_a_large_pool_read_in_parts_is_the_pupils_sharing_a_surname_or_upn(world):
    ports, _ = world
    surnames = [f"Surname{n}" for n in range(450)]  # past POOL_SPLIT: read in parts
    await ports.store.pupils.insert_many(
        [pupil_doc("oak", "severn", f"S{n}", surname=name) for n, name in enumerate(surnames)]
        + [
            pupil_doc("oak", "severn", "U1", surname="Other", upn="A123456789012"),
            pupil_doc("oak", "severn", "N1", surname="Nobody"),
            pupil_doc("hill", "malvern", "S0", surname="Surname0"),  # another trust
        ]
    )
    children = [
        NotifiedChild(forename="Zoë", surname=name, date_of_birth="2018-05-02") for name in surnames
    ] + [
        NotifiedChild(
            forename="Kai", surname="Surname3", date_of_birth="2018-05-02", upn="A123456789012"
        )
    ]

    pool = await ports.store.pupil_pool(children, frozenset({"severn"}))

    named = [(c.school_id, c.pupil_id) for c in pool]
    assert sorted(named) == named and len(set(named)) == len(named)  # in order, each once
    assert {p for _, p in named} == {f"S{n}" for n in range(450)} | {"U1"}
