"""The retention review of adult cases: the closed cases the caller manages whose keeping
time has passed (a malicious allegation's at once), with the outcome and why they are
due. Nothing is deleted automatically; the list is read, and the read is logged."""

from __future__ import annotations

from services.case.domain.allegation_outcome import due_for_review
from services.case.ports import CasePorts
from services.case.usecases.adult_case_file import SeenCase, record_read
from services.case.usecases.read_adult_cases import visible_cases
from services.common.auth import Principal


async def adult_retention_review(ports: CasePorts, principal: Principal) -> list[SeenCase]:
    today = ports.clock.today()
    due = [
        s
        for s in await visible_cases(ports, principal)
        if s.role == "manager" and due_for_review(s.case, today)
    ]
    await record_read(ports, principal, [s.case for s in due], "retention_review")
    return due
