"""A trust names its trust safeguarding lead as a case manager of concerns about adults,
alongside the headteacher (or the chair): a per-trust setting, read when each case opens.
A trust-wide admin sets it; the change is audited like every change to a trust's set-up
(case.admin.action_recorded.v1, in the same write)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from contracts.admin_actions import AdminAction
from contracts.adult_cases import UserId
from contracts.case_v1 import ADMIN_ACTION_RECORDED
from contracts.vocabulary import Role
from services.case.ports import CasePorts
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.errors import NotFound

SETTERS = frozenset({Role.ADMIN})
READERS = SETTERS | {Role.TRUST_SAFEGUARDING_LEAD}


class AllegationSettings(BaseModel):
    """The body of PUT /v1/trusts/{trust_id}/allegation-settings."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    trust_lead_user_id: UserId | None = None


def _trust_of(principal: Principal, trust_id: str, roles: frozenset[Role]) -> None:
    if not (principal.trust_wide and principal.trust_id == trust_id and principal.has_any(roles)):
        raise NotFound("trust")


async def set_allegation_settings(
    ports: CasePorts, principal: Principal, trust_id: str, settings: AllegationSettings
) -> dict[str, Any]:
    _trust_of(principal, trust_id, SETTERS)
    state = {"trust_id": trust_id, "trust_lead_user_id": settings.trust_lead_user_id}
    now = ports.clock.now()
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.ALLEGATION_SETTINGS_CHANGED,
        object_id=trust_id,
        trust_id=trust_id,
        school_id=None,
        at=now,
        details={"trust_lead_named": settings.trust_lead_user_id is not None},
    )
    await ports.writer.put(
        ports.store.trust_settings,
        trust_id,
        state,
        lambda _: [audited],
        meta={"updated_at": now, "updated_by": principal.user_id},
    )
    return state


async def read_allegation_settings(
    ports: CasePorts, principal: Principal, trust_id: str
) -> dict[str, Any]:
    _trust_of(principal, trust_id, READERS)
    stored = await ports.store.trust_setting(trust_id) or {}
    return {"trust_id": trust_id, "trust_lead_user_id": stored.get("trust_lead_user_id")}
