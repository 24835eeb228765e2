"""The transfer bundle of a file offered outside this deployment: exactly the chains that
were offered, as JSON and as the PDF, signed with the deployment's key
(domain/bundle.py)."""

from __future__ import annotations

from services.common.errors import Conflict
from services.common.store import Document
from services.records.domain.bundle import build_bundle, file_document
from services.records.domain.chain import Head
from services.records.domain.child_file import LOCAL
from services.records.domain.chronology import iso
from services.records.ports import RecordsPorts
from services.records.usecases.export_file import exported_file
from services.records.usecases.file_access import OpenedFile
from services.records.usecases.file_reading import StoredFile, load_file


async def make_bundle(
    ports: RecordsPorts, transfer: Document, offer: Document, exported_by: str
) -> bytes:
    store = ports.store
    sender = await load_file(store.files, transfer["school_id"], transfer["pupil_id"])
    if sender is None:
        raise Conflict("the sending school's file is no longer there")
    chains = {
        name: sender.chains.get(name, [])[: int(head["seq"])]
        for name, head in offer["sent"].items()
    }
    head = Head(int(offer["sent"][LOCAL]["seq"]), str(offer["sent"][LOCAL]["hash"]))
    as_sent = StoredFile({**sender.head, "seq": head.seq, "hash": head.hash}, chains)
    child = await store.child(transfer["school_id"], transfer["pupil_id"])
    opened = OpenedFile(
        transfer["pupil_id"], transfer["school_id"], transfer["trust_id"], child, as_sent
    )
    exported = await exported_file(
        ports, opened, exported_by, "receiving DSL", f"transfer {transfer['_id']}"
    )
    pdf = await ports.pdf.render(exported)
    school = await store.school(transfer["school_id"]) or {}
    file_json = file_document(
        transfer_id=transfer["_id"],
        exported_at=iso(ports.clock.now()),
        origin={
            "school_id": transfer["school_id"],
            "trust_id": transfer["trust_id"],
            "pupil_id": transfer["pupil_id"],
            "school_name": school.get("name"),
            "urn": school.get("urn"),
        },
        child={
            "pupil_id": transfer["pupil_id"],
            **{k: (child or {}).get(k) for k in ("forename", "surname", "date_of_birth", "upn")},
            # The receiving school must know before it reads anything else.
            **(
                {"address_withheld": exported.address_withheld} if exported.address_withheld else {}
            ),
        },
        chains=chains,
        head=head,
    )
    return build_bundle(file_json, pdf, ports.keys)
