"""A DSL links two children of their school (siblings, the same household, the same
incident, the victim and the alleged perpetrator), or removes a link with a reason. A
link is symmetric: it is written on both children's cases, one write per case (each with
its case.link.added.v1 or case.link.removed.v1), the second side said from the other
child's view. Linking again what is linked is the same link.

A link to a pupil of another school is refused unless the caller is the trust-wide
safeguarding lead and both schools are in their trust. Should a process stop between the
two writes, the first side's event makes sure of the second (`mirror_added`,
`mirror_removed`, consumed from case.links)."""

from __future__ import annotations

from pydantic import BaseModel

from contracts import case_v1
from contracts.child_vocabulary import Part
from contracts.envelope import Actor, Envelope
from contracts.vocabulary import Role
from services.case.domain import links
from services.case.domain.case_access import may_write
from services.case.domain.case_steps import actor_of, find, fingerprint, replaced, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import CaseRef, as_before, case_to_change, existing_case
from services.common.auth import Principal
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.store import Document

TRUST_LEAD = frozenset({Role.TRUST_SAFEGUARDING_LEAD})
ACROSS_SCHOOLS = "only the trust's safeguarding lead may link children of two schools"


async def link_children(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: links.LinkRequest,
    idempotency_key: str | None = None,
    school_id: str | None = None,
) -> Document:
    """This child's side of the link, as stored."""
    this = await _child_in_reach(ports, principal, pupil_id, school_id)
    other_school = request.other_school_id or this.school_id
    if other_school != this.school_id and not _trust_lead(principal):
        raise Forbidden(ACROSS_SCHOOLS)
    other = await _pupil_ref(ports, principal, other_school, request.other_pupil_id)
    if other is None:
        raise Invalid("other_pupil_id", "no pupil with this id at that school")
    if other.case_id == this.case_id:
        raise Invalid("other_pupil_id", "a child cannot be linked to themselves")
    now = ports.clock.now()
    link_id = step_id("lnk", this.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, this.school_id, pupil_id)
    actor = actor_of(principal)
    async with ports.writer.edit(ports.store.cases, this.case_id) as edit:
        case = case_to_change(edit, this, now)
        earlier = find(case.get("links"), "link_id", link_id)
        same = links.active_link(case, other.school_id, other.pupil_id, request.kind)
        if as_before(earlier, signature):
            side = earlier
        elif same is not None:
            side = same  # linked already: the same link
        else:
            side = links.side(
                link_id,
                other_school_id=other.school_id,
                other_pupil_id=other.pupil_id,
                kind=request.kind,
                note=request.note,
                by=principal.user_id,
                at=now,
                fingerprint=signature,
            )
            edit.push("links", side)
            edit.set({"last_activity_at": now})
            edit.emit(links.added_event(case, side, actor))
    assert side is not None
    await write_mirror(ports, this, other, side, actor)
    return side


async def remove_link(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    link_id: str,
    request: links.LinkRemoval,
    school_id: str | None = None,
) -> Document:
    """This child's side of the link, removed (removing it again answers as before)."""
    this = await _child_in_reach(ports, principal, pupil_id, school_id)
    now = ports.clock.now()
    actor = actor_of(principal)
    async with ports.writer.edit(ports.store.cases, this.case_id) as edit:
        case = existing_case(edit)
        link = find(case.get("links"), "link_id", link_id)
        if link is None:
            raise NotFound("link")
        if link["other_school_id"] != this.school_id and not _trust_lead(principal):
            raise Forbidden(ACROSS_SCHOOLS)
        if link["status"] == "active":
            link = links.removed(link, request.reason, by=principal.user_id, at=now)
            edit.set({"links": replaced(case["links"], "link_id", link), "last_activity_at": now})
            edit.emit(links.removed_event(case, link, actor))
    other = CaseRef(this.trust_id, link["other_school_id"], link["other_pupil_id"])
    await write_mirror_removal(ports, this, other, link, actor)
    return link


# -- the second side ------------------------------------------------------------------------


