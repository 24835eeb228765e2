"""Reading a child's file from the store: the school's own chain and every chain it
received, by `_id` only (heads, then pages). Shared by the use cases that read files."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.store import Document
from services.records.domain.chain import Entry, Head
from services.records.domain.child_file import (
    LOCAL,
    FileVerdict,
    chain_id,
    referenced_chains,
    verify_file,
)
from services.records.store_chains import ChainStore


@dataclass(frozen=True)
class StoredFile:
    head: Document  # the school's own chain's head (tenant fields, seq, hash)
    chains: dict[str, list[Entry]]  # chain name → entries, "file" first

    @property
    def school_id(self) -> str:
        return str(self.head["school_id"])

    @property
    def trust_id(self) -> str:
        return str(self.head["trust_id"])

    @property
    def local_head(self) -> Head:
        return Head.of(self.head)

    def verdict(self) -> FileVerdict:
        return verify_file(self.chains, self.local_head)

    def all_entries(self) -> list[tuple[str, Entry]]:
        return [(name, entry) for name, entries in self.chains.items() for entry in entries]


async def load_file(files: ChainStore, school_id: str, pupil_id: str) -> StoredFile | None:
    """None when the child has no file at the school."""
    head = await files.head(chain_id(school_id, pupil_id))
    if head is None:
        return None
    chains = {LOCAL: await files.entries(head["_id"], int(head["seq"]))}
    to_read = set(referenced_chains(LOCAL, chains[LOCAL]))
    while to_read:
        name = to_read.pop()
        received = await files.head(chain_id(school_id, pupil_id, name))
        if received is None:
            continue  # verify_file reports it missing
        chains[name] = await files.entries(received["_id"], int(received["seq"]))
        to_read |= set(referenced_chains(name, chains[name])) - set(chains)
    return StoredFile(head, chains)
