"""The admin audit log: keeping what intake, case and notification report, and reading it.

A trust-wide admin reads the whole trust's log (or one school's); a school's admin reads
the school's (not the trust-wide actions, such as Encompass senders). Anyone else may not
read it, and another school or trust is not found."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from contracts.admin_actions import AdminActionRecorded
from contracts.envelope import Envelope
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.ids import ID_PATTERN
from services.common.store import Document
from services.records.domain.admin_audit import admin_entry
from services.records.domain.cursors import BadCursor, make_cursor, read_cursor
from services.records.ports import RecordsPorts

MAX_PAGE = 200


class AdminAuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    school_id: str | None = Field(default=None, pattern=ID_PATTERN)
    before: str | None = Field(default=None, max_length=300, description="`next` of a page")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)


@dataclass(frozen=True)
class AdminAuditPage:
    entries: list[Document]  # newest first
    next: str | None  # the `before` of the next (older) page, if there may be one


async def record_admin_action(ports: RecordsPorts, event: Envelope[AdminActionRecorded]) -> bool:
    """False if the event was logged already."""
    return await ports.store.add_admin_entry(admin_entry(event))


async def read_admin_audit(
    ports: RecordsPorts, principal: Principal, query: AdminAuditQuery
) -> AdminAuditPage:
    if Role.ADMIN not in principal.roles:
        raise Forbidden("only administrators read the admin audit log")
    scope = principal.tenant_filter(query.school_id)
    if scope is None:
        raise NotFound("school")
    try:
        before = read_cursor(query.before) if query.before else None
    except BadCursor as exc:
        raise Invalid("before", str(exc)) from None
    entries = await ports.store.admin_entries(scope, before, query.limit)
    more = len(entries) == query.limit
    older = make_cursor(entries[-1]["at"], entries[-1]["_id"]) if more else None
    return AdminAuditPage(entries, older)
