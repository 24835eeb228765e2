"""Pattern watch: the patterns in a child's recent events that a DSL must act on (1.13: a
child who repeatedly goes missing; 1.21: "failing to re-assess" is poor practice).

- repeated concerns: `count` concerns about the child within `window_days`, with no
  referral made in that time (default 3 in 30 days);
- missing education: `count` concerns in the missing-education categories within
  `window_days` (default 3 in 60 days, category `missing_education`);
- police notifications: `count` Operation Encompass notifications within `window_days`
  (default 2 in 90 days);
- concern after closure: a concern within `window_days` of the case being closed (default 30).

Each school may change the thresholds (PUT /v1/schools/{id}/pattern-rules). A rule fires at
most once per child in any span of its window (the concern-after-closure rule once per
closure); its detection id is fixed by the child, the rule and what made it fire, so
replicas and redeliveries cannot make two.

The watch keeps, per child, only what the rules need: the time and kind of each concern
(with its categories), police notification, referral and closure. Pure code."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.child_vocabulary import PatternRule
from contracts.vocabulary import Category

ItemKind = Literal["concern", "police_notification", "referral", "closure"]
LONGEST_WINDOW_DAYS = 365
# A child's watch keeps at most this many events (newest first kept): no rule needs more
# than its count within its window, and a child with more in a year is well known already.
MAX_ITEMS = 200
_DETECTIONS = uuid.UUID("2e8b6f0a-7c14-4d93-a5e1-3f9c0b8d7a62")


class CountRule(BaseModel):
    """`count` events within `window_days`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    count: int = Field(ge=2, le=50, description="how many make a pattern (2 or more)")
    window_days: int = Field(ge=1, le=LONGEST_WINDOW_DAYS)


class CategoryRule(CountRule):
    categories: list[Category] = Field(
        default_factory=lambda: [Category.MISSING_EDUCATION], min_length=1, max_length=10
    )

    @field_validator("categories")
    @classmethod
    def _no_repeats(cls, value: list[Category]) -> list[Category]:
        if len(set(value)) != len(value):
            raise ValueError("a category is listed twice")
        return value


class ClosureRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    window_days: int = Field(ge=1, le=LONGEST_WINDOW_DAYS)


class PatternRules(BaseModel):
    """A school's thresholds: the body of PUT /v1/schools/{school_id}/pattern-rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repeated_concerns: CountRule = CountRule(count=3, window_days=30)
    missing_education: CategoryRule = CategoryRule(count=3, window_days=60)
    police_notifications: CountRule = CountRule(count=2, window_days=90)
    concern_after_closure: ClosureRule = ClosureRule(window_days=30)


DEFAULT_RULES = PatternRules()


@dataclass(frozen=True)
class Detection:
    rule: PatternRule
    detection_id: str
    count: int
    threshold: int
    window_days: int
    window_start: datetime
    source_ids: list[str]
    key: str  # what made it fire: the newest event counted, or the closure


# -- the child's window ----------------------------------------------------------------------


def item(
    kind: ItemKind, item_id: str, at: datetime, categories: Sequence[str] = ()
) -> dict[str, Any]:
    return {"kind": kind, "id": item_id, "at": at, "categories": list(categories)}


def with_item(items: Sequence[Mapping[str, Any]], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The watch's events with `new` added (once: a redelivery adds nothing), oldest first,
    without those no rule can look back to."""
    kept = [dict(i) for i in items if (i["kind"], i["id"]) != (new["kind"], new["id"])]
    kept.append(dict(new))
    kept.sort(key=lambda i: i["at"])
    newest = kept[-1]["at"]
    horizon = newest - timedelta(days=LONGEST_WINDOW_DAYS)
    return [i for i in kept if i["at"] >= horizon][-MAX_ITEMS:]


def knows(items: Sequence[Mapping[str, Any]], kind: ItemKind, item_id: str) -> bool:
    return any((i["kind"], i["id"]) == (kind, item_id) for i in items)


# -- the rules ---------------------------------------------------------------------------------