async def write_mirror(
    ports: CasePorts,
    this: CaseRef,
    other: CaseRef,
    side: Document,
    actor: Actor,
    *,
    part: str | None = None,
    causation: Envelope[BaseModel] | None = None,
) -> None:
    """The other child's side of the link, if it is not there yet (opening their case if
    they have none)."""
    now = ports.clock.now()
    async with ports.writer.edit(ports.store.cases, other.case_id) as edit:
        case = case_to_change(edit, other, now)
        if find(case.get("links"), "link_id", side["link_id"]) is not None:
            return
        mirror = links.mirrored(
            side,
            school_id=this.school_id,
            pupil_id=this.pupil_id,
            part=Part(part) if part else None,
        )
        edit.push("links", mirror)
        edit.set({"last_activity_at": now})
        edit.emit(links.added_event(case, mirror, actor, causation))


async def write_mirror_removal(
    ports: CasePorts, this: CaseRef, other: CaseRef, removed: Document, actor: Actor
) -> None:
    async with ports.writer.edit(ports.store.cases, other.case_id) as edit:
        case = edit.current
        mirror = find((case or {}).get("links"), "link_id", removed["link_id"])
        if case is None or mirror is None or mirror["status"] != "active":
            return
        gone = links.removed(
            mirror, removed["removal_reason"], by=removed["removed_by"], at=removed["removed_at"]
        )
        edit.set({"links": replaced(case["links"], "link_id", gone)})
        edit.emit(links.removed_event(case, gone, actor))


async def mirror_added(ports: CasePorts, event: Envelope[case_v1.LinkAdded]) -> None:
    """One side of a link was written: make sure of the other."""
    added = event.payload
    this = CaseRef(event.trust_id, event.school_id, added.pupil_id)
    other = CaseRef(event.trust_id, added.other_school_id, added.other_pupil_id)
    side = links.side(
        added.link_id,
        other_school_id=added.other_school_id,
        other_pupil_id=added.other_pupil_id,
        kind=added.kind,
        note=added.note,
        by=event.actor.id,
        at=added.added_at,
        source_id=added.source_id,
    )
    await write_mirror(ports, this, other, side, event.actor, causation=event)


async def mirror_removed(ports: CasePorts, event: Envelope[case_v1.LinkRemoved]) -> None:
    gone = event.payload
    this = CaseRef(event.trust_id, event.school_id, gone.pupil_id)
    other = CaseRef(event.trust_id, gone.other_school_id, gone.other_pupil_id)
    removed = {
        "link_id": gone.link_id,
        "removal_reason": gone.reason,
        "removed_by": event.actor.id,
        "removed_at": gone.removed_at,
    }
    await write_mirror_removal(ports, this, other, removed, event.actor)


# -- who may link whom ----------------------------------------------------------------------


def _trust_lead(principal: Principal) -> bool:
    return principal.trust_wide and principal.has_any(TRUST_LEAD)


def _dsl_at(principal: Principal, school_id: str | None) -> bool:
    """A DSL of their own school (naming no other)."""
    own = principal.school_id
    return own is not None and may_write(principal, own) and school_id in (None, own)


async def _child_in_reach(
    ports: CasePorts, principal: Principal, pupil_id: str, school_id: str | None
) -> CaseRef:
    """The child whose case the caller links from: a pupil of a DSL's own school, or, for
    the trust lead, of the school they name in their trust."""
    if _trust_lead(principal):
        if school_id is None:
            raise Invalid("school_id", "name the child's school")
    elif not _dsl_at(principal, school_id):
        raise NotFound("pupil")
    ref = await _pupil_ref(ports, principal, school_id or principal.school_id or "", pupil_id)
    if ref is None:
        raise NotFound("pupil")
    return ref


async def _pupil_ref(
    ports: CasePorts, principal: Principal, school_id: str, pupil_id: str
) -> CaseRef | None:
    """A pupil (on the roll case knows, or with a case) of a school the caller reaches."""
    school = await ports.store.school(school_id)
    if school is None or not principal.may_act_at(school_id, school["trust_id"], principal.roles):
        return None
    known = await ports.store.pupil(school_id, pupil_id) or await ports.store.case(
        school_id, pupil_id
    )
    if known is None:
        return None
    return CaseRef(school["trust_id"], school_id, pupil_id)
