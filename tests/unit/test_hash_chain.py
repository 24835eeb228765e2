"""The hash chain of a child's file: canonical hashing (RFC 8785), verification from the
first entry, and that any change, down to one flipped byte, is caught."""

import copy
import hashlib
import json

import pytest

from services.records.domain.chain import (
    GENESIS,
    Head,
    canonical,
    digest_of,
    link_hash,
    next_entry,
    verify,
)


def chain_of(*records: dict) -> list[dict]:
    entries, head = [], Head()
    for record in records:
        entry = next_entry(head, record)
        entries.append(entry)
        head = Head(entry["seq"], entry["hash"])
    return entries


RECORDS = [
    {"kind": "event", "content": {"child_words": "There was no food at home.", "x": 0.78}},
    {
        "kind": "event",
        "content": {"description": "Bruise on left forearm.", "body_map": [{"y": 1}]},
    },
    {"kind": "correction", "corrects": "file:1", "content": {"reason": "typo", "fields": {}}},
]


def test_canonical_json_is_one_byte_string_whatever_the_key_order_or_number_spelling():
    assert canonical({"b": 1.0, "a": [1, "é"]}) == canonical({"a": [1, "é"], "b": 1})
    assert canonical({"b": 1.0, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'.encode()
    assert canonical({"n": 1e21, "m": 0.1}) == b'{"m":0.1,"n":1e+21}'


def test_an_entry_hash_is_sha256_of_its_position_previous_hash_and_content_digest():
    record = RECORDS[0]
    entry = next_entry(Head(), record)

    digest = hashlib.sha256(canonical(record)).hexdigest()
    expected = hashlib.sha256(
        json.dumps(
            {"digest": digest, "prev_hash": GENESIS, "seq": 1}, separators=(",", ":")
        ).encode()
    ).hexdigest()
    assert (entry["seq"], entry["prev_hash"], entry["digest"]) == (1, GENESIS, digest)
    assert entry["hash"] == expected == link_hash(1, GENESIS, digest)
    assert digest_of({"content": record["content"], "kind": "event"}) == digest


def test_a_chain_as_written_verifies_and_names_its_head():
    entries = chain_of(*RECORDS)

    verdict = verify(entries, Head(3, entries[-1]["hash"]))

    assert (verdict.valid, verdict.entries, verdict.head) == (True, 3, entries[-1]["hash"])
    assert entries[1]["prev_hash"] == entries[0]["hash"]


@pytest.mark.parametrize(
    ("change", "bad_seq", "problem"),
    [
        (lambda e: e[1]["record"]["content"].update(description="Bruise."), 2, "changed"),
        (lambda e: e[0]["record"].update(kind="note"), 1, "changed"),
        (lambda e: e.pop(1), 2, "out of place"),
        (lambda e: e.__setitem__(1, e[2]), 2, "out of place"),
        (lambda e: e[2].update(prev_hash=GENESIS), 3, "follow"),
        (lambda e: e[0].update(hash="f" * 64), 1, "hash does not match"),
        (lambda e: e[1].pop("record"), 2, "missing"),
        (lambda e: e[2].update(digest=digest_of({"other": 1})), 3, "changed"),
    ],
)
def test_a_change_anywhere_names_the_first_bad_entry(change, bad_seq, problem):
    entries = chain_of(*RECORDS)
    change(entries)

    verdict = verify(entries)

    assert not verdict.valid
    assert verdict.first_bad_seq == bad_seq
    assert problem in verdict.problem


def test_entries_cut_off_the_end_are_caught_by_the_head():
    entries = chain_of(*RECORDS)
    head = Head(3, entries[-1]["hash"])

    verdict = verify(entries[:2], head)

    assert (verdict.valid, verdict.first_bad_seq) == (False, 3)
    assert "missing" in verdict.problem


def test_one_flipped_byte_anywhere_in_the_stored_chain_is_caught():
    entries = chain_of(*RECORDS)
    head = Head(3, entries[-1]["hash"])
    stored = json.dumps(entries).encode()
    caught = 0
    for position in range(len(stored)):
        for bit in (0x01, 0x20):
            altered = bytearray(stored)
            altered[position] ^= bit
            try:
                decoded = json.loads(altered.decode())
            except (UnicodeDecodeError, ValueError):
                caught += 1  # no longer readable: refused outright
                continue
            if decoded == entries:
                continue  # e.g. a flipped bit in JSON whitespace-insensitive escapes
            assert not verify(decoded, head).valid, f"byte {position} ^ {bit:#x} not caught"
            caught += 1
    assert caught > len(stored)


def test_content_removed_by_a_disposal_keeps_the_chain_verifiable():
    entries = chain_of(*RECORDS)
    stripped = copy.deepcopy(entries)
    for entry in stripped[:2]:
        del entry["record"]

    assert verify(stripped, disposed_through=2).valid
    assert not verify(stripped, disposed_through=1).valid
