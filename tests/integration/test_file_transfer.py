"""A child's file goes to the next school, through the real broker and store:

- a leaver with a file: the receiving school's DSLs are alerted, one accepts, the file is
  created there and verifies end to end, and file-transfer is met at the sender;
- a leaver without a file starts no file-transfer deadline, so nothing can breach;
- to a school of another trust by the one-time link: the bundle is downloaded with the
  access code, imported with `harbour records import`, and receipt confirmed on the link
  meets the deadline; a bundle altered in one byte is refused.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx

from services.intake.domain.roster import ROSTER_COLUMNS
from tests.integration.encompass_world import import_roster, register_school
from tests.support.api import School, eventually, unique
from tests.support.sealed import event_of
from tests.support.stack import ROOT

HEADER = ",".join(ROSTER_COLUMNS) + ",destination_urn"
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def urn() -> str:
    return str(100000 + secrets.randbelow(899999))


def roll(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def row(pupil: str, *, left: str = "", to: str = "") -> str:
    return f"{pupil},,Amelia,Hart,,2016-04-12,,2021-09-01,{left},{to}"


async def get_json(client: httpx.AsyncClient, path: str, headers: dict, **params) -> dict:
    response = await client.get(path, headers=headers, params=params)
    return response.json() if response.status_code == 200 else {}


async def with_file(clients, school: School, pupil: str) -> str:
    concern = await school.raise_concern(pupil)
    assert concern.status_code == 202, concern.text
    found = await eventually(
        lambda: get_json(clients.records, f"/v1/children/{pupil}/chronology", school.dsl),
        lambda c: len(c.get("entries", [])) == 1,
    )
    assert found.get("entries"), "the concern never reached the chronology"
    return concern.json()["concern_id"]


async def transfer_deadlines(clients, school: School, pupil: str) -> list[dict]:
    found = await get_json(clients.case, "/v1/deadlines", school.dsl, pupil_id=pupil)
    return [d for d in found.get("deadlines", []) if d["rule"] == "file-transfer"]


async def test_a_leaver_with_a_file_is_accepted_by_the_next_school_and_the_deadline_met(
    clients,
):
    trust = unique("trust")
    sender = await register_school(clients.intake, trust, "Oak Primary", urn())
    receiver_urn = urn()
    receiver = await register_school(clients.intake, trust, "Elm Academy", receiver_urn)
    pupil, other = unique("P"), unique("P")
    assert (await import_roster(sender, roll(row(pupil), row(other)))).status_code == 200
    await with_file(clients, sender, pupil)

    left = await import_roster(
        sender, roll(row(pupil, left=YESTERDAY, to=receiver_urn), row(other, left=YESTERDAY))
    )
    assert left.json()["leavers_published"] == 2

    alerts = await eventually(
        lambda: get_json(clients.notification, "/v1/alerts", receiver.dsl),
        lambda a: any(x["source_type"] == "transfer" for x in a.get("alerts", [])),
        timeout=60,
    )
    [alert] = [a for a in alerts["alerts"] if a["source_type"] == "transfer"]
    assert alert["pupil_id"] is None  # content-free: the child is named only in Harbour
    incoming = await get_json(clients.records, "/v1/transfers/incoming", receiver.dsl)
    [offered] = incoming["transfers"]
    assert (offered["from_school"]["name"], offered["state"]) == ("Oak Primary", "offered")
    [started] = await eventually(
        lambda: transfer_deadlines(clients, sender, pupil), bool, timeout=60
    )
    assert started["status"] == "open"

    accepted = await clients.records.post(
        f"/v1/transfers/{offered['transfer_id']}/accept",
        json={"pupil_id": "ELM-0042"},
        headers=receiver.dsl,
    )

    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["valid"], accepted.json()["send"]) == (True, "not recorded")
    at_receiver = await get_json(
        clients.records, "/v1/children/ELM-0042/chronology/verify", receiver.dsl
    )
    at_sender = await get_json(
        clients.records, f"/v1/children/{pupil}/chronology/verify", sender.dsl
    )
    assert at_receiver["valid"] and at_receiver["entries"] == 2  # the entry, and its receipt
    assert at_sender == {"entries": 1, "head": at_sender["head"], "valid": True}
    met = await eventually(
        lambda: transfer_deadlines(clients, sender, pupil),
        lambda ds: bool(ds) and ds[0]["status"] == "met",
        timeout=60,
    )
    assert met[0]["status"] == "met"
    # The leaver without a file started nothing: no transfer, no deadline to breach.
    assert await transfer_deadlines(clients, sender, other) == []
    nothing = await get_json(clients.records, f"/v1/children/{other}/transfers", sender.dsl)
    assert nothing.get("transfers", []) == []


def cli(stack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", "records", *args],
        cwd=ROOT,
        env=stack.base_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_a_file_sent_by_one_time_link_to_another_trust_is_imported_and_received(
    stack, clients, mongo, tmp_path: Path
):
    sender = await register_school(clients.intake, unique("trust"), "Oak Primary", urn())
    receiver = await register_school(clients.intake, unique("trust"), "Hill School", urn())
    pupil = await sender.add_pupil()
    await with_file(clients, sender, pupil)

    offered = await clients.records.post(
        f"/v1/children/{pupil}/transfers",
        json={"destination": {"email": "dsl@hill.example.org"}},
        headers={**sender.dsl, "Idempotency-Key": unique("k")},
    )
    assert offered.status_code == 201, offered.text
    code = offered.json()["access_code"]
    transfer_id = offered.json()["transfer_id"]
    stored = await mongo("records")["transfers"].find_one({"_id": transfer_id})
    [event] = [e for e in stored["outbox"] if e["event_type"] == "records.transfer.offered.v1"]
    data_keys = await mongo("records")["data_keys"].find_one({"_id": event.get("trust_id")})
    token = event_of(event, data_keys)["payload"]["link_token"]
    email = await eventually(
        lambda: mongo("notification")["deliveries"].find_one({"_id": f"{event['event_id']}:email"}),
        lambda d: d is not None,
    )
    assert email["address"] == "dsl@hill.example.org"
    assert token in email["message"]["link_url"] and code not in json.dumps(email, default=str)

    wrong = await clients.records.post(
        f"/v1/transfer-links/{token}/bundle", json={"code": "AAAA-AAAA"}
    )
    bundle = await clients.records.post(f"/v1/transfer-links/{token}/bundle", json={"code": code})
    assert wrong.status_code == 422 and "tries left" in wrong.text
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    (tmp_path / "file.zip").write_bytes(bundle.content)
    key = (await clients.records.get("/.well-known/harbour-transfer-key")).json()
    (tmp_path / "sender.pem").write_text(key["pem"])
    altered = bytearray(bundle.content)
    altered[altered.index(b"prev_hash") + 20] ^= 0x01
    (tmp_path / "altered.zip").write_bytes(bytes(altered))
    await eventually(
        lambda: clients.records.get("/v1/retention/review", headers=receiver.dsl),
        lambda r: r.status_code == 200,
    )  # records knows the receiving school

    refused = cli(stack, "import", str(tmp_path / "altered.zip"), "--school", receiver.school_id)
    imported = cli(
        stack,
        "import",
        str(tmp_path / "file.zip"),
        "--school",
        receiver.school_id,
        "--pupil",
        "HILL-7",
        "--public-key",
        str(tmp_path / "sender.pem"),
    )

    assert refused.returncode == 1 and "REFUSED" in refused.stderr and "altered" in refused.stderr
    assert imported.returncode == 0, imported.stderr
    assert f"signed by key {key['key_id']}" in imported.stdout
    verified = await get_json(
        clients.records, "/v1/children/HILL-7/chronology/verify", receiver.dsl
    )
    assert verified["valid"] and verified["entries"] == 2
    read = await get_json(clients.records, "/v1/children/HILL-7/chronology", receiver.dsl)
    assert any(
        e["content"].get("child_words")
        == "My brother grabbed me when I wouldn't give him my tablet."
        for e in read["entries"]
    )

    confirmed = await clients.records.post(
        f"/v1/transfer-links/{token}/receipt", json={"code": code, "name": "Hal Hill"}
    )
    assert confirmed.status_code == 200, confirmed.text
    met = await eventually(
        lambda: transfer_deadlines(clients, sender, pupil),
        lambda ds: bool(ds) and ds[0]["status"] == "met",
        timeout=60,
    )
    assert met[0]["status"] == "met"
    listed = await get_json(clients.records, f"/v1/children/{pupil}/transfers", sender.dsl)
    [transfer] = listed["transfers"]
    assert transfer["state"] == "received" and transfer["attempts"][0]["downloads"] == 1
    log = await get_json(clients.records, f"/v1/children/{pupil}/access-log", sender.dsl)
    assert [e["action"] for e in log["entries"][:3]] == [
        "receipt.confirmed",
        "bundle.downloaded",
        "transfer.offered",
    ]
