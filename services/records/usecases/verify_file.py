"""Is a child's file as it was written? Every chain it holds is recomputed from its first
entry (domain/child_file.py): the answer names the first entry found changed, missing or
out of place."""

from __future__ import annotations

from services.common.auth import SAFEGUARDING_READERS, Principal
from services.records.domain.chain import GENESIS
from services.records.domain.child_file import FileVerdict
from services.records.ports import RecordsPorts
from services.records.usecases.file_access import open_file


async def verify_child_file(
    ports: RecordsPorts, principal: Principal, pupil_id: str, school_id: str | None = None
) -> FileVerdict:
    opened = await open_file(ports, principal, pupil_id, school_id, SAFEGUARDING_READERS)
    if opened.file is None:
        return FileVerdict(0, GENESIS, True)
    return opened.file.verdict()
