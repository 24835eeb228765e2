"""records' transfers as use cases: a leaver with a file starts one (to a school here when
the roster names its URN), a leaver without one starts nothing; the receiving DSL accepts
it into their own pupil id and the file verifies end to end; outside the deployment the
one-time link opens with the access code only, locks after wrong codes, audits every
download, and confirms receipt; the bundle imports at another school."""

import json
from datetime import date

import pytest

from contracts.envelope import Subject
from contracts.intake_v1 import PUPIL_LEFT, SCHOOL_RECORDED, PupilLeft, SchoolRecorded
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import Conflict, Invalid, NotFound
from services.common.events import SYSTEM, make_envelope
from services.records.domain.transfers import link_id, state_of
from services.records.usecases.accept_transfer import AcceptRequest, accept_transfer
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.import_bundle import import_bundle
from services.records.usecases.read_access_log import read_access_log
from services.records.usecases.read_transfers import child_transfers, incoming_files
from services.records.usecases.record_school import record_school
from services.records.usecases.start_transfer import (
    Destination,
    TransferRequest,
    request_transfer,
    transfer_for_leaver,
)
from services.records.usecases.transfer_link import (
    CodeEntry,
    ReceiptConfirmation,
    confirm_receipt,
    download_bundle,
    link_status,
)
from services.records.usecases.verify_file import verify_child_file
from tests.support import events
from tests.support.memory import outbox_of
from tests.support.records_ports import memory_records
from tests.support.tamper import tamper
from tests.unit.usecases.test_chronology import DSL, OAK, Ids

ELM = Ids("elm", "elm-trust")
ELM_DSL = Principal("dsl-9", frozenset({Role.DSL}), "elm", None)


@pytest.fixture
async def ports():
    ports = memory_records()
    for school, urn in ((OAK, "100001"), (ELM, "100002")):
        await record_school(
            ports,
            make_envelope(
                SCHOOL_RECORDED,
                SchoolRecorded(
                    school_id=school.school_id,
                    name=f"{school.school_id} school",
                    trust_id=school.trust_id,
                    urn=urn,
                ),
                trust_id=school.trust_id,
                school_id=school.school_id,
                subject=Subject(kind="school", id=school.school_id),
                actor=SYSTEM,
            ),
        )
    return ports


def left(pupil: str = "P1", urn: str | None = "100002"):
    return make_envelope(
        PUPIL_LEFT,
        PupilLeft(pupil_id=pupil, last_day_on_roll=date(2026, 3, 6), destination_urn=urn),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id=pupil),
        actor=SYSTEM,
    )


async def with_file(ports, entries: int = 3) -> None:
    for _ in range(entries):
        await add_to_chronology(ports, events.concern_raised(OAK, "P1"))


async def test_a_leaver_without_a_file_starts_nothing(ports):
    assert await transfer_for_leaver(ports, left()) is False
    assert await ports.store.transfers.count_documents({}) == 0


async def test_a_leaver_with_a_file_starts_one_transfer_offered_to_the_next_school(ports):
    await with_file(ports)

    assert await transfer_for_leaver(ports, left()) is True
    assert await transfer_for_leaver(ports, left()) is False  # redelivered

    [transfer] = await child_transfers(ports, DSL, "P1")
    assert (transfer["reason"], transfer["counts_from"], transfer["state"]) == (
        "leaver",
        "2026-03-06",
        "offered",
    )
    assert await outbox_of(ports.store.transfers, transfer["_id"]) == [
        "records.transfer.started.v1",
        "records.transfer.offered.v1",
    ]
    [incoming] = await incoming_files(ports, ELM_DSL)
    assert incoming.transfer["_id"] == transfer["_id"]


async def test_a_leaver_going_to_a_school_not_here_waits_for_the_dsl(ports):
    await with_file(ports)

    await transfer_for_leaver(ports, left(urn="999999"))
    offer = await request_transfer(
        ports, DSL, "P1", TransferRequest(destination=Destination(email="dsl@hill.example.org"))
    )

    [transfer] = await child_transfers(ports, DSL, "P1")
    assert transfer["_id"] == offer.transfer["_id"]  # the same transfer, now offered
    assert await outbox_of(ports.store.transfers, transfer["_id"]) == [
        "records.transfer.started.v1",
        "records.transfer.offered.v1",
    ]
    assert offer.access_code and len(offer.access_code) == 9


async def test_accepting_creates_the_file_at_the_receiving_school_verified_end_to_end(ports):
    await with_file(ports)
    await transfer_for_leaver(ports, left())
    [transfer] = await child_transfers(ports, DSL, "P1")

    accepted = await accept_transfer(
        ports, ELM_DSL, transfer["_id"], AcceptRequest(pupil_id="E-77")
    )
    again = await accept_transfer(ports, ELM_DSL, transfer["_id"], AcceptRequest(pupil_id="E-77"))

    assert (accepted.entries, accepted.valid, accepted.send) == (4, True, "not recorded")
    assert again == accepted
    assert (await verify_child_file(ports, ELM_DSL, "E-77")).valid
    sender = await verify_child_file(ports, DSL, "P1")
    assert sender.valid and sender.entries == 3  # the sending school keeps its copy
    [received] = await child_transfers(ports, DSL, "P1")
    assert received["received"]["by"] == "dsl-9"
    assert (await outbox_of(ports.store.transfers, transfer["_id"]))[-1] == (
        "records.transfer.received.v1"
    )
    log = await read_access_log(ports, DSL, "P1")
    assert log.entries[0]["action"] == "transfer.received" and log.verdict.valid
    with pytest.raises(Conflict):
        await accept_transfer(ports, ELM_DSL, transfer["_id"], AcceptRequest(pupil_id="E-78"))
    with pytest.raises(NotFound):
        await accept_transfer(ports, DSL, transfer["_id"], AcceptRequest(pupil_id="E-77"))


