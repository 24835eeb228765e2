"""A DSL records what they know of the child: social worker, plan, care status, SEND,
private fostering, parental responsibility, the address and whether it is withheld
(PUT semantics: the same context again changes nothing). Each change is a new version,
kept with every earlier one on the case, with case.context.changed.v1 in the same write;
records adds it to the chronology and notification keeps the child's flags for alerts.

Reading it: the case's readers (the school's DSLs and headteacher, the trust lead); while
the address is withheld only the school's DSLs see an address (read_case.py)."""

from __future__ import annotations

from contracts.child_context import ChildContext
from services.case.domain import child_context
from services.case.domain.case_steps import actor_of
from services.case.ports import CasePorts
from services.case.usecases.case_file import case_of_pupil, case_to_change
from services.common.auth import Principal
from services.common.errors import InvalidFields
from services.common.store import Document


async def set_context(
    ports: CasePorts, principal: Principal, pupil_id: str, context: ChildContext
) -> Document:
    """The case as it is now (the DSL who wrote it sees every address)."""
    ref = await case_of_pupil(ports, principal, pupil_id)
    now = ports.clock.now()
    if problems := child_context.timing_problems(context, now, ports.clock.today()):
        raise InvalidFields(problems)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = case_to_change(edit, ref, now)
        current = case.get("context")
        changed = child_context.changed_parts(current, context)
        if current is not None and not changed:
            return case  # PUT again: nothing changed, nothing told
        version = child_context.new_version(
            case, context, changed=changed, by=principal.user_id, at=now
        )
        edit.set({"context": version, "last_activity_at": now})
        edit.push("context_history", version)
        edit.emit(child_context.changed_event(case, version, actor_of(principal)))
    return edit.document
