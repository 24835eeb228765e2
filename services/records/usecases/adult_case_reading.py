"""Reading an adult case's file in records: its chronology (every step with its full
content, the concern's words first), its check, and its access log. Open to whoever may
see the case (services/common/adult_access.py): its case manager and the DSLs they named;
the subject, and anyone else, is told there is no such case. Every read of the
chronology is appended to the case's access log before the answer goes out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from services.common.adult_access import adult_case_role
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document
from services.records.domain.adult_file import ADULT_CHAIN, AdultChainRef, adult_access
from services.records.domain.chain import GENESIS, Head, Verdict, verify
from services.records.domain.timeline import timeline
from services.records.ports import RecordsPorts
from services.records.store_chains import ChainStore
from services.records.usecases.chain_append import append


@dataclass(frozen=True)
class OpenedCase:
    access: Document  # adult_case_access: school, trust and who may see it
    role: str
    ref: AdultChainRef


@dataclass(frozen=True)
class AdultChronology:
    case_id: str
    school_id: str
    entries: list[dict[str, Any]]  # domain/timeline.py items, earliest first
    head: str
    verdict: Verdict


async def open_adult_case(ports: RecordsPorts, principal: Principal, case_id: str) -> OpenedCase:
    known = await ports.store.adult_access(case_id)
    role = (
        adult_case_role(principal, known["school_id"], known["trust_id"], known["access"])
        if known is not None
        else None
    )
    if known is None or role is None:
        raise NotFound("adult case")
    return OpenedCase(known, role, AdultChainRef(case_id, known["trust_id"], known["school_id"]))


async def read_adult_chronology(
    ports: RecordsPorts, principal: Principal, case_id: str
) -> AdultChronology:
    opened = await open_adult_case(ports, principal, case_id)
    # The read is logged while the entries are read: both must succeed for an answer.
    (stored, verdict), _ = await asyncio.gather(
        _entries(ports.store.adult_files, case_id),
        _log(ports, principal, opened, "chronology.read"),
    )
    return AdultChronology(
        case_id,
        opened.ref.school_id,
        timeline({ADULT_CHAIN: stored}),
        verdict.head if stored else GENESIS,
        verdict,
    )


async def read_adult_access_log(
    ports: RecordsPorts, principal: Principal, case_id: str
) -> tuple[list[dict[str, Any]], Verdict]:
    """Newest first, with the log's own check. For the case manager."""
    opened = await open_adult_case(ports, principal, case_id)
    if opened.role != "manager":
        raise NotFound("adult case")
    await _log(ports, principal, opened, "access_log.read")
    stored, verdict = await _entries(ports.store.adult_access_log, case_id)
    entries = [{"seq": e["seq"], "hash": e["hash"], **(e.get("record") or {})} for e in stored]
    return list(reversed(entries)), verdict


async def _entries(chains: ChainStore, chain: str) -> tuple[list[dict[str, Any]], Verdict]:
    head = await chains.head(chain)
    stored = await chains.entries(chain, int(head["seq"])) if head else []
    return stored, verify(stored, Head.of(head))


async def _log(ports: RecordsPorts, principal: Principal, opened: OpenedCase, action: str) -> None:
    record = adult_access(
        action,
        user_id=principal.user_id,
        roles=sorted(principal.roles),
        at=ports.clock.now(),
        ref=opened.ref,
    )
    await append(ports, ports.store.adult_access_log, opened.ref, record)
