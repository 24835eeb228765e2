"""Retention review and disposal.

`retention_review`: the school's closed files (the child left with a file) whose retention
has passed, for the headteacher and DSLs to decide on; nothing is deleted automatically.
`dispose_file`: the headteacher or a DSL, giving a reason, removes the content of every
entry of a file due for disposal; a disposal entry says what was removed and why, and the
chain still verifies. Disposal runs under the file's lock; asked again after a crash, it
finishes what it began."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal
from services.common.errors import Conflict, NotFound
from services.records.domain.child_file import chain_id
from services.records.domain.retention import (
    DisposalRequest,
    date_of_birth,
    disposal_entry,
    retention_due,
)
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import append_held, hold_chain
from services.records.usecases.file_access import log_principal_access, open_file
from services.records.usecases.file_reading import load_file

RETENTION_ROLES = DSL_ROLES | {Role.HEADTEACHER}


@dataclass(frozen=True)
class DueFile:
    pupil_id: str
    date_of_birth: str | None
    retention_due: str | None
    entries: int


async def retention_review(
    ports: RecordsPorts, principal: Principal, school_id: str | None = None
) -> list[DueFile]:
    scope = principal.tenant_filter(school_id)
    if scope is None or not principal.has_any(RETENTION_ROLES):
        raise NotFound("school")
    school_id = scope.get("school_id", school_id)
    school = await ports.store.school(school_id) if school_id else None
    if school_id is None or (
        principal.trust_wide and (school or {}).get("trust_id") != principal.trust_id
    ):
        raise NotFound("school")
    today = ports.clock.today()
    due: list[DueFile] = []
    for pupil_id in await ports.store.closed_pupils(school_id):
        born = date_of_birth(await ports.store.child(school_id, pupil_id))
        until = retention_due(born, ports.policy.retention_years) if born else None
        if until is not None and until > today:
            continue
        head = await ports.store.files.head(chain_id(school_id, pupil_id))
        if head is None or head.get("disposed_at"):
            continue
        due.append(
            DueFile(
                pupil_id,
                born.isoformat() if born else None,
                until.isoformat() if until else None,
                int(head["seq"]),
            )
        )
    return due


async def dispose_file(
    ports: RecordsPorts, principal: Principal, pupil_id: str, request: DisposalRequest
) -> int:
    """How many entries lost their content."""
    opened = await open_file(ports, principal, pupil_id, None, RETENTION_ROLES)
    if opened.file is None:
        raise NotFound("child")
    if pupil_id not in await ports.store.closed_pupils(opened.school_id):
        raise Conflict("the file is not closed: the child has not left the school")
    born = date_of_birth(opened.child)
    if born is None:
        raise Conflict("the child's date of birth is not known: retention cannot be worked out")
    until = retention_due(born, ports.policy.retention_years)
    if until > ports.clock.today():
        raise Conflict(f"the file must be kept until {until.isoformat()}")
    files = ports.store.files
    async with hold_chain(files, opened.ref):
        current = await load_file(files, opened.school_id, pupil_id)
        assert current is not None
        removed = {name: len(entries) for name, entries in current.chains.items() if entries}
        record = disposal_entry(
            removed,
            request,
            principal,
            trust_id=opened.trust_id,
            school_id=opened.school_id,
            pupil_id=pupil_id,
            at=ports.clock.now(),
        )
        await append_held(ports, files, opened.ref, record, key="disposal")
        stripped = 0
        for name, through in removed.items():
            stripped += await files.strip_records(
                chain_id(opened.school_id, pupil_id, name), through
            )
        await files.mark_disposed(opened.ref.id, ports.clock.now())
    await log_principal_access(
        ports, principal, opened, "file.disposed", detail={"entries_removed": stripped}
    )
    return stripped
