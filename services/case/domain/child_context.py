"""The child's context on their case: what the DSL knows of the child's social worker,
plan, care status, SEND, private fostering, who has parental responsibility and whether
the address is withheld. Kept on the case as it stands (`context`) and as every version
it has been (`context_history`), each change told by case.context.changed.v1 with the
whole context, what changed and the flags it gives.

While the address is withheld only the school's DSLs see an address; everyone else who
reads the case sees that it is withheld, and why. Pure code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from contracts import case_v1
from contracts.child_context import ChildContext, flags_of
from contracts.envelope import Actor, Envelope
from services.case.domain.case_steps import case_event, event_id_for
from services.case.domain.triage import CLOCK_SKEW


def timing_problems(context: ChildContext, now: datetime, today: date) -> list[tuple[str, str]]:
    """Dates that say something happened that has not happened yet."""
    problems = []
    plan = context.plan
    if plan is not None and plan.start_date is not None and plan.start_date > today:
        problems.append(("plan.start_date", "the plan's start date is in the future"))
    if context.send is not None and _future(context.send.senco_informed_at, now):
        problems.append(("send.senco_informed_at", "this time is in the future"))
    fostering = context.private_fostering
    if fostering is not None and _future(fostering.local_authority_notified_at, now):
        problems.append(
            ("private_fostering.local_authority_notified_at", "this time is in the future")
        )
    return problems


def _future(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment > now + CLOCK_SKEW


def stored(context: ChildContext) -> dict[str, Any]:
    """The context as the case keeps it (and the event carries it): JSON values."""
    return context.model_dump(mode="json")


def changed_parts(current: Mapping[str, Any] | None, new: ChildContext) -> list[str]:
    """The parts of the context this change touches, in the model's order (every part
    that is recorded, for the first context)."""
    before = dict((current or {}).get("context") or {})
    after = stored(new)
    if current is None:
        default = stored(ChildContext())
        return [name for name, value in after.items() if value != default[name]]
    return [name for name, value in after.items() if before.get(name) != value]


def new_version(
    case: Mapping[str, Any], context: ChildContext, *, changed: list[str], by: str, at: datetime
) -> dict[str, Any]:
    """The next version of the child's context, as kept on the case."""
    current = case.get("context") or {}
    return {
        "version": int(current.get("version", 0)) + 1,
        "context": stored(context),
        "changed": changed,
        "flags": [flag.value for flag in flags_of(context)],
        "changed_by": by,
        "changed_at": at,
    }


def changed_event(
    case: Mapping[str, Any], version: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.ContextChanged(
        pupil_id=case["pupil_id"],
        version=version["version"],
        context=ChildContext.model_validate(version["context"]),
        changed=version["changed"],
        flags=version["flags"],
        changed_at=version["changed_at"],
    )
    step = f"context:{case['school_id']}/{case['pupil_id']}:{version['version']}"
    return case_event(
        case,
        case_v1.CONTEXT_CHANGED,
        payload,
        step=step,
        actor=actor,
        at=version["changed_at"],
        correlation_id=event_id_for(case_v1.CONTEXT_CHANGED, step),  # the step is too long
    )


# -- the withheld address --------------------------------------------------------------------

WITHHELD = "withheld"


def address_withheld(context: Mapping[str, Any] | None) -> bool:
    return bool((context or {}).get("address_withheld"))


def without_address(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with every address replaced by "withheld" (the child's own, and those
    of the people with parental responsibility)."""
    shown = dict(context)
    if shown.get("address") is not None:
        shown["address"] = WITHHELD
    people = []
    for person in shown.get("parental_responsibility") or []:
        contact = dict(person.get("contact") or {})
        if contact.get("address") is not None:
            contact["address"] = WITHHELD
        people.append({**person, "contact": contact or None})
    shown["parental_responsibility"] = people
    return shown


def case_as_seen(case: Mapping[str, Any], sees_address: bool) -> dict[str, Any]:
    """The case with its context and every earlier version as the reader may see them:
    while the address is withheld by the context as it stands, only a DSL sees any address
    in any version (an earlier one may hold the address the child has just left)."""
    current = case.get("context")
    if sees_address or not address_withheld((current or {}).get("context")):
        return dict(case)
    return {
        **case,
        "context": {**current, "context": without_address(current["context"])},  # type: ignore[index]
        "context_history": [
            {**v, "context": without_address(v["context"])} for v in case.get("context_history", [])
        ],
    }