async def test_a_file_changed_after_it_was_offered_is_refused_on_accept(ports):
    await with_file(ports)
    await transfer_for_leaver(ports, left())
    [transfer] = await child_transfers(ports, DSL, "P1")
    await tamper(
        ports.store.files.pages,
        "oak/P1#0",
        0,
        lambda entry: entry["record"]["content"].update(description="Nothing."),
    )

    with pytest.raises(Conflict, match="failed verification"):
        await accept_transfer(ports, ELM_DSL, transfer["_id"], AcceptRequest(pupil_id="E-77"))
    assert await ports.store.files.head("elm/E-77") is None


async def offered_by_link(ports):
    await with_file(ports)
    offer = await request_transfer(
        ports,
        DSL,
        "P1",
        TransferRequest(destination=Destination(email="dsl@hill.example.org")),
        idempotency_key="k1",
    )
    [event] = [
        e
        for e in (await ports.store.transfers.find_one({"_id": offer.transfer["_id"]}))["outbox"]
        if e["event_type"] == "records.transfer.offered.v1"
    ]
    token = json.loads(event["body"])["payload"]["link_token"]
    return offer, token


async def test_the_link_opens_with_its_code_only_and_locks_after_five_wrong_ones(ports):
    offer, token = await offered_by_link(ports)
    retried = await request_transfer(
        ports,
        DSL,
        "P1",
        TransferRequest(destination=Destination(email="dsl@hill.example.org")),
        idempotency_key="k1",
    )
    assert retried.access_code == offer.access_code  # a retried request shows the same code

    for left_after in (4, 3, 2, 1):
        with pytest.raises(Invalid, match=f"{left_after} tries left"):
            await download_bundle(ports, token, CodeEntry(code="AAAA-AAAA"))
    with pytest.raises(Conflict, match="locked"):
        await download_bundle(ports, token, CodeEntry(code="AAAA-AAAA"))
    with pytest.raises(Conflict, match="locked"):
        await download_bundle(ports, token, CodeEntry(code=offer.access_code))
    assert (await link_status(ports, token)).state == "locked"


async def test_a_download_is_audited_and_receipt_on_the_link_spends_it(ports):
    offer, token = await offered_by_link(ports)

    bundle = await download_bundle(ports, token, CodeEntry(code=offer.access_code.lower()))
    await confirm_receipt(
        ports, token, ReceiptConfirmation(code=offer.access_code, name="Hal Hill")
    )

    assert bundle[:2] == b"PK"
    [transfer] = await child_transfers(ports, DSL, "P1")
    assert transfer["attempts"][-1]["downloads"] == 1
    assert transfer["received"]["by"] == "Hal Hill <dsl@hill.example.org>"
    actions = [e["action"] for e in (await read_access_log(ports, DSL, "P1")).entries]
    assert actions[:3] == ["receipt.confirmed", "bundle.downloaded", "transfer.offered"]
    with pytest.raises(Conflict, match="spent"):
        await download_bundle(ports, token, CodeEntry(code=offer.access_code))

    imported = await import_bundle(ports, bundle, "elm", pupil_id="E-5")
    assert (imported.valid, imported.entries, imported.from_school) == (True, 4, "oak school")
    assert (await verify_child_file(ports, ELM_DSL, "E-5")).valid


async def test_an_expired_link_opens_nothing(ports):
    offer, token = await offered_by_link(ports)
    ports.clock.advance(days=7, seconds=1)

    with pytest.raises(NotFound, match="expired"):
        await download_bundle(ports, token, CodeEntry(code=offer.access_code))
    [transfer] = await child_transfers(ports, DSL, "P1")
    assert transfer["state"] == "offered"  # stored; read as expired
    assert state_of(transfer, ports.clock.now()) == "expired"


async def test_a_bundle_altered_in_one_byte_is_refused_naming_what_failed(ports):
    offer, token = await offered_by_link(ports)
    bundle = bytearray(await download_bundle(ports, token, CodeEntry(code=offer.access_code)))
    at = bundle.index(b"There was no food at home.")
    bundle[at] ^= 0x20

    with pytest.raises(Invalid, match=r"altered: Bad CRC-32 for file 'file\.json'"):
        await import_bundle(ports, bytes(bundle), "elm", pupil_id="E-5")
    assert await ports.store.files.head("elm/E-5") is None
    assert link_id(token)  # the link itself is untouched by a failed import
