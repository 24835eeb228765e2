"""A DSL (or the trust) says which pupil an unmatched child is: the notice goes on exactly
as if it had matched (intake.encompass.notified.v1: alert, chronology, and the deadline
from when Harbour first received it)."""

from __future__ import annotations

import logging

from contracts.envelope import Actor
from services.common.auth import Principal
from services.common.errors import Invalid
from services.common.store import Document
from services.intake.domain.notice_access import may_match_to
from services.intake.domain.notice_matches import matched_fields
from services.intake.domain.notices import notified_event, resolution
from services.intake.ports import IntakePorts
from services.intake.usecases.read_notices import waiting_for

log = logging.getLogger("harbour.intake.encompass")


async def match_notice(
    ports: IntakePorts,
    principal: Principal,
    notice_id: str,
    pupil_id: str,
    school_id: str | None,
) -> Document:
    """`school_id` defaults to the caller's school, or to the school the police named."""
    store = ports.store
    async with ports.writer.edit(store.notices, notice_id) as notice:
        current = waiting_for(principal, notice.current)
        school_id = school_id or principal.school_id or current.get("named_school_id")
        if school_id is None:
            raise Invalid("school_id", "say which school the pupil is at")
        sender = await store.sender(current["sender_id"])
        allowed = frozenset(sender["trust_ids"]) if sender else frozenset()
        pupil = await store.candidate(school_id, pupil_id)
        if (
            pupil is None
            or pupil.trust_id not in allowed
            or not may_match_to(principal, school_id, pupil.trust_id)
        ):
            raise Invalid("pupil_id", "no such pupil at a school you may match to")
        now = ports.clock.now()
        changes = {
            **matched_fields(pupil, "manual", "matched by hand"),
            "resolution": resolution(principal, "matched", None, now),
        }
        notice.set(changes)
        actor = Actor(kind="user", id=principal.user_id, role=principal.primary_role)
        notice.emit(notified_event({**current, **changes}, actor, now))
    log.info(
        "encompass matched by hand", extra={"notification_id": notice_id, "school_id": school_id}
    )
    return notice.document
