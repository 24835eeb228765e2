"""Who sees which deadlines: a school's DSLs see its own, a trust lead every school of the
trust; anyone else is told there is no such school."""

import pytest

from contracts.vocabulary import Role
from services.case.usecases.list_deadlines import DeadlineQuery, list_deadlines
from services.case.usecases.start_deadline import concern_raised
from services.common.auth import Principal
from services.common.errors import NotFound
from tests.support import case_world
from tests.support.case_world import DSL, ELM, OAK, STAFF, person


async def test_the_schools_dsls_and_its_trust_lead_list_its_deadlines():
    ports, _ = await case_world.memory_case()
    await concern_raised(ports, case_world.concern_raised(ports.clock.now()))
    lead = Principal("lead-1", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, OAK.trust_id)

    assert len(await list_deadlines(ports, DSL, DeadlineQuery())) == 1
    assert len(await list_deadlines(ports, lead, DeadlineQuery(status="open"))) == 1
    assert await list_deadlines(ports, DSL, DeadlineQuery(pupil_id="P2")) == []
    assert await list_deadlines(ports, person("dsl-2", Role.DSL, ELM), DeadlineQuery()) == []
    with pytest.raises(NotFound):
        await list_deadlines(ports, STAFF, DeadlineQuery())
    with pytest.raises(NotFound):
        await list_deadlines(ports, DSL, DeadlineQuery(school_id=ELM.school_id))
