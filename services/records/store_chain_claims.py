"""Who is appending to a chain now, kept on its head: `claim` (the writer's token) until
`claimed_until`. Part of ChainStore (store_chains.py).

An append takes the claim in the write that records its pending entry and gives it back in
the write that moves the head on, so a chain needs no lock documents of its own: those
were two more store commands per entry. The claim's condition is the head as the writer
read it (its `seq`, nothing pending), so a write by another replica in between makes the
claim fail and the writer read again. A claim left by a writer that died expires; the next
writer takes it over and finishes the pending entry (usecases/chain_append.py).

On FerretDB (the local build applies each update atomically,
deploy/ferretdb/patches/handler_write_lock.go) and on MongoDB a conditional update is a
compare-and-set, so two writers never both hold a claim."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from services.common.store import Document, insert_if_absent, insert_many_if_absent
from services.records.domain.chain import Entry


def claim_is_free(now: datetime) -> Document:
    """No one claims the head, or whoever did has not finished in time."""
    return {"$or": [{"claim": None}, {"claimed_until": {"$lt": now}}]}


def claim_state(head: Document | None, now: datetime) -> str:
    """ "free", "held" (a writer is at work) or "stale" (a writer died)."""
    if head is None or head.get("claim") is None:
        return "free"
    return "held" if head["claimed_until"] > now else "stale"


# One chain's append as `begin_appends` takes it: (chain, tenant, head as read, pending).
Begin = tuple[str, Mapping[str, str], Document | None, Mapping[str, Any]]


class HeadClaims:
    heads: AsyncCollection[Document]
    keys: AsyncCollection[Document]

    async def sealed_pending(
        self, tenant: Mapping[str, Any], pending: Mapping[str, Any]
    ) -> Any:  # ChainStore's
        raise NotImplementedError

    async def claim(self, chain: str, owner: str, until: datetime, now: datetime) -> bool:
        """Take the head's claim if it is free or stale. False: another writer holds it."""
        taken = await self.heads.update_one(
            {"_id": chain, **claim_is_free(now)},
            {"$set": {"claim": owner, "claimed_until": until}},
        )
        return taken.matched_count == 1

    async def unclaim(self, chain: str, owner: str) -> None:
        await self.heads.update_one(
            {"_id": chain, "claim": owner}, {"$set": {"claim": None, "claimed_until": None}}
        )

    async def begin_append(
        self,
        chain: str,
        tenant: Mapping[str, str],
        seen: Document | None,
        pending: Mapping[str, Any],
        owner: str,
        until: datetime,
        now: datetime,
    ) -> bool:
        """Claim the head and record the pending entry in one write, if the head is still
        as `seen` (None: there was none). False: another writer came first."""
        claimed = await self._claimed(tenant, pending, owner, until)
        if seen is None:
            return await insert_if_absent(self.heads, _first_head(chain, tenant, pending, claimed))
        result = await self.heads.update_one(_as_seen(seen, now), {"$set": claimed})
        return result.matched_count == 1

    async def begin_appends(
        self, begins: Sequence[Begin], owner: str, until: datetime, now: datetime
    ) -> None:
        """`begin_append` for many chains in two writes (new heads, then the others); which
        of them this writer now holds is read back (the head's `claim` is `owner`)."""
        new, seen = [], []
        for chain, tenant, head, pending in begins:
            claimed = await self._claimed(tenant, pending, owner, until)
            if head is None:
                new.append(_first_head(chain, tenant, pending, claimed))
            else:
                seen.append(UpdateOne(_as_seen(head, now), {"$set": claimed}))
        if new:
            await insert_many_if_absent(self.heads, new)
        if seen:
            await self.heads.bulk_write(seen, ordered=False)

    async def _claimed(
        self, tenant: Mapping[str, str], pending: Mapping[str, Any], owner: str, until: datetime
    ) -> Document:
        """What a head holds while `owner` appends the pending entry."""
        sealed = await self.sealed_pending(tenant, pending)
        return {"pending": sealed, "claim": owner, "claimed_until": until}

    async def claim_key(self, chain: str, key: str, seq: int, at: datetime) -> int:
        """Remember that `key` is appended as entry `seq`; if it was appended before, the
        position it has (the caller then drops its pending entry)."""
        if await insert_if_absent(self.keys, {"_id": key_id(chain, key), "seq": seq, "at": at}):
            return seq
        stored = await self.keys.find_one({"_id": key_id(chain, key)})
        return int(stored["seq"]) if stored is not None else seq

    async def claim_keys(self, claims: Sequence[tuple[str, str, int]], at: datetime) -> list[int]:
        """`claim_key` for many (chain, key, seq) in one insert (and one read of those
        appended before)."""
        documents = [{"_id": key_id(c, k), "seq": s, "at": at} for c, k, s in claims]
        before = await insert_many_if_absent(self.keys, documents)
        if not before:
            return [seq for _, _, seq in claims]
        ids = [documents[position]["_id"] for position in before]
        stored = {
            doc["_id"]: int(doc["seq"]) async for doc in self.keys.find({"_id": {"$in": ids}})
        }
        return [stored.get(doc["_id"], doc["seq"]) for doc in documents]

    async def drop_pending(self, chain: str, owner: str | None) -> None:
        """The pending entry was appended before (its key says where): nothing to append.
        `owner`: also give the claim back."""
        await self.heads.update_one(
            _held_by(chain, owner), {"$set": {"pending": None, **_given_back(owner)}}
        )

    async def advance(self, chain: str, entry: Entry, owner: str | None = None) -> None:
        """The head moves on to `entry`, nothing pending. `owner`: also give the claim back
        (only if still this writer's: one that took over a stale claim moved it already)."""
        await self.heads.update_one(_held_by(chain, owner), _moved_on(entry, owner))

    async def advance_all(self, entries: Sequence[tuple[str, Entry]], owner: str) -> None:
        """`advance` of many chains this writer claimed, giving their claims back."""
        if entries:
            await self.heads.bulk_write(
                [
                    UpdateOne(_held_by(chain, owner), _moved_on(entry, owner))
                    for chain, entry in entries
                ],
                ordered=False,
            )


def _first_head(
    chain: str, tenant: Mapping[str, str], pending: Mapping[str, Any], claimed: Document
) -> Document:
    """The head of a chain whose first entry is being appended."""
    return {"_id": chain, **tenant, "seq": 0, "hash": pending["entry"]["prev_hash"], **claimed}


def _as_seen(head: Document, now: datetime) -> Document:
    return {"_id": head["_id"], "seq": head["seq"], "pending": None, **claim_is_free(now)}


def _held_by(chain: str, owner: str | None) -> Document:
    """The head, if still this writer's (None: the caller holds the claim for a block)."""
    return {"_id": chain} if owner is None else {"_id": chain, "claim": owner}


def _moved_on(entry: Entry, owner: str | None) -> Document:
    moved = {"seq": entry["seq"], "hash": entry["hash"], "pending": None}
    return {"$set": {**moved, **_given_back(owner)}}


def _given_back(owner: str | None) -> Document:
    return {} if owner is None else {"claim": None, "claimed_until": None}


def key_id(chain: str, key: str) -> str:
    return f"{chain}#{key}"
