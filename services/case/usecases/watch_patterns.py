"""Pattern watch: every concern, police notification, referral and case closure about a
child joins the child's watch, and the school's pattern rules (domain/patterns.py) are
run over it. A pattern found is told by case.pattern.detected.v1, written with the watch in
one write under its lock, so two replicas (or a redelivery) cannot tell it twice; its id
is fixed by the child, the rule and what made it fire. notification alerts the DSL;
records adds it to the chronology."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts import case_v1, intake_v1
from contracts.envelope import Envelope
from services.case.domain import patterns
from services.case.domain.case_steps import case_event
from services.case.domain.cases import case_key
from services.case.ports import CasePorts
from services.case.usecases.set_pattern_rules import rules_of
from services.common.document_edit import DocumentEdit


async def concern_raised(ports: CasePorts, event: Envelope[intake_v1.ConcernRaised]) -> None:
    concern = event.payload
    categories = [c.value for c in concern.categories]
    seen = patterns.item("concern", concern.concern_id, concern.received_at, categories)
    await watch(ports, event, concern.pupil_id, seen)


async def police_notification_received(
    ports: CasePorts, event: Envelope[intake_v1.EncompassNotified]
) -> None:
    notice = event.payload
    seen = patterns.item("police_notification", notice.notification_id, notice.received_at)
    await watch(ports, event, notice.pupil_id, seen)


async def referral_made(ports: CasePorts, event: Envelope[case_v1.ReferralMade]) -> None:
    referral = event.payload
    seen = patterns.item("referral", referral.referral_id, referral.made_at)
    await watch(ports, event, referral.pupil_id, seen)


async def case_closed(ports: CasePorts, event: Envelope[case_v1.CaseClosed]) -> None:
    closure = event.payload
    seen = patterns.item("closure", closure.closure_id, closure.closed_at)
    await watch(ports, event, closure.pupil_id, seen)


async def police_notifications_received(
    ports: CasePorts, events: Sequence[Envelope[intake_v1.EncompassNotified]]
) -> None:
    """A police batch's children of one school (services.common.together): their watches
    read in one query and written in one bulk write (writer.edit_many)."""
    rules = await rules_of(ports, events[0].school_id)
    keys = [case_key(event.school_id, event.payload.pupil_id) for event in events]
    async with ports.writer.edit_many(ports.store.pattern_watch, keys) as edits:
        for key, event in zip(keys, events, strict=True):
            notice = event.payload
            seen = patterns.item("police_notification", notice.notification_id, notice.received_at)
            _add_to_watch(ports, edits[key], event, notice.pupil_id, seen, rules)


async def watch(
    ports: CasePorts, event: Envelope[BaseModel], pupil_id: str, seen: Mapping[str, Any]
) -> list[patterns.Detection]:
    """Add what happened to the child's watch; the patterns it completes."""
    rules = await rules_of(ports, event.school_id)
    async with ports.writer.edit(
        ports.store.pattern_watch, case_key(event.school_id, pupil_id)
    ) as edit:
        return _add_to_watch(ports, edit, event, pupil_id, seen, rules)


def _add_to_watch(
    ports: CasePorts,
    edit: DocumentEdit,
    event: Envelope[BaseModel],
    pupil_id: str,
    seen: Mapping[str, Any],
    rules: patterns.PatternRules,
) -> list[patterns.Detection]:
    """The watch's change (and the events of what it completes) on an edit that may
    already hold another of the batch's events for the same child."""
    child = {"trust_id": event.trust_id, "school_id": event.school_id, "pupil_id": pupil_id}
    state = edit.document if edit.changed else edit.current
    current = state or {}
    items = current.get("items", [])
    if patterns.knows(items, seen["kind"], seen["id"]):
        return []  # a redelivery: watched already
    items = patterns.with_item(items, seen)
    fired = current.get("fired", {})
    found = patterns.detect(event.school_id, pupil_id, items, fired, rules)
    changes = {"items": items, "fired": patterns.fired_now(fired, found, items)}
    if state is None:
        edit.create({**child, **changes})
    else:
        edit.set(changes)
    now = ports.clock.now()
    edit.emit(*(_detected_event(child, d, now, event) for d in found))
    return found


def _detected_event(
    child: Mapping[str, str],
    detection: patterns.Detection,
    now: datetime,
    cause: Envelope[BaseModel],
) -> Envelope[BaseModel]:
    payload = case_v1.PatternDetected(
        pupil_id=child["pupil_id"],
        detection_id=detection.detection_id,
        rule=detection.rule,
        count=detection.count,
        threshold=detection.threshold,
        window_days=detection.window_days,
        window_start=detection.window_start,
        source_ids=detection.source_ids,
        detected_at=now,
    )
    return case_event(
        child,
        case_v1.PATTERN_DETECTED,
        payload,
        step=detection.detection_id,
        at=now,
        causation=cause,
    )
