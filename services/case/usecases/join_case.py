"""A concern or police notification about a child joins the child's case: the first opens
it; one about a closed case reopens it and says so (case.reopened.v1, in the same write). A
concern with FGM discovered puts the duty to report it to the police on the teacher who
recorded it. Every step is idempotent: a redelivered event completes what the first
delivery began and adds nothing twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel

from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised
from services.case.domain import fgm
from services.case.domain.case_steps import find
from services.case.domain.cases import SourceKind, case_key, new_case, source_joined
from services.case.ports import CasePorts


async def join_case(
    ports: CasePorts, source: Envelope[BaseModel], kind: SourceKind, source_id: str
) -> bool:
    """Whether the source joined the case now (False: it had, a redelivery)."""
    store, now = ports.store, ports.clock.now()
    pupil_id = source.subject.id
    async with ports.writer.edit(store.cases, case_key(source.school_id, pupil_id)) as edit:
        changes, events = source_joined(
            edit.current, source, kind=kind, source_id=source_id, now=now
        )
        duty = _fgm_duty(source)
        if changes and duty is not None:
            duties = (edit.current or {}).get("fgm_duties", [])
            if find(duties, "concern_id", source_id) is None:
                changes["fgm_duties"] = [*duties, fgm.duty(source_id, *duty)]
        if edit.current is None:
            edit.create(
                {**new_case(source.trust_id, source.school_id, pupil_id, opened_at=now), **changes}
            )
        elif changes:
            edit.set(changes)
        edit.emit(*events)
    joined = bool(changes)
    # The FGM duty's pointer after the case (a pointer to nothing is answered 404); a
    # redelivery writes it if the first delivery did not. A concern's case is found from
    # its triage deadline (CaseFileQueries.case_of).
    if duty is not None:
        await store.add_fgm_duty(
            fgm.duty_pointer(source.trust_id, source.school_id, pupil_id, source_id, *duty)
        )
    return joined


async def join_cases(
    ports: CasePorts, sources: Sequence[tuple[Envelope[BaseModel], str]], kind: SourceKind
) -> None:
    """`join_case` for a police batch's children of one school, (source, source id) each:
    their cases read in one query and written in one bulk write (writer.edit_many). Only
    for sources that carry no FGM duty and no pointer (a concern has both)."""
    if kind == "concern":
        raise ValueError("concerns join their cases one by one (pointers, FGM duties)")
    now = ports.clock.now()
    keys = [case_key(source.school_id, source.subject.id) for source, _ in sources]
    async with ports.writer.edit_many(ports.store.cases, keys) as edits:
        for key, (source, source_id) in zip(keys, sources, strict=True):
            edit = edits[key]
            state = edit.document if edit.changed else edit.current  # a child named twice
            changes, events = source_joined(state, source, kind=kind, source_id=source_id, now=now)
            if state is None:
                opened = new_case(
                    source.trust_id, source.school_id, source.subject.id, opened_at=now
                )
                edit.create({**opened, **changes})
            elif changes:
                edit.set(changes)
            edit.emit(*events)


def _fgm_duty(source: Envelope[BaseModel]) -> tuple[str, datetime] | None:
    """Who must report FGM to the police, and since when: the teacher who recorded it."""
    concern = source.payload
    if isinstance(concern, ConcernRaised) and concern.fgm_discovered:
        return concern.reported_by.user_id, concern.received_at
    return None
