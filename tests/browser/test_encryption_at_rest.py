"""Encryption at rest: a distinctive sentence posted through the APIs (a concern's words,
a body-map note, a police notification, a case note, a triage reason, a correction, the
child's withheld address, a risk assessment, a concern about an adult) is
nowhere in the store, read raw through the driver and as FerretDB's SQLite files, while
the API, the chronology, the PDF and the child's file page still show it to the DSL."""

from __future__ import annotations

import io
import json
import os
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from playwright.sync_api import Browser, expect
from pymongo import MongoClient
from pypdf import PdfReader

from services.intake.domain.signatures import sign
from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World, until
from tests.support.api import bearer, token, unique
from tests.support.stack import ROOT, SERVICES

if TYPE_CHECKING:
    from tests.support.stack import TestStack

# One word no one writes, inside a sentence a child might say.
WORD = "Quillfeather" + secrets.token_hex(3)
SENTENCE = f"Uncle {WORD} locks me in the shed when mum is at work."


def _post(http: httpx.Client, url: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    answer = http.post(url, json=body, headers=headers)
    assert answer.status_code < 300, answer.text
    return answer


def _write_everything(world: World) -> None:
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    pupil = world.pupil_id
    with httpx.Client(timeout=30) as http:
        concern = {
            "school_id": world.school_id,
            "pupil_id": pupil,
            "occurred_at": "2026-03-10T09:15:00+00:00",
            "categories": ["physical"],
            "description": f"Said: {SENTENCE}",
            "child_words": SENTENCE,
            "actions_taken": f"Told the DSL that {SENTENCE}",
            "body_map": [
                {
                    "view": "front",
                    "x": 0.4,
                    "y": 0.3,
                    "area": "left_forearm",
                    "kind": "bruise",
                    "note": SENTENCE,
                }
            ],
            "immediate_danger": False,
            "fgm_discovered": False,
        }
        concern_id = _post(http, world.url("intake", "/v1/concerns"), concern, staff).json()[
            "concern_id"
        ]
        chronology = world.url("records", f"/v1/children/{pupil}/chronology")
        assert until(lambda: http.get(chronology, headers=dsl).json().get("entries"), 60)
        case = world.url("case", f"/v1/children/{pupil}/case")
        assert until(lambda: http.get(case, headers=dsl).status_code == 200, 60)
        _post(
            http,
            world.url("case", f"/v1/concerns/{concern_id}/triage"),
            {"pupil_id": pupil, "decision": "monitor_in_school", "reason": SENTENCE},
            dsl,
        )
        _post(
            http,
            world.url("case", f"/v1/children/{pupil}/notes"),
            {"kind": "other", "occurred_at": "2026-03-10T10:00:00+00:00", "summary": SENTENCE},
            dsl,
        )
        _post(
            http,
            world.url("records", f"/v1/children/{pupil}/chronology/file:1/corrections"),
            {"reason": SENTENCE, "fields": {"actions_taken": f"Corrected: {SENTENCE}"}},
            dsl,
        )
        _police(http, world)
        _context_and_adults(http, world, dsl, staff)


def _context_and_adults(
    http: httpx.Client, world: World, dsl: dict[str, str], staff: dict[str, str]
) -> None:
    child = world.url("case", f"/v1/children/{world.pupil_id}")
    context = {"address": SENTENCE, "address_withheld": {"reason": SENTENCE}}
    assert http.put(f"{child}/context", json=context, headers=dsl).status_code == 200
    review_on = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    assessment = {
        "incident": SENTENCE,
        "part": "victim",
        "risks": SENTENCE,
        "measures": [{"kind": "supervised_times", "detail": SENTENCE}],
        "victim_wishes": SENTENCE,
        "consulted": ["The pupil"],
        "review_on": review_on,
    }
    _post(http, f"{child}/risk-assessments", assessment, dsl)
    adult = {
        "school_id": world.school_id,
        "subject": {"name": "Sam Teach", "role": "staff", "staff_user_id": "teacher-9"},
        "occurred_at": "2026-03-09T15:30:00+00:00",
        "description": SENTENCE,
        "children_involved": [world.pupil_id],
    }
    _post(http, world.url("intake", "/v1/adult-concerns"), adult, staff)
    head = bearer(token("head-1", "headteacher", school=world.school_id))
    cases = until(
        lambda: http.get(world.url("case", "/v1/adult-cases"), headers=head).json()["cases"], 60
    )
    assert cases, "case never opened the adult case"
    # The adult case's chronology in records holds the description: scan after it is there.
    chronology = world.url("records", f"/v1/adult-cases/{cases[0]['case_id']}/chronology")
    assert until(lambda: WORD in http.get(chronology, headers=head).text, 60)


def _police(http: httpx.Client, world: World) -> None:
    trust_admin = bearer(token("admin-t", "admin", trust=world.trust_id))
    secret, sender = secrets.token_hex(24), unique("police")
    registered = http.put(
        world.url("intake", f"/v1/encompass/senders/{sender}"),
        json={"name": "West Mercia Police", "secret": secret, "trust_ids": [world.trust_id]},
        headers=trust_admin,
    )
    assert registered.status_code in (200, 201), registered.text
    notice = {
        "police_reference": f"22/{secrets.randbelow(99999):05d}/26",
        "force": "West Mercia Police",
        "incident_at": "2026-11-28T22:40:00Z",
        "notified_at": "2026-11-29T06:55:00Z",
        "circumstances": SENTENCE,
        "police_action": SENTENCE,
        "other_information": SENTENCE,
        "children": [
            {
                "forename": "Nobody",
                "surname": "Known",
                "date_of_birth": "2016-04-12",
                "school_urn": world.urn,
                "present": True,
                "voice_of_child": SENTENCE,
            }
        ],
    }
    body = json.dumps(notice).encode()
    stamp = int(time.time())
    sent = http.post(
        world.url("intake", "/v1/encompass/notifications"),
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Harbour-Sender": sender,
            "X-Harbour-Timestamp": str(stamp),
            "X-Harbour-Signature": sign(secret.encode(), stamp, body),
        },
    )
    assert sent.status_code == 202, sent.text
    assert sent.json()["children"][0]["outcome"] == "unmatched", sent.text


