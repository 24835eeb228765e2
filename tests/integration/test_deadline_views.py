"""Who sees which deadlines, and in what order."""

from datetime import timedelta

from contracts.envelope import utc_now
from tests.support.api import School, bearer, eventually, token
from tests.support.broker import publish_raw
from tests.support.events import concern_raised


async def _concern_due_in(stack, school: School, pupil: str, minutes: int) -> str:
    received = utc_now() - timedelta(minutes=60 - minutes)
    event = concern_raised(school, pupil, received_at=received)
    await publish_raw(
        stack.rabbit_url, event.event_type, event.model_dump_json().encode(), event.event_id
    )
    return event.payload.concern_id


async def test_the_trust_lead_sees_every_school_of_the_trust_soonest_first(clients, stack):
    north = await School.register(clients.intake, name="North Primary")
    south = await School.register(clients.intake, trust_id=north.trust_id, name="South Primary")
    elsewhere = await School.register(clients.intake)
    later = await _concern_due_in(stack, north, await north.add_pupil(), minutes=50)
    sooner = await _concern_due_in(stack, south, await south.add_pupil(), minutes=40)
    hidden = await _concern_due_in(stack, elsewhere, await elsewhere.add_pupil(), minutes=30)
    lead = bearer(token("lead-1", "trust_safeguarding_lead", trust=north.trust_id))

    async def listed():
        response = await clients.case.get("/v1/deadlines", headers=lead, params={"status": "open"})
        return [d["source_id"] for d in response.json()["deadlines"]]

    seen = await eventually(listed, lambda ids: {later, sooner} <= set(ids))
    north_only = await clients.case.get(
        "/v1/deadlines", headers=lead, params={"school_id": north.school_id}
    )
    dsl_view = await clients.case.get("/v1/deadlines", headers=north.dsl)

    assert seen.index(sooner) < seen.index(later)
    assert hidden not in seen
    assert [d["source_id"] for d in north_only.json()["deadlines"]] == [later]
    assert [d["source_id"] for d in dsl_view.json()["deadlines"]] == [later]


async def test_a_trust_lead_of_another_trust_sees_nothing(clients, stack, school: School):
    await _concern_due_in(stack, school, await school.add_pupil(), minutes=50)
    outsider = bearer(token("lead-2", "trust_safeguarding_lead", trust="another-trust"))

    by_school = await clients.case.get(
        "/v1/deadlines", headers=outsider, params={"school_id": school.school_id}
    )
    everything = await clients.case.get("/v1/deadlines", headers=outsider)

    assert by_school.json()["deadlines"] == []
    assert everything.json()["deadlines"] == []
