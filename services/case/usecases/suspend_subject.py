"""The case manager records the adult's suspension (when, why), which starts
suspension-confirmation from its event, and then the written confirmation sent to the
adult, which meets it. Each is one write of the case with its event."""

from __future__ import annotations

from contracts import case_v1
from contracts.case_v1 import DeadlineRule
from services.case.domain import allegation_steps as steps
from services.case.domain.case_steps import actor_of, event_id_for, fingerprint, step_id
from services.case.domain.deadlines import deadline_id
from services.case.ports import CasePorts
from services.case.usecases.adult_case_file import adult_case_for, require_manager
from services.case.usecases.case_file import existing_case
from services.case.usecases.meet_deadline import meet_deadline
from services.case.usecases.refer_to_lado import Recorded
from services.common.auth import Principal
from services.common.errors import Conflict, InvalidFields
from services.common.store import Document


async def suspend_subject(
    ports: CasePorts,
    principal: Principal,
    case_id: str,
    request: steps.SuspensionRequest,
    idempotency_key: str | None = None,
) -> Document:
    seen = await adult_case_for(ports, principal, case_id)
    require_manager(seen, "record a suspension")
    now = ports.clock.now()
    if problems := steps.in_the_past("suspended_at", request.suspended_at, now, "a suspension"):
        raise InvalidFields(problems)
    suspension_id = step_id("susp", seen.case["school_id"], principal.user_id, idempotency_key)
    signature = fingerprint(request, case_id)
    async with ports.writer.edit(ports.store.adult_cases, case_id) as edit:
        case = existing_case(edit)
        earlier = case.get("suspension")
        if earlier is not None:
            if earlier["suspension_id"] == suspension_id and earlier["fingerprint"] == signature:
                return dict(earlier)  # this very suspension, retried
            raise Conflict("the suspension is recorded already")
        if refusal := steps.allegation_refusal(case, "a suspension"):
            raise Conflict(refusal)
        record = steps.suspension_record(
            request,
            suspension_id=suspension_id,
            by=principal.user_id,
            at=now,
            fingerprint=signature,
        )
        event_id = event_id_for(case_v1.ADULT_SUBJECT_SUSPENDED, suspension_id)
        confirmation = deadline_id(DeadlineRule.SUSPENSION_CONFIRMATION, event_id)
        edit.set(
            {
                "suspension": record,
                "deadline_ids": [*case.get("deadline_ids", []), confirmation],
                "last_activity_at": now,
            }
        )
        edit.emit(steps.suspended_event(case, record, actor_of(principal)))
    return record


async def confirm_suspension(
    ports: CasePorts,
    principal: Principal,
    case_id: str,
    request: steps.ConfirmationRequest,
    idempotency_key: str | None = None,
) -> Recorded:
    seen = await adult_case_for(ports, principal, case_id)
    require_manager(seen, "record the written confirmation")
    now = ports.clock.now()
    if problems := steps.in_the_past("sent_at", request.sent_at, now, "the confirmation"):
        raise InvalidFields(problems)
    confirmation_id = step_id("conf", seen.case["school_id"], principal.user_id, idempotency_key)
    signature = fingerprint(request, case_id)
    async with ports.writer.edit(ports.store.adult_cases, case_id) as edit:
        case = existing_case(edit)
        suspension = case.get("suspension")
        if suspension is None:
            raise Conflict("no suspension is recorded: record it first")
        record = suspension.get("confirmation")
        if record is not None:
            same = record["confirmation_id"] == confirmation_id
            if not same or record["fingerprint"] != signature:
                raise Conflict("the written confirmation is recorded already")
        else:
            record = steps.confirmation_record(
                request,
                confirmation_id=confirmation_id,
                by=principal.user_id,
                at=now,
                fingerprint=signature,
            )
            edit.set(
                {"suspension": {**suspension, "confirmation": record}, "last_activity_at": now}
            )
            edit.emit(steps.confirmed_event(case, suspension, record, actor_of(principal)))
    outcomes = await meet_deadline(
        ports,
        school_id=seen.case["school_id"],
        rule=DeadlineRule.SUSPENSION_CONFIRMATION,
        source_id=case_id,
        met_by=record["confirmation_id"],
        met_at=record["sent_at"],
    )
    return Recorded(record, outcomes[0] if outcomes else "pending")
