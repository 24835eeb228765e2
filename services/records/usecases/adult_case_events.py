"""What records does with the events of an adult case: every step (the concern itself,
with its words, and each of case's steps) is appended to the adult case's own chronology,
keyed by the event's id so a redelivery adds nothing; the case's opening and each change
of who may see it keep its access; its opening leaves a content-free pointer in the file
of each child involved; and every read of adult cases in case joins each case's access
log."""

from __future__ import annotations

from typing import Any

from contracts.adult_cases import AdultCaseAccessChanged, AdultCaseOpened, AdultCasesRead
from contracts.envelope import Envelope
from services.records.domain.adult_file import (
    AdultChainRef,
    adult_access,
    adult_entry,
    case_id_of,
    pointer_entry,
)
from services.records.domain.child_file import chain_id
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef, append


async def adult_step(ports: RecordsPorts, event: Envelope[Any]) -> bool:
    """False if the event was recorded already."""
    ref = AdultChainRef(case_id_of(event), event.trust_id, event.school_id)
    record = adult_entry(event, recorded_at=ports.clock.now())
    appended = await append(ports, ports.store.adult_files, ref, record, key=event.event_id)
    return appended.created


async def adult_case_opened(ports: RecordsPorts, event: Envelope[AdultCaseOpened]) -> bool:
    opened = event.payload
    await _keep_access(ports, event, opened.case_id, opened.access.model_dump(mode="json"))
    for pupil_id in opened.children_involved:
        ref = ChainRef(
            chain_id(event.school_id, pupil_id), event.trust_id, event.school_id, pupil_id
        )
        record = pointer_entry(event, pupil_id, recorded_at=ports.clock.now())
        await append(ports, ports.store.pointers, ref, record, key=event.event_id)
    return await adult_step(ports, event)


async def adult_access_changed(
    ports: RecordsPorts, event: Envelope[AdultCaseAccessChanged]
) -> bool:
    changed = event.payload
    await _keep_access(ports, event, changed.case_id, changed.access.model_dump(mode="json"))
    return await adult_step(ports, event)


async def adult_cases_read(ports: RecordsPorts, event: Envelope[AdultCasesRead]) -> None:
    read = event.payload
    for case_id in read.case_ids:
        known = await ports.store.adult_access(case_id)
        school_id = known["school_id"] if known else event.school_id
        ref = AdultChainRef(case_id, event.trust_id, school_id)
        record = adult_access(
            f"{read.view}.read",
            user_id=read.user_id,
            roles=read.roles,
            at=read.read_at,
            ref=ref,
        )
        await append(ports, ports.store.adult_access_log, ref, record, key=event.event_id)


async def _keep_access(
    ports: RecordsPorts, event: Envelope[Any], case_id: str, access: dict[str, Any]
) -> None:
    store = ports.store
    tenant = {"trust_id": event.trust_id, "school_id": event.school_id}
    async with ports.writer.hold(store.adult_case_access, [case_id]):
        await store.keep_adult_access(case_id, tenant, access)
