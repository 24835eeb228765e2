"""A DSL corrects an entry: a correction entry is appended to the school's own chain (the
original stays as it was). A retried request with the same Idempotency-Key appends one;
another request under that key is refused (409)."""

from __future__ import annotations

import uuid

from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.errors import Conflict, Invalid, NotFound
from services.records.domain.child_file import LOCAL, entry_id
from services.records.domain.corrections import (
    CorrectionRequest,
    correction_entry,
    same_correction,
    unknown_fields,
)
from services.records.domain.timeline import find_entry
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import append
from services.records.usecases.file_access import open_file


async def correct_entry(
    ports: RecordsPorts,
    principal: Principal,
    pupil_id: str,
    target_id: str,
    request: CorrectionRequest,
    *,
    school_id: str | None = None,
    idempotency_key: str | None = None,
) -> str:
    """The correction's entry id."""
    opened = await open_file(ports, principal, pupil_id, school_id, SAFEGUARDING_READERS)
    target = find_entry(opened.file.chains, target_id) if opened.file else None
    if target is None:
        raise NotFound("entry")
    if target.get("record") is None:
        raise Invalid("entry_id", "the entry's content was disposed of")
    unknown = unknown_fields(target, request)
    if unknown:
        raise Invalid("fields", f"the entry has no field {', '.join(unknown)}")
    record = correction_entry(
        target_id,
        target,
        request,
        principal,
        trust_id=opened.trust_id,
        school_id=opened.school_id,
        pupil_id=pupil_id,
        at=ports.clock.now(),
    )
    key = f"correction:{principal.user_id}:{idempotency_key or uuid.uuid4().hex}"
    appended = await append(ports, ports.store.files, opened.ref, record, key=key)
    if not appended.created:
        chains = opened.file.chains if opened.file else {}
        if not same_correction(find_entry(chains, entry_id(LOCAL, appended.seq)), record):
            raise Conflict("this Idempotency-Key was already used for a different correction")
    return entry_id(LOCAL, appended.seq)