def detect(
    school_id: str,
    pupil_id: str,
    items: Sequence[Mapping[str, Any]],
    fired: Mapping[str, Mapping[str, Any]],
    rules: PatternRules,
) -> list[Detection]:
    """The patterns the child's events make now that have not fired in their window."""
    found: list[Detection | None] = []
    concerns = [i for i in items if i["kind"] == "concern"]
    if rules.repeated_concerns.enabled:
        referrals = [i for i in items if i["kind"] == "referral"]
        found.append(
            _count_rule(
                PatternRule.REPEATED_CONCERNS,
                concerns,
                rules.repeated_concerns,
                fired,
                unless=lambda start, end: any(start <= r["at"] <= end for r in referrals),
            )
        )
    if rules.missing_education.enabled:
        wanted = {c.value for c in rules.missing_education.categories}
        missing = [c for c in concerns if wanted & set(c.get("categories", []))]
        found.append(
            _count_rule(PatternRule.MISSING_EDUCATION, missing, rules.missing_education, fired)
        )
    if rules.police_notifications.enabled:
        police = [i for i in items if i["kind"] == "police_notification"]
        found.append(
            _count_rule(PatternRule.POLICE_NOTIFICATIONS, police, rules.police_notifications, fired)
        )
    if rules.concern_after_closure.enabled:
        closures = [i for i in items if i["kind"] == "closure"]
        found.append(_after_closure(concerns, closures, rules.concern_after_closure, fired))
    return [
        _with_id(school_id, pupil_id, detection) for detection in found if detection is not None
    ]


def _count_rule(
    rule: PatternRule,
    events: Sequence[Mapping[str, Any]],
    setting: CountRule,
    fired: Mapping[str, Mapping[str, Any]],
    unless: Any = None,
) -> Detection | None:
    """`setting.count` events within the window ending at the newest one; not again
    within a window of the last time it fired."""
    if not events:
        return None
    newest = events[-1]
    window = timedelta(days=setting.window_days)
    last = fired.get(rule.value)
    if last is not None and newest["at"] < last["at"] + window:
        return None
    counted = [e for e in events if newest["at"] - window < e["at"] <= newest["at"]]
    if len(counted) < setting.count:
        return None
    if unless is not None and unless(counted[0]["at"], newest["at"]):
        return None
    return Detection(
        rule=rule,
        detection_id="",
        count=len(counted),
        threshold=setting.count,
        window_days=setting.window_days,
        window_start=newest["at"] - window,
        source_ids=[e["id"] for e in counted],
        key=newest["id"],
    )


def _after_closure(
    concerns: Sequence[Mapping[str, Any]],
    closures: Sequence[Mapping[str, Any]],
    setting: ClosureRule,
    fired: Mapping[str, Mapping[str, Any]],
) -> Detection | None:
    """The newest concern within the window after the latest closure before it; once per
    closure."""
    if not concerns:
        return None
    concern = concerns[-1]
    before = [c for c in closures if c["at"] <= concern["at"]]
    if not before:
        return None
    closure = before[-1]
    window = timedelta(days=setting.window_days)
    if concern["at"] - closure["at"] > window:
        return None
    last = fired.get(PatternRule.CONCERN_AFTER_CLOSURE.value)
    if last is not None and last.get("key") == closure["id"]:
        return None
    return Detection(
        rule=PatternRule.CONCERN_AFTER_CLOSURE,
        detection_id="",
        count=1,
        threshold=1,
        window_days=setting.window_days,
        window_start=closure["at"],
        source_ids=[closure["id"], concern["id"]],
        key=closure["id"],
    )


def _with_id(school_id: str, pupil_id: str, detection: Detection) -> Detection:
    name = f"{school_id}/{pupil_id}\x1f{detection.rule.value}\x1f{detection.key}"
    return Detection(
        **{**detection.__dict__, "detection_id": f"pat_{uuid.uuid5(_DETECTIONS, name).hex}"}
    )


def fired_now(
    fired: Mapping[str, Mapping[str, Any]],
    detections: Sequence[Detection],
    items: Sequence[Mapping[str, Any]],
) -> dict[str, dict[str, Any]]:
    """When each rule last fired, with these detections: at the time of the newest event
    they counted."""
    at_of = {i["id"]: i["at"] for i in items}
    now = {rule: dict(last) for rule, last in fired.items()}
    for d in detections:
        moment = at_of[d.source_ids[-1]]
        now[d.rule.value] = {"at": moment, "key": d.key, "detection_id": d.detection_id}
    return now
