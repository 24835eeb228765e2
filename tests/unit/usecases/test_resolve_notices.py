"""A DSL resolves a child nobody could match: matching by hand sends it on as if it had
matched, dismissing closes it; both only once, and only for those who may see it."""

import pytest

from contracts.intake_v1 import ENCOMPASS_NOTIFIED
from services.common.errors import Conflict, Invalid, NotFound
from services.intake.usecases.dismiss_notice import dismiss_notice
from services.intake.usecases.match_notice import match_notice
from services.intake.usecases.read_notices import (
    incident_notices,
    notice_for,
    unmatched_notices,
)
from tests.support.memory import outbox_of
from tests.unit.usecases.intake_ports import (
    SENDER,
    ZOE,
    memory_intake,
    notice,
    person,
    pupil_doc,
    receive,
)

OAK_DSL = person("dsl", school="oak")
TRUST_LEAD = person("trust_safeguarding_lead", trust="severn")


@pytest.fixture
async def world():
    """Zoë was notified with the wrong date of birth: she waits, with OAK-1 as candidate."""
    ports, relay = memory_intake()
    await ports.store.schools.insert_many(
        [
            {"_id": "oak", "trust_id": "severn", "name": "Oakfield", "urn": "116789"},
            {"_id": "riv", "trust_id": "severn", "name": "Riverside", "urn": "145210"},
            {"_id": "hill", "trust_id": "malvern", "name": "Hillside", "urn": "123456"},
        ]
    )
    await ports.store.pupils.insert_many(
        [
            pupil_doc("oak", "severn", "OAK-1"),
            pupil_doc("riv", "severn", "RIV-1", forename="Kai"),
            pupil_doc("hill", "malvern", "HILL-1"),
        ]
    )
    await ports.store.senders.insert_one(SENDER)
    wrong_birthday = notice({**ZOE, "date_of_birth": "2018-05-20", "school_urn": "116789"})
    [(notice_id, outcome)] = await receive(ports, wrong_birthday)
    assert outcome == "unmatched"
    relay.enqueued.clear()
    return ports, relay, notice_id


class TestMatchingByHand:
    async def test_the_child_is_sent_on_as_if_it_had_matched(self, world):
        ports, relay, notice_id = world
        ports.clock.advance(hours=2)
        matched = await match_notice(ports, OAK_DSL, notice_id, "OAK-1", None)

        assert (matched["state"], matched["school_id"], matched["pupil_id"]) == (
            "matched",
            "oak",
            "OAK-1",
        )
        stored = await ports.store.notice(notice_id)
        assert stored["match"]["matched_by"] == "manual"
        assert stored["resolution"]["by"] == OAK_DSL.user_id
        assert stored["resolution"]["at"] == ports.clock.now()
        assert await outbox_of(ports.store.notices, notice_id) == [ENCOMPASS_NOTIFIED]
        assert relay.enqueued == [("encompass_notifications", notice_id)]

    async def test_only_once(self, world):
        ports, _, notice_id = world
        await match_notice(ports, OAK_DSL, notice_id, "OAK-1", None)
        with pytest.raises(Conflict):
            await match_notice(ports, OAK_DSL, notice_id, "OAK-1", None)
        assert await outbox_of(ports.store.notices, notice_id) == [ENCOMPASS_NOTIFIED]

    async def test_the_trust_lead_matches_at_the_school_the_police_named(self, world):
        ports, _, notice_id = world
        matched = await match_notice(ports, TRUST_LEAD, notice_id, "OAK-1", None)
        assert matched["school_id"] == "oak"

    @pytest.mark.parametrize(
        "who",
        [
            person("dsl", school="riv"),  # not a school the notice concerns
            person("staff", school="oak"),
            person("dsl", school="hill"),
            person("trust_safeguarding_lead", trust="malvern"),
        ],
    )
    async def test_those_it_does_not_concern_are_told_it_does_not_exist(self, world, who):
        ports, _, notice_id = world
        with pytest.raises(NotFound):
            await match_notice(ports, who, notice_id, "OAK-1", "oak")
        assert (await ports.store.notice(notice_id))["state"] == "unmatched"

    @pytest.mark.parametrize(
        ("pupil_id", "school_id"),
        [
            ("OAK-404", None),  # no such pupil
            ("RIV-1", "riv"),  # a school the DSL does not work at
            ("HILL-1", "hill"),  # a trust the sender may not notify
        ],
    )
    async def test_a_pupil_the_caller_may_not_name_is_refused(self, world, pupil_id, school_id):
        ports, relay, notice_id = world
        with pytest.raises(Invalid) as refused:
            await match_notice(ports, OAK_DSL, notice_id, pupil_id, school_id)
        assert refused.value.field == "pupil_id"
        assert relay.enqueued == []

    async def test_the_school_must_be_known_to_match(self, world):
        ports, _, _ = world
        unknown_school = notice({**ZOE, "date_of_birth": "2018-05-20", "school_urn": "999999"})
        [(notice_id, _)] = await receive(ports, unknown_school)
        with pytest.raises(Invalid) as refused:
            await match_notice(ports, TRUST_LEAD, notice_id, "OAK-1", None)
        assert refused.value.field == "school_id"


