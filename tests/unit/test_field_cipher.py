"""Encryption at rest: free text sealed under each trust's data key, the data keys wrapped
by the deployment's key-encryption keys, rotation, and old plaintext still read."""

from __future__ import annotations

import json

import pytest

from contracts.envelope import Actor, Subject
from services.common.events import make_envelope
from services.common.field_cipher import (
    FieldCipher,
    KeyEncryptionKeys,
    Unreadable,
    is_sealed,
    new_kek,
)
from services.common.locks import DocumentLocks
from services.common.outbox_relay import OutboxRelay
from services.common.unit_of_work import DocumentWriter
from tests.support.memory import memory_db

WORDS = "My brother grabbed me when I would not give him my tablet."


def keks(*keys: str) -> KeyEncryptionKeys:
    return KeyEncryptionKeys.parse(",".join(keys))


@pytest.fixture
def db():
    return memory_db()


async def test_text_is_sealed_with_the_key_it_was_sealed_under_and_opens_again(db):
    cipher = FieldCipher(keks(new_kek()), db["data_keys"])
    box = await cipher.for_trust("oak-trust")
    sealed = box.seal(WORDS)
    assert is_sealed(sealed) and sealed["key"] == box.key_id
    assert WORDS not in json.dumps(sealed)
    assert box.open(sealed) == WORDS
    assert box.seal(WORDS) != sealed  # a fresh nonce each time


async def test_each_trust_has_its_own_data_key_kept_only_wrapped(db):
    kek = new_kek()
    cipher = FieldCipher(keks(kek), db["data_keys"])
    oak, elm = await cipher.for_trust("oak-trust"), await cipher.for_trust("elm-trust")
    assert oak.key_id != elm.key_id
    stored = await db["data_keys"].find_one({"_id": "oak-trust"})
    assert set(stored) >= {"key_id", "kek", "wrapped"} and kek not in json.dumps(
        stored, default=str
    )
    with pytest.raises(Unreadable):  # a value copied into another trust's document
        elm.open(oak.seal(WORDS))


async def test_a_second_process_uses_the_same_data_key(db):
    kek = new_kek()
    first = await FieldCipher(keks(kek), db["data_keys"]).for_trust("oak-trust")
    second = await FieldCipher(keks(kek), db["data_keys"]).for_trust("oak-trust")
    assert second.open(first.seal(WORDS)) == WORDS


async def test_text_stored_before_encryption_reads_as_it_was(db):
    box = await FieldCipher(keks(new_kek()), db["data_keys"]).for_trust("oak-trust")
    assert box.open(WORDS) == WORDS
    assert box.open(None) is None
    assert box.open_fields({"concern": {"description": "old"}}, ["concern.description"]) == {
        "concern": {"description": "old"}
    }


async def test_an_altered_value_does_not_open(db):
    box = await FieldCipher(keks(new_kek()), db["data_keys"]).for_trust("oak-trust")
    sealed = box.seal(WORDS)
    tampered = {
        **sealed,
        "ct": sealed["ct"][:-4] + ("AAAA" if sealed["ct"][-4:] != "AAAA" else "BBBB"),
    }
    with pytest.raises(Unreadable):
        box.open(tampered)


async def test_rotation_a_new_kek_first_rewraps_the_data_keys_and_the_old_one_can_go(db):
    old, new = new_kek(), new_kek()
    sealed = (await FieldCipher(keks(old), db["data_keys"]).for_trust("oak-trust")).seal(WORDS)
    rotated = FieldCipher(keks(new, old), db["data_keys"])
    assert (await rotated.for_trust("oak-trust")).open(sealed) == WORDS  # re-wrapped on load
    assert await FieldCipher(keks(new, old), db["data_keys"]).rewrap_all() == 0
    without_old = FieldCipher(keks(new), db["data_keys"])
    assert (await without_old.for_trust("oak-trust")).open(sealed) == WORDS


async def test_rewrap_all_rewraps_every_trust_at_once(db):
    old, new = new_kek(), new_kek()
    before = FieldCipher(keks(old), db["data_keys"])
    for trust in ("oak-trust", "elm-trust"):
        await before.for_trust(trust)
    assert await FieldCipher(keks(new, old), db["data_keys"]).rewrap_all() == 2
    assert await FieldCipher(keks(new), db["data_keys"]).for_trust("elm-trust")


