"""The child's context, as use cases: a DSL records it, every change a version with its
event, kept as history; the same context again changes nothing; readers other than the
DSLs never see a withheld address; bad dates and other schools are refused."""

from datetime import timedelta

import pytest

from contracts.case_v1 import CONTEXT_CHANGED
from contracts.child_context import ChildContext
from contracts.registry import decode
from contracts.vocabulary import Role
from services.case.usecases.read_case import read_case
from services.case.usecases.set_context import set_context
from services.common.errors import InvalidFields, NotFound
from tests.support import case_world
from tests.support.case_world import DEPUTY, DSL, ELM, HEAD, STAFF, TRUST_LEAD, on_roll, person
from tests.support.memory import outbox_of

SEND = {"send": {"ehcp": True}}
REFUGE = {
    "address": "The refuge",
    "address_withheld": {"reason": "Fled domestic abuse; the father must not find them."},
    "parental_responsibility": [
        {
            "name": "Jo Hart",
            "relationship": "mother",
            "contact": {"phone": "07700 900123", "address": "The refuge"},
            "has_parental_responsibility": True,
        }
    ],
}


async def _world():
    ports, relay = await case_world.memory_case()
    await on_roll(ports)
    return ports, relay


async def _events(ports):
    case = await ports.store.cases.find_one({"_id": "oak/P1"})
    return [decode(e["body"].encode()) for e in case["outbox"]]


async def test_each_change_is_a_version_with_its_event_and_the_history_keeps_every_one():
    ports, _ = await _world()
    first = await set_context(ports, DSL, "P1", ChildContext.model_validate(SEND))
    ports.clock.advance(days=1)
    same = await set_context(ports, DSL, "P1", ChildContext.model_validate(SEND))
    plan = {"plan": {"kind": "child_protection", "category": "neglect", "start_date": "2026-03-01"}}
    second = await set_context(ports, DEPUTY, "P1", ChildContext.model_validate({**SEND, **plan}))

    assert first["context"]["version"] == 1 and same["context"]["version"] == 1
    assert second["context"]["version"] == 2
    assert [v["changed"] for v in second["context_history"]] == [["send"], ["plan"]]
    assert second["context"]["changed_by"] == "deputy-1"
    assert await outbox_of(ports.store.cases, "oak/P1") == [CONTEXT_CHANGED, CONTEXT_CHANGED]
    told = (await _events(ports))[-1]
    assert told.actor.id == "deputy-1" and told.payload.version == 2
    assert [f.value for f in told.payload.flags] == ["child_protection_plan", "send"]
    assert told.payload.context.send.ehcp is True  # the whole context, not only the change


async def test_a_context_opens_the_case_of_a_child_with_none():
    ports, _ = await _world()
    case = await set_context(ports, DSL, "P1", ChildContext(young_carer=True))
    assert case["status"] == "open" and case["context"]["changed"] == ["young_carer"]


async def test_a_withheld_address_is_read_by_the_dsls_only():
    ports, _ = await _world()
    await set_context(ports, DSL, "P1", ChildContext.model_validate(REFUGE))

    for dsl in (DSL, DEPUTY):
        seen = await read_case(ports, dsl, "P1")
        assert seen["context"]["context"]["address"] == "The refuge"
    for reader, school in ((HEAD, None), (TRUST_LEAD, "oak")):
        seen = await read_case(ports, reader, "P1", school)
        assert "The refuge" not in str(seen)
        assert seen["context"]["context"]["address"] == "withheld"
        assert seen["context"]["context"]["address_withheld"]["reason"].startswith("Fled")


async def test_dates_in_the_future_are_refused_naming_them_and_nothing_is_stored():
    ports, _ = await _world()
    later = (ports.clock.now() + timedelta(days=3)).isoformat()
    body = {"send": {"ehcp": False, "senco_informed_at": later}}
    with pytest.raises(InvalidFields) as refused:
        await set_context(ports, DSL, "P1", ChildContext.model_validate(body))
    assert refused.value.field == "send.senco_informed_at"
    assert await ports.store.case("oak", "P1") is None


async def test_only_the_schools_dsls_record_it():
    ports, _ = await _world()
    for who in (STAFF, HEAD, TRUST_LEAD, person("dsl-9", Role.DSL, ELM)):
        with pytest.raises(NotFound):
            await set_context(ports, who, "P1", ChildContext(young_carer=True))
    with pytest.raises(NotFound):
        await set_context(ports, DSL, "nobody", ChildContext(young_carer=True))
