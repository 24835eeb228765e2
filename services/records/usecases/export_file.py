"""A DSL exports a child's whole file as a PDF: for the school's own use, or as a copy for
the police or a court with a stated purpose. The export is in the child's access log with
its purpose, and every page says who exported it, when and the chain head."""

from __future__ import annotations

from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS, Principal
from services.records.domain.chain import GENESIS
from services.records.domain.child_file import FileVerdict, send_status
from services.records.domain.export import ExportedFile, exported_at
from services.records.domain.timeline import timeline
from services.records.domain.withheld_address import withheld_reason, without_addresses
from services.records.ports import RecordsPorts
from services.records.usecases.file_access import OpenedFile, log_principal_access, open_file


async def export_file(
    ports: RecordsPorts,
    principal: Principal,
    pupil_id: str,
    *,
    school_id: str | None = None,
    purpose: str | None = None,
) -> bytes:
    opened = await open_file(ports, principal, pupil_id, school_id, SAFEGUARDING_READERS)
    exported = await exported_file(
        ports,
        opened,
        principal.user_id,
        principal.primary_role,
        purpose,
        sees_address=principal.has_any(DSL_ROLES),
    )
    await log_principal_access(
        ports,
        principal,
        opened,
        "file.exported",
        purpose=purpose,
        detail={"entries": len(exported.entries), "head": exported.verdict.head},
    )
    return await ports.pdf.render(exported)


async def exported_file(
    ports: RecordsPorts,
    opened: OpenedFile,
    user_id: str,
    role: str,
    purpose: str | None,
    *,
    sees_address: bool = True,
) -> ExportedFile:
    """What the PDF of a file says (also what a transfer bundle's PDF says): a withheld
    address is flagged on its first page, and an exporter who is not a DSL gets no
    address at all."""
    chains = opened.file.chains if opened.file else {}
    verdict = opened.file.verdict() if opened.file else FileVerdict(0, GENESIS, True)
    school = await ports.store.school(opened.school_id)
    items = timeline(chains)
    withheld = withheld_reason(item["record"] for item in items)
    if withheld is not None and not sees_address:
        items = without_addresses(items)
    return ExportedFile(
        pupil_id=opened.pupil_id,
        school_id=opened.school_id,
        school_name=school["name"] if school else None,
        child=opened.child,
        send=send_status(entry for entries in chains.values() for entry in entries),
        entries=items,
        verdict=verdict,
        exported_by=user_id,
        exported_role=role.replace("_", " "),
        exported_at=exported_at(ports.clock.now()),
        purpose=purpose,
        address_withheld=withheld,
    )
