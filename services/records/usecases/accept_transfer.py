"""A DSL of the receiving school accepts a file offered to it: the file is created at
their school, under the pupil id of their own roll, from exactly the chains that were
offered (verified end to end before anything is stored). The transfer records who received
it and when, and records.transfer.received.v1 meets file-transfer at the sending school,
which keeps its copy. The answer says whether the child has SEND, for the SENCO."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from contracts.envelope import Actor
from services.common.auth import DSL_ROLES, Principal
from services.common.errors import Conflict, NotFound
from services.common.ids import Identifier
from services.records.domain.chain import Head
from services.records.domain.child_file import LOCAL, chain_id, send_status, verify_file
from services.records.domain.transfers import receipt, transfer_received
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef
from services.records.usecases.file_access import OpenedFile, log_access
from services.records.usecases.file_reading import load_file
from services.records.usecases.receive_file import receive_chains


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pupil_id: Identifier  # the child's id on the receiving school's roll


@dataclass(frozen=True)
class Accepted:
    transfer_id: str
    school_id: str
    pupil_id: str
    entries: int
    head: str
    valid: bool
    send: str  # "yes", "no", what the file says, or "not recorded"


async def accept_transfer(
    ports: RecordsPorts, principal: Principal, transfer_id: str, request: AcceptRequest
) -> Accepted:
    school_id = principal.school_id
    store = ports.store
    transfer = await store.transfer(transfer_id)
    if school_id is None or not principal.has_any(DSL_ROLES) or transfer is None:
        raise NotFound("transfer")
    offers = [a for a in transfer["attempts"] if a["to_school_id"] == school_id]
    if not offers:
        raise NotFound("transfer")
    offer, received = offers[-1], transfer.get("received")
    if received and (received.get("into_school_id"), received.get("into_pupil_id")) != (
        school_id,
        request.pupil_id,
    ):
        raise Conflict("the file was received already")
    sender = await load_file(store.files, transfer["school_id"], transfer["pupil_id"])
    if sender is None:
        raise Conflict("the sending school's file is no longer there")
    chains = {
        name: sender.chains.get(name, [])[: int(head["seq"])]
        for name, head in offer["sent"].items()
    }
    sent = Head(int(offer["sent"][LOCAL]["seq"]), str(offer["sent"][LOCAL]["hash"]))
    checked = verify_file(chains, sent)
    if not checked.valid:
        raise Conflict(
            f"the file failed verification (chain {checked.chain}, entry "
            f"{checked.first_bad_seq}: {checked.problem}); nothing was received"
        )
    trust_id = offer["to_trust_id"]
    into = ChainRef(chain_id(school_id, request.pupil_id), trust_id, school_id, request.pupil_id)
    actor = Actor(kind="user", id=principal.user_id, role=principal.primary_role)
    from_school = await store.school(transfer["school_id"]) or {}
    child = await store.child(transfer["school_id"], transfer["pupil_id"]) or {}
    await receive_chains(
        ports,
        into,
        transfer_id,
        chains,
        origin={
            "school_id": transfer["school_id"],
            "trust_id": transfer["trust_id"],
            "pupil_id": transfer["pupil_id"],
            "school_name": from_school.get("name"),
            "urn": from_school.get("urn"),
        },
        child={k: child.get(k) for k in ("forename", "surname", "date_of_birth", "upn")},
        actor=actor.model_dump(mode="json"),
    )
    now = ports.clock.now()
    async with ports.writer.edit(store.transfers, transfer_id) as edit:
        if edit.current is not None and not edit.current.get("received"):
            edit.set(
                {
                    "state": "received",
                    "received": receipt(
                        "school",
                        principal.user_id,
                        now,
                        into_school_id=school_id,
                        into_pupil_id=request.pupil_id,
                        attempt_id=offer["attempt_id"],
                    ),
                }
            )
            edit.emit(transfer_received(edit.current, "school", principal.user_id, now, actor))
    sending = OpenedFile(
        transfer["pupil_id"], transfer["school_id"], transfer["trust_id"], None, None
    )
    await log_access(
        ports,
        sending,
        "transfer.received",
        user_id=principal.user_id,
        roles=principal.roles,
        detail={"transfer_id": transfer_id, "to_school_id": school_id},
    )
    created = await load_file(store.files, school_id, request.pupil_id)
    assert created is not None
    verdict = created.verdict()
    every_entry = (entry for _, entry in created.all_entries())
    return Accepted(
        transfer_id,
        school_id,
        request.pupil_id,
        verdict.entries,
        verdict.head,
        verdict.valid,
        send_status(every_entry),
    )
