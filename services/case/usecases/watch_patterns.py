"""Pattern watch: every concern, police notification, referral and case closure about a
child joins the child's watch, and the school's pattern rules (domain/patterns.py) are
run over it. A pattern found is told by case.pattern.detected.v1, written with the watch in
one write under its lock, so two replicas (or a redelivery) cannot tell it twice; its id
is fixed by the child, the rule and what made it fire. notification alerts the DSL;
records adds it to the chronology."""

from __future__ import annotations

from collections.abc import Mapping
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


async def watch(
    ports: CasePorts, event: Envelope[BaseModel], pupil_id: str, seen: Mapping[str, Any]
) -> list[patterns.Detection]:
    """Add what happened to the child's watch; the patterns it completes."""
    rules = await rules_of(ports, event.school_id)
    child = {"trust_id": event.trust_id, "school_id": event.school_id, "pupil_id": pupil_id}
    async with ports.writer.edit(
        ports.store.pattern_watch, case_key(event.school_id, pupil_id)
    ) as edit:
        current = edit.current or {}
        items = current.get("items", [])
        if patterns.knows(items, seen["kind"], seen["id"]):
            return []  # a redelivery: watched already
        items = patterns.with_item(items, seen)
        fired = current.get("fired", {})
        found = patterns.detect(event.school_id, pupil_id, items, fired, rules)
        state = {"items": items, "fired": patterns.fired_now(fired, found, items)}
        if edit.current is None:
            edit.create({**child, **state})
        else:
            edit.set(state)
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
