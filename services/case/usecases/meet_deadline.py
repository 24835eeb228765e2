"""A deadline is met: by a DSL's triage decision (dsl-triage) or by a Key Adult's
acknowledgement of a police notification's alert (encompass-before-school).

The meeting may arrive before the deadline it meets (the alert is acknowledged before case
has consumed the police notification): it is then remembered as an early meet and the
deadline is created met. Each side checks for the other after its own write, so neither
order loses it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from contracts import notification_v1
from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from services.case.domain import deadline_phases
from services.case.domain.deadlines import early_meet_key
from services.case.ports import CasePorts
from services.common.document_edit import DocumentEdit
from services.common.store import Document


async def meet_deadline(
    ports: CasePorts,
    *,
    school_id: str,
    rule: DeadlineRule,
    source_id: str,
    met_by: str,
    met_at: datetime,
) -> list[str]:
    """Meet the deadlines of `rule` for `source_id`; what each now is ("met", or "breached"
    when too late). None yet: the meeting is remembered for when they arrive."""
    outcomes = await _meet_all(ports, school_id, rule, source_id, met_by, met_at)
    if outcomes:
        return outcomes
    key = early_meet_key(school_id, rule, source_id)
    await ports.store.remember_early_meet(key, school_id, met_by, met_at)
    return await _meet_all(ports, school_id, rule, source_id, met_by, met_at)


async def police_alert_acknowledged(
    ports: CasePorts, event: Envelope[notification_v1.AlertAcknowledged]
) -> None:
    """A Key Adult knows of the police notification: encompass-before-school is met. A
    concern's triage deadline is met by a triage decision, not by acknowledging its alert."""
    ack = event.payload
    if ack.source_type != notification_v1.AlertSource.ENCOMPASS:
        return
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
        source_id=ack.source_id,
        met_by=event.event_id,
        met_at=ack.acknowledged_at,
    )


async def apply_early_meet(ports: CasePorts, deadline: Document) -> None:
    """Meet a deadline just stored if its meeting came first."""
    key = early_meet_key(
        deadline["school_id"], DeadlineRule(deadline["rule"]), deadline["source_id"]
    )
    early = await ports.store.early_meet(key)
    if early is not None:
        await _meet(ports, deadline["_id"], early["met_by"], early["met_at"])


async def apply_early_meets(ports: CasePorts, deadlines: Sequence[Document]) -> None:
    """`apply_early_meet` for many deadlines just stored, in one read."""
    keys = {
        early_meet_key(d["school_id"], DeadlineRule(d["rule"]), d["source_id"]): d["_id"]
        for d in deadlines
    }
    for key, early in (await ports.store.early_meets_of(list(keys))).items():
        await _meet(ports, keys[key], early["met_by"], early["met_at"])


async def _meet_all(
    ports: CasePorts,
    school_id: str,
    rule: DeadlineRule,
    source_id: str,
    met_by: str,
    met_at: datetime,
) -> list[str]:
    ids = await ports.store.deadline_ids_for(school_id, rule, source_id)
    return [await _meet(ports, deadline_id, met_by, met_at) for deadline_id in ids]


async def _meet(ports: CasePorts, deadline_id: str, met_by: str, met_at: datetime) -> str:
    async with ports.writer.edit(ports.store.deadlines, deadline_id) as deadline:
        outcome = _meet_edit(ports, deadline, met_by, met_at)
    if outcome == "met":
        ports.metrics.phase_reached(deadline.document["rule"], "met")
    return outcome


def _meet_edit(ports: CasePorts, deadline: DocumentEdit, met_by: str, met_at: datetime) -> str:
    current = deadline.current
    if current is None:
        return "absent"
    if current["status"] != "open":
        late = deadline_phases.met_late(current, met_by, met_at)
        if late:
            deadline.set(late)
        return str(current["status"])
    deadline.set(deadline_phases.met(met_by, met_at))
    deadline.emit(deadline_phases.phase_event(current, "met", at=ports.clock.now(), met_by=met_by))
    # Cleared after the write that closes the deadline (services.common.timers).
    deadline.after_write(lambda: ports.store.look_at_deadline(deadline.id, None))
    return "met"
