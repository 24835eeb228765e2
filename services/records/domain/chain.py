"""The hash chain that makes a child's file (and its access log) tamper-evident.

Each entry holds its position `seq` (1, 2, …), the `prev_hash` of the entry before it
(64 zeros for the first), the `digest` of its `record` and its own `hash`:

    digest = SHA-256(JCS(record))
    hash   = SHA-256(JCS({"seq": seq, "prev_hash": prev_hash, "digest": digest}))

JCS is the JSON Canonicalization Scheme (RFC 8785): one byte string for one JSON value,
whatever the key order or number spelling, so anyone can recompute a hash from the JSON
alone. The record enters the chain through its own digest so that a lawful disposal can
remove the content and leave every link verifiable (an entry without its record is valid
only where a later disposal entry says it was removed).

Records hold JSON values only (times as ISO 8601 text): what is hashed is exactly what is
stored and exported. Pure code, no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785

GENESIS = "0" * 64
Entry = dict[str, Any]


def canonical(value: Any) -> bytes:
    """The RFC 8785 bytes of a JSON value (raises on anything JSON cannot hold)."""
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(record: Mapping[str, Any]) -> str:
    return sha256_hex(canonical(dict(record)))


def link_hash(seq: int, prev_hash: str, digest: str) -> str:
    return sha256_hex(canonical({"seq": seq, "prev_hash": prev_hash, "digest": digest}))


@dataclass(frozen=True)
class Head:
    """Where a chain ends: how many entries, and the last one's hash."""

    seq: int = 0
    hash: str = GENESIS

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> Head:
        if stored is None:
            return cls()
        return cls(int(stored["seq"]), str(stored["hash"]))


def next_entry(head: Head, record: Mapping[str, Any]) -> Entry:
    """The entry that follows `head`."""
    seq = head.seq + 1
    digest = digest_of(record)
    return {
        "seq": seq,
        "prev_hash": head.hash,
        "digest": digest,
        "hash": link_hash(seq, head.hash, digest),
        "record": dict(record),
    }


@dataclass(frozen=True)
class Verdict:
    entries: int
    head: str
    valid: bool
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(
    entries: Sequence[Mapping[str, Any]],
    expected: Head | None = None,
    *,
    disposed_through: int = 0,
) -> Verdict:
    """Check a chain from its first entry: positions, links, digests and hashes, and (if
    given) that it ends where its head says. Entries up to `disposed_through` may have had
    their record removed by a disposal; any other entry without its record is tampering."""
    previous, count = GENESIS, 0
    for position, entry in enumerate(entries, start=1):
        problem = _fault(entry, position, previous, disposed_through)
        if problem is not None:
            return Verdict(len(entries), previous, False, position, problem)
        previous, count = str(entry["hash"]), position
    if expected is not None and (expected.seq, expected.hash) != (count, previous):
        if expected.seq > count:
            missing = f"entries {count + 1} to {expected.seq} are missing"
            return Verdict(count, previous, False, count + 1, missing)
        return Verdict(count, previous, False, count, "the chain does not end where its head says")
    return Verdict(count, previous, True)


def _fault(
    entry: Mapping[str, Any], position: int, previous: str, disposed_through: int
) -> str | None:
    try:
        seq, prev_hash, digest, hash_ = (
            entry["seq"],
            entry["prev_hash"],
            entry["digest"],
            entry["hash"],
        )
    except KeyError as missing:
        return f"the entry has no {missing.args[0]}"
    if seq != position:
        return f"entry {position} is missing or out of place (found seq {seq})"
    if prev_hash != previous:
        return "the entry does not follow the one before it"
    record = entry.get("record")
    if record is None:
        if position > disposed_through:
            return "the entry's content is missing"
    else:
        try:
            if digest_of(record) != digest:
                return "the entry's content was changed"
        except (TypeError, ValueError, rfc8785.CanonicalizationError):
            return "the entry's content is not plain JSON"
    if link_hash(position, previous, str(digest)) != hash_:
        return "the entry's hash does not match"
    return None
