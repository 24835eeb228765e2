"""The case manager names the DSLs who work the case with them (PUT: the whole list). The
access changes in one write with case.adult_case.access_changed.v1, from which records
learns who may read the case's chronology and see the children's pointers. The subject
cannot be named on their own case."""

from __future__ import annotations

from services.case.domain import adult_cases
from services.case.domain.case_steps import actor_of
from services.case.ports import CasePorts
from services.case.usecases.adult_case_file import adult_case_for, require_manager
from services.case.usecases.case_file import existing_case
from services.common.auth import Principal
from services.common.errors import Invalid
from services.common.store import Document


async def name_dsls(
    ports: CasePorts, principal: Principal, case_id: str, request: adult_cases.NamedDslsRequest
) -> Document:
    """The case's access as it now is."""
    seen = await adult_case_for(ports, principal, case_id)
    require_manager(seen, "name DSLs on the case")
    if problem := adult_cases.naming_problem(seen.case, request):
        raise Invalid("user_ids", problem)
    now = ports.clock.now()
    async with ports.writer.edit(ports.store.adult_cases, case_id) as edit:
        case = existing_case(edit)
        access = adult_cases.with_named_dsls(case["access"], request.user_ids)
        if access is None:
            return dict(case["access"])
        edit.set({"access": access, "last_activity_at": now})
        edit.emit(adult_cases.access_changed_event(case, access, actor_of(principal), now))
    return access
