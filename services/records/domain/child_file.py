"""A child's file as records keeps it: the school's own chain ("file") and, for every
file received from another school, that school's chains kept exactly as they were sent
(named "<transfer>.<their name>", so their hashes still verify end to end). A "received"
entry in the chain that took them in records each one's length and head hash.

Entries are named "<chain>:<seq>" ("file:17", "tr5c….file:3"). Pure code, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from contracts.case_v1 import CONTEXT_CHANGED
from services.records.domain.chain import Entry, Head, Verdict, verify

LOCAL = "file"


def chain_id(school_id: str, pupil_id: str, name: str = LOCAL) -> str:
    """Where a chain is stored: "<school>/<pupil>" for the school's own, else with
    "@<name>" (ids never contain "/" or "@", so this cannot collide)."""
    base = f"{school_id}/{pupil_id}"
    return base if name == LOCAL else f"{base}@{name}"


def entry_id(chain: str, seq: int) -> str:
    return f"{chain}:{seq}"


def received_name(transfer_id: str, their_name: str) -> str:
    return f"{transfer_id}.{their_name}"


def prefix_of(chain: str) -> str:
    """What the chains a chain's "received" entries name are stored under: the sender's
    names were relative to the sender, ours add the transfer that brought them."""
    return chain[: -len(LOCAL)] if chain.endswith(LOCAL) else ""


def referenced_chains(chain: str, entries: Iterable[Mapping[str, Any]]) -> dict[str, Head]:
    """The chains the "received" entries of `chain` took in, by stored name, with the head
    each was received at."""
    found: dict[str, Head] = {}
    for entry in entries:
        record = entry.get("record") or {}
        if record.get("kind") != "received":
            continue
        for received in record.get("chains", []):
            found[prefix_of(chain) + received["name"]] = Head(received["entries"], received["head"])
    return found


def disposed_through(entries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """For each chain named by a disposal entry, the last position whose content the
    disposal removed."""
    through: dict[str, int] = {}
    for entry in entries:
        record = entry.get("record") or {}
        if record.get("kind") == "disposal":
            for name, seq in (record.get("removed") or {}).items():
                through[name] = max(through.get(name, 0), int(seq))
    return through


@dataclass(frozen=True)
class FileVerdict:
    """The whole file's check: the school's chain and every chain it received."""

    entries: int  # in all chains
    head: str  # the school's own chain's head: it vouches for everything else
    valid: bool
    chain: str | None = None  # the first chain found broken
    first_bad_seq: int | None = None
    problem: str | None = None
    chains: dict[str, Verdict] = field(default_factory=dict)


def verify_file(chains: Mapping[str, Sequence[Entry]], local_head: Head | None) -> FileVerdict:
    """Verify every chain, each against the head that vouches for it: the school's own
    against its stored head, each received chain against the "received" entry that took it
    in. A chain named by no received entry, or named but absent, is a fault too."""
    local = list(chains.get(LOCAL, []))
    removed = disposed_through(local)
    expected: dict[str, Head | None] = {LOCAL: local_head}
    for name, entries in chains.items():
        expected.update(referenced_chains(name, entries))
    verdicts: dict[str, Verdict] = {}
    first_fault: tuple[str, int | None, str] | None = None
    for name in [LOCAL, *sorted(n for n in expected if n != LOCAL)]:
        if name not in chains and name != LOCAL:
            verdict = Verdict(0, "", False, 1, "the received chain is missing")
        else:
            verdict = verify(
                chains.get(name, []), expected[name], disposed_through=removed.get(name, 0)
            )
        verdicts[name] = verdict
        if not verdict.valid and first_fault is None:
            first_fault = (name, verdict.first_bad_seq, verdict.problem or "invalid")
    for name in chains:
        if name not in expected and first_fault is None:
            first_fault = (name, 1, "no entry of this file took in this chain")
    total = sum(len(entries) for entries in chains.values())
    head = verdicts[LOCAL].head
    if first_fault is not None:
        name, seq, problem = first_fault
        return FileVerdict(total, head, False, name, seq, problem, verdicts)
    return FileVerdict(total, head, True, chains=verdicts)


NOT_RECORDED = "not recorded"


def send_status(entries: Iterable[Mapping[str, Any]]) -> str:
    """Whether the file says the child has special educational needs or disabilities: the
    latest entry whose content names `send` (True/False or a description, or the SEND in
    the child's context), else "not recorded". Nothing is inferred from anything else."""
    latest: Any = None
    for entry in entries:
        record = entry.get("record") or {}
        content = record.get("content") or {}
        if record.get("event_type") == CONTEXT_CHANGED and isinstance(content, Mapping):
            send = (content.get("context") or {}).get("send")
            if send:  # a context with no SEND says nothing either way
                latest = "yes, with an EHC plan" if send.get("ehcp") else "yes"
        elif isinstance(content, Mapping) and content.get("send") not in (None, ""):
            latest = content["send"]
    if latest is None:
        return NOT_RECORDED
    if latest is True:
        return "yes"
    if latest is False:
        return "no"
    return str(latest)
