"""A concern about an adult was raised (intake.adult_concern.raised.v1): its adult case is
opened and routed to its case manager, in one write with case.adult_case.opened.v1, from
which notification alerts the case manager and records starts the case's access and the
children's pointers. The case's id is fixed by the concern, so a redelivered event finds
it open and only makes sure it is listed."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import AdultConcernRaised
from services.case.domain.adult_cases import new_adult_case, opened_event, opening_access
from services.case.ports import CasePorts
from services.case.store_adult_cases import school_list, trust_list


async def open_adult_case(ports: CasePorts, event: Envelope[AdultConcernRaised]) -> bool:
    """False if the case was open already (a redelivery)."""
    concern = event.payload
    store = ports.store
    setting = await store.trust_setting(event.trust_id) or {}
    access = opening_access(concern.subject, setting.get("trust_lead_user_id"))
    async with ports.writer.edit(store.adult_cases, concern.case_id) as edit:
        opened = edit.current is None
        if opened:
            case = new_adult_case(event, access, opened_at=ports.clock.now())
            edit.create(case)
            edit.emit(opened_event({**case, "_id": concern.case_id}, event))
    # After the case, so a list never names a case that is not there; a redelivery after a
    # crash in between lists it then.
    for list_id in (school_list(event.school_id), trust_list(event.trust_id)):
        async with ports.writer.hold(store.adult_case_lists, [list_id]):
            await store.add_to_list(list_id, concern.case_id)
    return opened
