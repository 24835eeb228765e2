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
from services.common.errors import Forbidden, NotFound
from services.common.ids import ID_PATTERN
from services.common.store import Document
from services.records.domain.admin_audit import admin_entry, logs_of, school_log, trust_log
from services.records.ports import RecordsPorts

MAX_PAGE = 200


class AdminAuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    school_id: str | None = Field(default=None, pattern=ID_PATTERN)
    before: int | None = Field(default=None, ge=2, description="`next` of the page before")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)


@dataclass(frozen=True)
class AdminAuditPage:
    entries: list[Document]  # newest first
    next: int | None  # the `before` of the next (older) page, if there is one


async def record_admin_action(ports: RecordsPorts, event: Envelope[AdminActionRecorded]) -> bool:
    """Keep the action and put it in its trust's and school's lists; False if it was all
    done already (a redelivery)."""
    entry = admin_entry(event)
    stored = await ports.store.add_admin_entry(entry)
    missing = [log for log in logs_of(entry) if log not in stored["listed"]]
    for log in missing:
        await ports.store.append_to_admin_log(log, entry)
    if missing:
        await ports.store.mark_admin_entry_listed(entry["_id"], logs_of(entry))
    return bool(missing)


async def read_admin_audit(
    ports: RecordsPorts, principal: Principal, query: AdminAuditQuery
) -> AdminAuditPage:
    if Role.ADMIN not in principal.roles:
        raise Forbidden("only administrators read the admin audit log")
    if principal.school_id is not None:
        if query.school_id not in (None, principal.school_id):
            raise NotFound("school")
        log = school_log(principal.school_id)
    elif principal.trust_id is not None:
        log = school_log(query.school_id) if query.school_id else trust_log(principal.trust_id)
    else:
        raise NotFound("school")
    entries, older = await ports.store.admin_log_page(log, query.before, query.limit)
    if principal.school_id is None and any(e["trust_id"] != principal.trust_id for e in entries):
        raise NotFound("school")  # a school of another trust: the same as none at all
    # Lists are in the order records heard of the actions; actions on two services a moment
    # apart may arrive the other way round, so a page is shown by when they happened.
    return AdminAuditPage(sorted(entries, key=lambda e: e["at"], reverse=True), older)
