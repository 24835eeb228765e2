"""The one-time link a DSL outside this deployment was e-mailed: no sign-in, opened with
the access code the sending DSL gave them separately. With the right code they download
the bundle (each download in the child's access log) and confirm receipt, which meets
file-transfer at the sending school and spends the link.

A link opens only its transfer's latest offer, until it expires (7 days) or receipt is
confirmed; after too many wrong codes it locks, and the sending DSL offers the file again.
Wrong codes are counted under the link's lock, so parallel guesses cannot slip past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.envelope import Actor
from services.common.errors import Conflict, Invalid, NotFound
from services.common.store import Document
from services.records.domain.transfers import (
    code_matches,
    current_attempt,
    link_id,
    receipt,
    transfer_received,
)
from services.records.ports import RecordsPorts
from services.records.usecases.file_access import OpenedFile, log_access
from services.records.usecases.make_bundle import make_bundle

RECEIVER_ROLE = "receiving_dsl"


class CodeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=20)


class ReceiptConfirmation(CodeEntry):
    name: str = Field(min_length=1, max_length=120, description="who confirms receipt")


@dataclass(frozen=True)
class LinkStatus:
    state: str  # open, expired, locked, received
    from_school: str | None
    expires_at: datetime
    tries_left: int
    downloads: int


async def link_status(ports: RecordsPorts, token: str) -> LinkStatus:
    """What the link's page may say before the code is given: nothing about the child."""
    link, transfer, offer = await _find(ports, token)
    school = await ports.store.school(link["school_id"]) or {}
    return LinkStatus(
        _state(ports, link, transfer),
        school.get("name"),
        link["expires_at"],
        max(0, ports.policy.code_attempts - link["failures"]),
        offer["downloads"],
    )


async def open_link(ports: RecordsPorts, token: str, entry: CodeEntry) -> LinkStatus:
    """Check the access code (a wrong one counts) before the page offers the file."""
    await _unlock(ports, token, entry.code)
    return await link_status(ports, token)


async def download_bundle(ports: RecordsPorts, token: str, entry: CodeEntry) -> bytes:
    _, transfer, offer = await _unlock(ports, token, entry.code)
    if transfer.get("received"):
        raise Conflict("receipt was confirmed already: the link is spent")
    bundle = await make_bundle(ports, transfer, offer, f"link:{offer['email']}")
    now = ports.clock.now()
    async with ports.writer.edit(ports.store.transfers, transfer["_id"]) as edit:
        if edit.current is not None:
            attempts = [
                {**a, "downloads": a["downloads"] + 1, "last_downloaded_at": now}
                if a["attempt_id"] == offer["attempt_id"]
                else a
                for a in edit.current["attempts"]
            ]
            edit.set({"attempts": attempts, "state": "downloaded"})
    await _log(ports, transfer, offer, "bundle.downloaded", {"bytes": len(bundle)})
    return bundle


async def confirm_receipt(
    ports: RecordsPorts, token: str, confirmation: ReceiptConfirmation
) -> None:
    link, transfer, offer = await _unlock(ports, token, confirmation.code)
    now = ports.clock.now()
    by = f"{confirmation.name} <{offer['email']}>"
    actor = Actor(kind="system", id="transfer-link", role=RECEIVER_ROLE)
    async with ports.writer.edit(ports.store.transfers, transfer["_id"]) as edit:
        if edit.current is not None and not edit.current.get("received"):
            edit.set(
                {
                    "state": "received",
                    "received": receipt("email", by, now, attempt_id=offer["attempt_id"]),
                }
            )
            edit.emit(transfer_received(edit.current, "email", by, now, actor))
    async with ports.writer.edit(ports.store.transfer_links, link["_id"]) as spent:
        if spent.current is not None and spent.current["confirmed_at"] is None:
            spent.set({"confirmed_at": now})
    await _log(ports, transfer, offer, "receipt.confirmed", {"name": confirmation.name})


async def _find(ports: RecordsPorts, token: str) -> tuple[Document, Document, Document]:
    link = await ports.store.link(link_id(token))
    transfer = await ports.store.transfer(link["transfer_id"]) if link else None
    offer = current_attempt(transfer) if transfer else None
    if link is None or transfer is None or offer is None:
        raise NotFound("link")
    if offer["attempt_id"] != link["attempt_id"]:
        raise NotFound("link", "this link was replaced by a newer one: use the latest e-mail")
    return link, transfer, offer


def _state(ports: RecordsPorts, link: Document, transfer: Document) -> str:
    if transfer.get("received"):
        return "received"
    if link["locked"]:
        return "locked"
    if link["expires_at"] <= ports.clock.now():
        return "expired"
    return "open"


async def _unlock(
    ports: RecordsPorts, token: str, code: str
) -> tuple[Document, Document, Document]:
    link, transfer, offer = await _find(ports, token)
    state = _state(ports, link, transfer)
    if state == "expired":
        raise NotFound("link", "the link has expired: ask the sending school to send it again")
    if state == "locked":
        raise Conflict("too many wrong codes: the link is locked; ask the sending school")
    wrong: dict[str, Any] | None = None
    async with ports.writer.edit(ports.store.transfer_links, link["_id"]) as counted:
        current = counted.current
        if current is None:
            raise NotFound("link")
        if current["locked"]:
            raise Conflict("too many wrong codes: the link is locked; ask the sending school")
        if not code_matches(current["code_digest"], link["_id"], code):
            failures = current["failures"] + 1
            wrong = {"failures": failures, "locked": failures >= ports.policy.code_attempts}
            counted.set(wrong)
    if wrong is not None:
        left = max(0, ports.policy.code_attempts - wrong["failures"])
        if wrong["locked"]:
            raise Conflict("too many wrong codes: the link is locked; ask the sending school")
        raise Invalid("code", f"the access code is not right ({left} tries left)")
    return link, transfer, offer


async def _log(
    ports: RecordsPorts, transfer: Document, offer: Document, action: str, detail: dict[str, Any]
) -> None:
    sending = OpenedFile(
        transfer["pupil_id"], transfer["school_id"], transfer["trust_id"], None, None
    )
    await log_access(
        ports,
        sending,
        action,
        user_id=f"link:{offer['email']}",
        roles=[RECEIVER_ROLE],
        detail={"transfer_id": transfer["_id"], **detail},
    )
