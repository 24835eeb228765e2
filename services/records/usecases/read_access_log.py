"""Who has read a child's file: the access log, for the school's DSLs, its headteacher
and the trust safeguarding lead, with the log's own chain check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.vocabulary import Role
from services.common.auth import SAFEGUARDING_READERS, Principal
from services.records.domain.chain import Head, Verdict, verify
from services.records.ports import RecordsPorts
from services.records.usecases.file_access import open_file

ACCESS_LOG_READERS = SAFEGUARDING_READERS | {Role.HEADTEACHER}


@dataclass(frozen=True)
class AccessLog:
    pupil_id: str
    school_id: str
    entries: list[dict[str, Any]]  # newest first
    verdict: Verdict


async def read_access_log(
    ports: RecordsPorts, principal: Principal, pupil_id: str, school_id: str | None = None
) -> AccessLog:
    opened = await open_file(
        ports, principal, pupil_id, school_id, ACCESS_LOG_READERS, entries=False
    )
    chains = ports.store.access
    head = await chains.head(opened.ref.id)
    stored = await chains.entries(opened.ref.id, int(head["seq"])) if head else []
    verdict = verify(stored, Head.of(head))
    entries = [{"seq": e["seq"], "hash": e["hash"], **(e.get("record") or {})} for e in stored]
    return AccessLog(pupil_id, opened.school_id, list(reversed(entries)), verdict)
