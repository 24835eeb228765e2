"""A DSL records that an action was done, and how. Two completions racing each other: the
second to take the case's lock finds it done (409). Its timer is cleared after the write."""

from __future__ import annotations

from services.case.domain import actions
from services.case.domain.case_steps import actor_of, find, fingerprint, replaced
from services.case.ports import CasePorts
from services.case.usecases.case_file import case_holding, existing_case
from services.common.auth import Principal
from services.common.errors import Conflict, NotFound
from services.common.store import Document


async def complete_action(
    ports: CasePorts, principal: Principal, action_id: str, request: actions.ActionCompletion
) -> Document:
    """The action as completed (a retry of the same completion: as completed then)."""
    ref = await case_holding(ports, principal, "action", action_id)
    now = ports.clock.now()
    signature = fingerprint(request, action_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id, ordered=True) as edit:
        case = existing_case(edit)
        action = find(case.get("actions"), "action_id", action_id)
        if action is None:
            raise NotFound("action")
        if refusal := actions.completion_refusal(action, signature):
            raise Conflict(refusal)
        if action["status"] == "done":
            return action  # this very completion, retried
        done = actions.completed(
            action, request, by=principal.user_id, at=now, fingerprint=signature
        )
        edit.set({"actions": replaced(case["actions"], "action_id", done), "last_activity_at": now})
        edit.emit(actions.completed_event(case, done, actor_of(principal)))
        timer = actions.timer_key(ref.case_id, action_id)
        edit.after_write(lambda: ports.store.look_at_action(timer, None))
    return done
