"""Who may open a child's file, and the access log every opening is written to.

A school's safeguarding roles read their own school's files; the trust safeguarding lead
reads any school's of their trust, naming the school. Anyone else, and a child outside the
caller's school or trust, is told there is no such child: the same answer whether it does
not exist or is someone else's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document
from services.records.domain.audit import access
from services.records.domain.child_file import chain_id
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef, append
from services.records.usecases.file_reading import StoredFile, load_file


@dataclass(frozen=True)
class OpenedFile:
    pupil_id: str
    school_id: str
    trust_id: str
    child: Document | None  # what intake told us of the pupil, if anything yet
    file: StoredFile | None  # None: nothing recorded about the child yet

    @property
    def ref(self) -> ChainRef:
        return ChainRef(
            chain_id(self.school_id, self.pupil_id), self.trust_id, self.school_id, self.pupil_id
        )


async def open_file(
    ports: RecordsPorts,
    principal: Principal,
    pupil_id: str,
    school_id: str | None,
    roles: Iterable[Role],
    *,
    entries: bool = True,
) -> OpenedFile:
    """`entries=False`: only the file's head is read (enough to know whose it is)."""
    scope = principal.tenant_filter(school_id)
    if scope is None or not principal.has_any(roles):
        raise NotFound("child")
    school_id = scope.get("school_id", school_id)
    if school_id is None:
        raise NotFound("child")  # trust-wide, no school named: pupil ids are per school
    child = await ports.store.child(school_id, pupil_id)
    if child is not None and any(child.get(k) != v for k, v in scope.items()):
        child = None
    if entries:
        file = await load_file(ports.store.files, school_id, pupil_id)
    else:
        head = await ports.store.files.head(chain_id(school_id, pupil_id))
        file = StoredFile(head, {}) if head is not None else None
    if file is not None and any(file.head.get(k) != v for k, v in scope.items()):
        file = None
    found = child or (file.head if file else None)
    if found is None:
        raise NotFound("child")
    return OpenedFile(pupil_id, school_id, found["trust_id"], child, file)


async def log_access(
    ports: RecordsPorts,
    opened: OpenedFile,
    action: str,
    *,
    user_id: str,
    roles: Iterable[str],
    purpose: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append to the child's access log (a hash chain of its own)."""
    record = access(
        action,
        user_id=user_id,
        roles=sorted(roles),
        at=ports.clock.now(),
        trust_id=opened.trust_id,
        school_id=opened.school_id,
        pupil_id=opened.pupil_id,
        purpose=purpose,
        detail=detail,
    )
    await append(ports, ports.store.access, opened.ref, record)


async def log_principal_access(
    ports: RecordsPorts, principal: Principal, opened: OpenedFile, action: str, **extra: Any
) -> None:
    await log_access(
        ports, opened, action, user_id=principal.user_id, roles=principal.roles, **extra
    )
