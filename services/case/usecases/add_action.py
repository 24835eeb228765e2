"""A DSL adds an action to a child's case: what, who owns it, and by when. The action and
case.action.added.v1 are one write; the action's timer (when it falls overdue) is set before
that write, under the case's lock, so a crash leaves at worst a timer with nothing to do."""

from __future__ import annotations

from services.case.domain import actions
from services.case.domain.case_steps import actor_of, find, fingerprint, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import (
    as_before,
    case_of_pupil,
    case_to_change,
    require_open,
)
from services.common.auth import Principal
from services.common.errors import Invalid
from services.common.store import Document


async def add_action(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: actions.ActionRequest,
    idempotency_key: str | None = None,
) -> Document:
    """The action as stored (a retry with the same key: as stored the first time)."""
    ref = await case_of_pupil(ports, principal, pupil_id)
    if problem := actions.due_problem(request, ports.clock.today()):
        raise Invalid("due_on", problem)
    now = ports.clock.now()
    action_id = step_id("act", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, pupil_id)
    overdue_from = actions.overdue_at(request.due_on, await ports.store.calendar_of(ref.school_id))
    async with ports.writer.edit(ports.store.cases, ref.case_id, ordered=True) as edit:
        case = case_to_change(edit, ref, now)
        earlier = find(case.get("actions"), "action_id", action_id)
        if as_before(earlier, signature):
            return earlier  # type: ignore[return-value]
        require_open(case, "adding an action")
        action = actions.new_action(
            request,
            action_id=action_id,
            overdue_from=overdue_from,
            added_by=principal.user_id,
            added_at=now,
            fingerprint=signature,
        )
        await ports.store.point("action", ref.school_id, action_id, case)
        await ports.store.look_at_action(actions.timer_key(ref.case_id, action_id), overdue_from)
        edit.push("actions", action)
        edit.set({"last_activity_at": now})
        edit.emit(actions.added_event(case, action, actor_of(principal)))
    return action