def _raw_documents(stack: TestStack) -> dict[str, str]:
    """Every document of every collection of the four services, as stored."""
    client: MongoClient[dict[str, Any]] = MongoClient(stack.base_env()["HARBOUR_MONGO_URL"])
    try:
        found = {}
        for service in SERVICES:
            db = client[f"{stack.db_prefix}{service}"]
            for name in db.list_collection_names():
                found[f"{service}.{name}"] = json.dumps(list(db[name].find()), default=str)
        return found
    finally:
        client.close()


def _sqlite_files(stack: TestStack) -> list[Path]:
    """FerretDB's own files for this stack's databases (none when the store is MongoDB)."""
    data = Path(os.environ.get("HARBOUR_DATA_DIR", ROOT / ".data")) / "ferretdb"
    if not data.is_dir():
        return []
    found = [
        path for service in SERVICES for path in data.glob(f"{stack.db_prefix}{service}.sqlite*")
    ]
    assert found, f"FerretDB keeps its data in {data}, but not these databases"
    return found


def test_a_childs_words_are_unreadable_in_the_store_and_shown_to_the_dsl(
    browser: Browser, web_url: str, web_stack: TestStack, world: World
):
    _write_everything(world)
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    with httpx.Client(timeout=30) as http:
        chronology = http.get(
            world.url("records", f"/v1/children/{world.pupil_id}/chronology"), headers=dsl
        )
        case = http.get(world.url("case", f"/v1/children/{world.pupil_id}/case"), headers=dsl)
        notices = until(
            lambda: http.get(world.url("intake", "/v1/encompass/unmatched"), headers=dsl).json()[
                "unmatched"
            ]
        )
        pdf = http.get(world.url("records", f"/v1/children/{world.pupil_id}/file.pdf"), headers=dsl)
    assert chronology.text.count(WORD) >= 5  # words, description, actions, note, correction
    # the triage reason, the note, the address and why it is withheld, the risk assessment
    assert case.text.count(WORD) >= 8
    assert WORD in json.dumps(notices)
    assert pdf.status_code == 200
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert WORD in pdf_text

    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    expect(page.locator("main")).to_contain_text(SENTENCE)
    context.close()

    stored = _raw_documents(web_stack)
    assert any(world.school_id in text for text in stored.values())  # the scan sees the data
    assert [where for where, text in stored.items() if WORD in text] == []
    files = _sqlite_files(web_stack)
    for path in files:
        assert WORD.encode() not in path.read_bytes(), path.name
    if files:  # the same scan finds what is not sealed (the school's id)
        assert any(world.school_id.encode() in path.read_bytes() for path in files)
