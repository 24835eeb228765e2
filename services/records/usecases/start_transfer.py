"""A child's file starts on its way to the next school: when a pupil with a file leaves
(intake.pupil.left.v1, which names the next school's URN when the roster knows it), or
when a DSL offers it (`POST /v1/children/{id}/transfers`, to a school's URN here or to the
receiving DSL's e-mail address outside this deployment).

A leaver with no file starts nothing: no transfer and no file-transfer deadline. A leaver
whose next school is not a Harbour school here waits for the DSL to say where the file
goes. Offering again (a new destination, an expired link) adds an offer to the child's
open transfer; the deadline started with the transfer and is met once, by its receipt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from contracts.envelope import Actor, Envelope
from contracts.intake_v1 import PupilLeft
from services.common.auth import DSL_ROLES, Principal
from services.common.errors import Conflict, Invalid
from services.common.events import SYSTEM
from services.common.store import Document
from services.records.domain.chain import GENESIS
from services.records.domain.transfers import (
    access_code,
    attempt_id_for,
    code_digest,
    is_open,
    leaver_transfer_id,
    link_id,
    link_token,
    new_attempt,
    new_transfer,
    requested_transfer_id,
    transfer_offered,
    transfer_started,
)
from services.records.ports import RecordsPorts
from services.records.usecases.file_access import log_principal_access, open_file
from services.records.usecases.file_reading import StoredFile, load_file


class Destination(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    urn: str | None = Field(default=None, pattern=r"^\d{6,7}$", description="DfE URN")
    email: EmailStr | None = Field(default=None, description="the receiving DSL's address")

    @model_validator(mode="after")
    def one_of(self) -> Destination:
        if (self.urn is None) == (self.email is None):
            raise ValueError("give the receiving school's urn or the receiving DSL's email")
        return self


class TransferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    destination: Destination


@dataclass(frozen=True)
class Offer:
    transfer: Document
    attempt_id: str
    access_code: str | None  # for a link: shown to the sending DSL, to tell by phone


async def transfer_for_leaver(ports: RecordsPorts, event: Envelope[PupilLeft]) -> bool:
    """False when the leaver has no file (nothing starts) or the transfer exists already."""
    left, school_id = event.payload, event.school_id
    file = await load_file(ports.store.files, school_id, left.pupil_id)
    if file is None:
        return False
    transfer_id = leaver_transfer_id(school_id, left.pupil_id, left.last_day_on_roll)
    destination = await ports.store.school_by_urn(left.destination_urn or "")
    if destination is not None and destination["_id"] == school_id:
        destination = None
    now = ports.clock.now()
    attempt = None
    if destination is not None:
        attempt = new_attempt(
            attempt_id_for(transfer_id, None, "leaver"),
            route="school",
            at=now,
            by=SYSTEM.id,
            sent=_sent_heads(file),
            to_school=destination,
        )
    created = False
    async with ports.writer.edit(ports.store.transfers, transfer_id) as transfer:
        if transfer.current is None:
            document = new_transfer(
                trust_id=event.trust_id,
                school_id=school_id,
                pupil_id=left.pupil_id,
                reason="leaver",
                counts_from=left.last_day_on_roll,
                at=now,
                by=SYSTEM.id,
                destination_urn=left.destination_urn,
            )
            transfer.create(document)
            transfer.emit(transfer_started({**document, "_id": transfer_id}, SYSTEM))
            if attempt is not None:
                transfer.push("attempts", attempt)
                transfer.set({"state": "offered"})
                transfer.emit(
                    transfer_offered({**document, "_id": transfer_id}, attempt, SYSTEM, None)
                )
            created = True
    stored = await ports.store.transfer(transfer_id)
    if stored is not None:
        await _index(ports, stored)
    # The file closes (retention counts from here): kept, and reviewed when it is due.
    async with ports.writer.hold(ports.store.closed_files, [school_id], wait_seconds=30):
        await ports.store.close_file(school_id, left.pupil_id)
    return created


async def request_transfer(
    ports: RecordsPorts,
    principal: Principal,
    pupil_id: str,
    request: TransferRequest,
    idempotency_key: str | None = None,
) -> Offer:
    opened = await open_file(ports, principal, pupil_id, None, DSL_ROLES)
    file = opened.file
    if file is None or not any(file.chains.values()):
        raise Conflict("nothing is recorded about the child: there is no file to transfer")
    store, now, key = ports.store, ports.clock.now(), idempotency_key or uuid.uuid4().hex
    existing = next(
        (t for t in await store.transfers_by_id(await _child_ids(ports, opened)) if is_open(t)),
        None,
    )
    transfer_id = (
        existing["_id"]
        if existing
        else requested_transfer_id(opened.school_id, principal.user_id, key)
    )
    attempt_id = attempt_id_for(transfer_id, principal.user_id, key)
    actor = Actor(kind="user", id=principal.user_id, role=principal.primary_role)
    attempt, token = await _plan_offer(
        ports, file, request.destination, transfer_id, attempt_id, actor, now
    )
    async with ports.writer.edit(store.transfers, transfer_id) as transfer:
        current = transfer.current
        if current is None:
            document = new_transfer(
                trust_id=opened.trust_id,
                school_id=opened.school_id,
                pupil_id=pupil_id,
                reason="requested",
                counts_from=ports.clock.today(),
                at=now,
                by=principal.user_id,
            )
            transfer.create(document)
            current = {**document, "_id": transfer_id}
            transfer.emit(transfer_started(current, actor))
        if any(a["attempt_id"] == attempt_id for a in current.get("attempts", [])):
            pass  # a retried request: offered already
        elif current.get("received"):
            raise Conflict("the file was received already")
        else:
            transfer.push("attempts", attempt)
            transfer.set({"state": "offered"})
            transfer.emit(transfer_offered(current, attempt, actor, token))
    stored = await store.transfer(transfer_id)
    assert stored is not None
    await _index(ports, stored)
    await log_principal_access(
        ports,
        principal,
        opened,
        "transfer.offered",
        detail={"transfer_id": transfer_id, "route": attempt["route"], "to": _to(attempt)},
    )
    code = access_code(ports.keys.link_secret, attempt_id) if token else None
    return Offer(stored, attempt_id, code)


async def _plan_offer(
    ports: RecordsPorts,
    file: StoredFile,
    destination: Destination,
    transfer_id: str,
    attempt_id: str,
    actor: Actor,
    now: Any,
) -> tuple[dict[str, Any], str | None]:
    """The offer, and for a link its token (the link document is stored first: a link
    whose offer a crash never stored is never sent, and opens nothing)."""
    sent = _sent_heads(file)
    if destination.urn is not None:
        school = await ports.store.school_by_urn(destination.urn)
        if school is None:
            raise Invalid(
                "destination.urn",
                "no school with this URN uses Harbour here: give the receiving DSL's email",
            )
        if school["_id"] == file.school_id:
            raise Invalid("destination.urn", "that is this school's own URN")
        offer = new_attempt(
            attempt_id, route="school", at=now, by=actor.id, sent=sent, to_school=school
        )
        return offer, None
    token = link_token(ports.keys.link_secret, attempt_id)
    link = link_id(token)
    expires = now + timedelta(days=ports.policy.link_days)
    await ports.store.add_link(
        {
            "_id": link,
            "transfer_id": transfer_id,
            "attempt_id": attempt_id,
            "school_id": file.school_id,
            "trust_id": file.trust_id,
            "pupil_id": file.head["pupil_id"],
            "code_digest": code_digest(link, access_code(ports.keys.link_secret, attempt_id)),
            "expires_at": expires,
            "failures": 0,
            "locked": False,
            "confirmed_at": None,
        }
    )
    offer = new_attempt(
        attempt_id,
        route="email",
        at=now,
        by=actor.id,
        sent=sent,
        email=str(destination.email),
        link=link,
        expires_at=expires,
    )
    return offer, token


def _sent_heads(file: StoredFile) -> dict[str, dict[str, Any]]:
    return {
        name: {"seq": len(entries), "hash": entries[-1]["hash"] if entries else GENESIS}
        for name, entries in file.chains.items()
    }


def _to(attempt: dict[str, Any]) -> str:
    return str(attempt["to_urn"] or attempt["to_school_id"] or attempt["email"])


async def _child_ids(ports: RecordsPorts, opened: Any) -> list[str]:
    return await ports.store.child_transfer_ids(opened.school_id, opened.pupil_id)


async def _index(ports: RecordsPorts, transfer: Document) -> None:
    """The child's list of transfers, and the destination's list of incoming files (small
    documents read by `_id`; written under their locks, as several writers add to them)."""
    store = ports.store
    child = f"{transfer['school_id']}/{transfer['pupil_id']}"
    async with ports.writer.hold(store.child_transfers, [child], wait_seconds=30):
        await store.list_child_transfer(
            transfer["school_id"], transfer["pupil_id"], transfer["_id"]
        )
    for attempt in transfer.get("attempts", []):
        if attempt["route"] == "school":
            to = attempt["to_school_id"]
            async with ports.writer.hold(store.incoming_transfers, [to], wait_seconds=30):
                await store.list_incoming(to, transfer["_id"])