class TestDismissing:
    async def test_a_dismissed_child_leaves_the_queue_and_publishes_nothing(self, world):
        ports, relay, notice_id = world
        dismissed = await dismiss_notice(ports, OAK_DSL, notice_id, "Not one of ours")

        assert dismissed["state"] == "dismissed"
        assert dismissed["resolution"]["reason"] == "Not one of ours"
        assert await unmatched_notices(ports, OAK_DSL, 10) == []
        assert relay.enqueued == []

    async def test_a_resolved_child_can_be_neither_dismissed_nor_matched_again(self, world):
        ports, _, notice_id = world
        await dismiss_notice(ports, OAK_DSL, notice_id, "Not one of ours")
        with pytest.raises(Conflict):
            await dismiss_notice(ports, OAK_DSL, notice_id, "again")
        with pytest.raises(Conflict):
            await match_notice(ports, OAK_DSL, notice_id, "OAK-1", None)

    async def test_only_those_it_concerns_may_dismiss_it(self, world):
        ports, _, notice_id = world
        with pytest.raises(NotFound):
            await dismiss_notice(ports, person("dsl", school="riv"), notice_id, "no")


class TestReading:
    async def test_the_queue_and_the_record_are_for_those_it_concerns(self, world):
        ports, _, notice_id = world
        assert [n["_id"] for n in await unmatched_notices(ports, OAK_DSL, 10)] == [notice_id]
        assert await unmatched_notices(ports, person("dsl", school="riv"), 10) == []
        assert (await notice_for(ports, TRUST_LEAD, notice_id))["_id"] == notice_id
        with pytest.raises(NotFound):
            await unmatched_notices(ports, person("staff", school="oak"), 10)
        with pytest.raises(NotFound):
            await notice_for(ports, person("dsl", school="riv"), notice_id)

    async def test_the_incident_shows_only_the_children_the_reader_may_see(self, world):
        ports, _, _ = world
        kai = {"forename": "Kai", "surname": "O'Brien", "date_of_birth": "2018-05-02"}
        siblings = notice(
            {**ZOE, "school_urn": "116789"},
            {**kai, "school_urn": "145210"},
            police_reference="22/999/26",
        )
        outcomes = await receive(ports, siblings)
        assert [outcome for _, outcome in outcomes] == ["matched", "matched"]
        incident_id = (await ports.store.notice(outcomes[0][0]))["incident_id"]

        seen_by_oak = await incident_notices(ports, OAK_DSL, incident_id)
        seen_by_trust = await incident_notices(ports, TRUST_LEAD, incident_id)
        assert [n["school_id"] for n in seen_by_oak] == ["oak"]
        assert sorted(n["school_id"] for n in seen_by_trust) == ["oak", "riv"]
        with pytest.raises(NotFound):
            await incident_notices(ports, person("admin", trust="severn"), incident_id)
        with pytest.raises(NotFound):
            await incident_notices(ports, person("dsl", school="hill"), incident_id)