async def test_a_data_key_wrapped_by_a_kek_no_longer_given_is_refused(db):
    await FieldCipher(keks(new_kek()), db["data_keys"]).for_trust("oak-trust")
    with pytest.raises(Unreadable, match="not configured"):
        await FieldCipher(keks(new_kek()), db["data_keys"]).for_trust("oak-trust")


def test_keks_must_be_32_bytes_of_base64url():
    with pytest.raises(ValueError):
        KeyEncryptionKeys.parse("c2hvcnQ=")
    with pytest.raises(ValueError):
        KeyEncryptionKeys.parse("")


async def test_fields_are_named_by_path_into_nested_documents_and_arrays(db):
    box = await FieldCipher(keks(new_kek()), db["data_keys"]).for_trust("oak-trust")
    case = {
        "trust_id": "oak-trust",
        "notes": [{"summary": "Agreed a plan.", "participants": ["DSL", "Police"], "kind": "x"}],
        "review": {"reason": "After half term.", "review_on": "2026-04-01"},
        "closure": None,
    }
    fields = ["notes.summary", "notes.participants", "review.reason", "closure.reason"]
    sealed = box.seal_fields(case, fields)
    text = json.dumps(sealed)
    assert "Agreed a plan" not in text and "Police" not in text and "After half term" not in text
    assert sealed["notes"][0]["kind"] == "x" and sealed["review"]["review_on"] == "2026-04-01"
    assert case["notes"][0]["summary"] == "Agreed a plan."  # the original is left as it was
    assert box.open_fields(sealed, fields) == case


def _event(trust: str = "oak-trust"):
    from contracts.intake_v1 import SCHOOL_RECORDED, SchoolRecorded

    payload = SchoolRecorded(school_id="oak", trust_id=trust, name=WORDS)
    return make_envelope(
        SCHOOL_RECORDED,
        payload,
        trust_id=trust,
        school_id="oak",
        subject=Subject(kind="school", id="oak"),
        actor=Actor(kind="system", id="test"),
    )


async def test_the_unit_of_work_seals_at_rest_and_gives_use_cases_text(db):
    from datetime import timedelta

    cipher = FieldCipher(keks(new_kek()), db["data_keys"])
    published: list[bytes] = []

    async def publish(_event_id: str, _type: str, body: bytes) -> None:
        published.append(body)

    locks = DocumentLocks(db["locks"], ttl=timedelta(seconds=30))
    relay = OutboxRelay(publish, poll_seconds=1, sweep_seconds=60, cipher=cipher)
    writer = DocumentWriter(locks, relay)
    cases = db["cases"]
    writer.seal_fields(cases, ["notes.summary", "review.reason"])

    async with writer.edit(cases, "oak/P1") as edit:
        edit.create({"trust_id": "oak-trust", "notes": [], "review": None})
        edit.push("notes", {"summary": WORDS, "kind": "meeting"})
        edit.emit(_event())
    async with writer.edit(cases, "oak/P1") as edit:
        assert edit.current["notes"][0]["summary"] == WORDS  # opened for the use case
        edit.set({"review": {"reason": "Half term.", "review_on": "2026-04-01"}})
        edit.push("notes", {"summary": "Second.", "kind": "meeting"})
    assert edit.document["review"]["reason"] == "Half term."

    raw = await cases.find_one({"_id": "oak/P1"})
    text = json.dumps(raw, default=str)
    assert WORDS not in text and "Half term" not in text and "Second." not in text
    assert is_sealed(raw["outbox"][0]["body"])
    await relay._relay(cases, "oak/P1")
    assert WORDS in published[0].decode()  # the relay publishes the event's text

    concerns = db["concerns"]
    writer.seal_fields(concerns, ["concern.description"])
    doc = {"_id": "c1", "trust_id": "oak-trust", "concern": {"description": WORDS}}
    assert await writer.insert(concerns, doc, [])
    assert WORDS not in json.dumps(await concerns.find_one({"_id": "c1"}), default=str)
