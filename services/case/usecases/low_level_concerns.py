"""The low-level concerns log: a concern decided low-level joins its adult's log (once,
however often it is told), and a third within 12 months alerts the case manager through
case.adult_case.low_level_pattern.v1, written with the entry that completes the pattern
(domain/low_level_log.py has the rule). The log is read by those who may see the cases in
it: each entry shows to whoever may see its case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts import case_v1
from contracts.adult_cases import AdultCaseAccess, LowLevelPattern
from services.case.domain.adult_cases import adult_event
from services.case.domain.low_level_log import log_id, logged, new_pattern
from services.case.ports import CasePorts
from services.case.store_adult_cases import low_level_list
from services.case.usecases.adult_case_file import record_read, seen_as
from services.common.auth import Principal
from services.common.store import Document

MAX_ADULTS = 500  # the adults most recently entered in a school's log


async def log_low_level(
    ports: CasePorts, case: Mapping[str, Any], decision: Mapping[str, Any]
) -> bool:
    """False if the case was in its adult's log already."""
    store, school_id = ports.store, case["school_id"]
    log = log_id(school_id, case["adult_key"])
    async with ports.writer.edit(store.low_level_logs, log) as edit:
        current = edit.current
        if current is None:
            current = {
                "trust_id": case["trust_id"],
                "school_id": school_id,
                "adult_key": case["adult_key"],
                "subject": case["subject"],
                "entries": [],
                "patterns": [],
            }
            edit.create(current)
        added = not logged(current["entries"], case["_id"])
        if added:
            entry = {
                "case_id": case["_id"],
                "occurred_at": case["occurred_at"],
                "decided_at": decision["decided_at"],
            }
            edit.push("entries", entry)
            edit.set({"subject": case["subject"]})  # as the latest concern names them
            entries = [*current["entries"], entry]
            pattern = new_pattern(log, entries, current["patterns"], case["_id"])
            if pattern is not None:
                found = {
                    "pattern_id": pattern.pattern_id,
                    "case_id": case["_id"],
                    "case_ids": pattern.case_ids,
                    "first_occurred_at": pattern.first_occurred_at,
                    "last_occurred_at": pattern.last_occurred_at,
                    "detected_at": ports.clock.now(),
                }
                edit.push("patterns", found)
                edit.emit(_pattern_event(case, found))
    async with ports.writer.hold(store.adult_case_lists, [low_level_list(school_id)]):
        await store.add_to_list(low_level_list(school_id), case["adult_key"])
    return added


def _pattern_event(case: Mapping[str, Any], found: Mapping[str, Any]) -> Any:
    payload = LowLevelPattern(
        pattern_id=found["pattern_id"],
        case_id=found["case_id"],
        case_ids=found["case_ids"],
        first_occurred_at=found["first_occurred_at"],
        last_occurred_at=found["last_occurred_at"],
        access=AdultCaseAccess.model_validate(case["access"]),
        detected_at=found["detected_at"],
    )
    return adult_event(
        case,
        case_v1.ADULT_LOW_LEVEL_PATTERN,
        payload,
        step=found["pattern_id"],
        at=found["detected_at"],
    )


@dataclass(frozen=True)
class AdultLog:
    """One adult's low-level concerns, as far as the caller may see them."""

    log: Document
    cases: list[Document]  # oldest first
    patterns: list[Document]


async def read_low_level_log(ports: CasePorts, principal: Principal) -> list[AdultLog]:
    """The school's low-level concerns log: every adult with a concern the caller may see."""
    if principal.school_id is None:
        return []  # the log is per school; a trust lead reads each case from the list
    store = ports.store
    keys = await store.listed(low_level_list(principal.school_id))  # oldest first
    logs = await store.low_level_logs_by_id(
        log_id(principal.school_id, k) for k in keys[-MAX_ADULTS:]
    )
    wanted = [e["case_id"] for log in logs for e in log["entries"]]
    cases = {c["_id"]: c for c in await store.adult_cases_by_id(wanted)}
    found: list[AdultLog] = []
    for log in logs:
        mine = [
            cases[e["case_id"]]
            for e in sorted(log["entries"], key=lambda e: e["occurred_at"])
            if e["case_id"] in cases and seen_as(principal, cases[e["case_id"]])
        ]
        if mine:
            shown = {c["_id"] for c in mine}
            patterns = [p for p in log["patterns"] if p["case_id"] in shown]
            found.append(AdultLog(log, mine, patterns))
    found.sort(key=lambda a: a.cases[-1]["occurred_at"], reverse=True)
    await record_read(ports, principal, [c for a in found for c in a.cases], "low_level_log")
    return found
