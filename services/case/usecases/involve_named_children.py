"""A concern names other pupils of the school with their part (victim, alleged
perpetrator, witness, other): each is linked to the concern's child as `same_incident`,
on both children's cases, and a case is opened for each named child who has none (a
closed case is not reopened: the DSL decides). The link's id is fixed by the concern's
event and the named child, so a redelivery adds nothing; the named child's side carries
their part. What the named child's file says of it is records' (their part only)."""

from __future__ import annotations

from contracts.child_vocabulary import LinkKind
from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised
from services.case.domain import links
from services.case.domain.case_steps import find
from services.case.ports import CasePorts
from services.case.usecases.case_file import CaseRef, case_to_change
from services.case.usecases.link_children import write_mirror


async def concern_named_children(ports: CasePorts, event: Envelope[ConcernRaised]) -> None:
    concern = event.payload
    child = CaseRef(event.trust_id, event.school_id, concern.pupil_id)
    for named in concern.other_pupils_involved:
        other = CaseRef(event.trust_id, event.school_id, named.pupil_id)
        side = await _childs_side(ports, event, child, other)
        await write_mirror(ports, child, other, side, event.actor, part=named.part, causation=event)


async def _childs_side(
    ports: CasePorts, event: Envelope[ConcernRaised], child: CaseRef, other: CaseRef
) -> dict[str, object]:
    """The concern's child's side of the link (written once)."""
    link_id = links.incident_link_id(event.event_id, other.pupil_id)
    now = ports.clock.now()
    async with ports.writer.edit(ports.store.cases, child.case_id) as edit:
        case = case_to_change(edit, child, now)
        side = find(case.get("links"), "link_id", link_id)
        if side is None:
            side = links.side(
                link_id,
                other_school_id=other.school_id,
                other_pupil_id=other.pupil_id,
                kind=LinkKind.SAME_INCIDENT,
                note=None,
                by=event.actor.id,
                at=event.payload.received_at,
                source_id=event.payload.concern_id,
            )
            edit.push("links", side)
            edit.emit(links.added_event(case, side, event.actor, causation=event))
    return side
