"""A DSL notes a conversation, phone call, meeting or strategy discussion about a child:
kept on the case, never changed, and told by case.note.added.v1 in the same write. A closed
case still takes notes (what is heard after closure belongs on the file)."""

from __future__ import annotations

from services.case.domain import notes
from services.case.domain.case_steps import actor_of, find, fingerprint, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import as_before, case_of_pupil, case_to_change
from services.common.auth import Principal
from services.common.errors import Invalid
from services.common.store import Document


async def add_note(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: notes.NoteRequest,
    idempotency_key: str | None = None,
) -> Document:
    ref = await case_of_pupil(ports, principal, pupil_id)
    now = ports.clock.now()
    if problem := notes.timing_problem(request, now):
        raise Invalid("occurred_at", problem)
    note_id = step_id("note", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, pupil_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = case_to_change(edit, ref, now)
        earlier = find(case.get("notes"), "note_id", note_id)
        if as_before(earlier, signature):
            return earlier  # type: ignore[return-value]
        note = notes.new_note(
            request,
            note_id=note_id,
            added_by=principal.user_id,
            added_at=now,
            fingerprint=signature,
        )
        edit.push("notes", note)
        edit.set({"last_activity_at": now})
        edit.emit(notes.added_event(case, note, actor_of(principal)))
    return note
