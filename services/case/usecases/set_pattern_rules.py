"""A school's pattern thresholds (domain/patterns.py): read by its safeguarding readers and
admins, changed by its DSL, its headteacher or the trust's safeguarding lead: they are a
safeguarding judgement, so a deputy DSL or an admin reads them but may not change them
(403). Another school's answer 404. A school that never set them uses the defaults.

PUT semantics: the same rules again change nothing; a change is stored with its admin
audit event (case.admin.action_recorded.v1) in one write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.admin_actions import AdminAction
from contracts.case_v1 import ADMIN_ACTION_RECORDED
from contracts.vocabulary import Role
from services.case.domain.case_access import CASE_READERS
from services.case.domain.patterns import DEFAULT_RULES, PatternRules
from services.case.ports import CasePorts
from services.common.access import school_in_reach
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.errors import Forbidden
from services.common.store import Document

RULE_READERS = CASE_READERS | {Role.ADMIN}
RULE_EDITORS = frozenset({Role.DSL, Role.HEADTEACHER, Role.TRUST_SAFEGUARDING_LEAD})


@dataclass(frozen=True)
class SchoolRules:
    school_id: str
    rules: PatternRules
    updated_by: str | None  # None: the defaults, never changed
    updated_at: datetime | None


async def read_pattern_rules(ports: CasePorts, principal: Principal, school_id: str) -> SchoolRules:
    school_in_reach(principal, school_id, await ports.store.school(school_id), RULE_READERS)
    return _school_rules(school_id, await ports.store.pattern_rules_of(school_id))


async def set_pattern_rules(
    ports: CasePorts, principal: Principal, school_id: str, rules: PatternRules
) -> SchoolRules:
    school = school_in_reach(
        principal, school_id, await ports.store.school(school_id), RULE_READERS
    )
    if not principal.has_any(RULE_EDITORS):
        raise Forbidden("the DSL, the headteacher or the trust's safeguarding lead sets these")
    now = ports.clock.now()
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.PATTERN_RULES_REPLACED,
        object_id=school_id,
        trust_id=school["trust_id"],
        school_id=school_id,
        at=now,
        details={"rules_on": sum(1 for _, rule in rules if rule.enabled)},
    )
    stored, _ = await ports.writer.put(
        ports.store.pattern_rules,
        school_id,
        {"rules": rules.model_dump(mode="json")},
        lambda _: [audited],
        meta={"updated_by": principal.user_id, "updated_at": now},
        defaults={"trust_id": school["trust_id"], "school_id": school_id},
    )
    ports.store.pattern_rules_cache.forget(school_id)
    return _school_rules(school_id, stored)


async def rules_of(ports: CasePorts, school_id: str) -> PatternRules:
    """The rules the school's children are watched by."""
    return _school_rules(school_id, await ports.store.pattern_rules_of(school_id)).rules


def _school_rules(school_id: str, stored: Document | None) -> SchoolRules:
    if stored is None:
        return SchoolRules(school_id, DEFAULT_RULES, None, None)
    return SchoolRules(
        school_id,
        PatternRules.model_validate(stored["rules"]),
        stored.get("updated_by"),
        stored.get("updated_at"),
    )
