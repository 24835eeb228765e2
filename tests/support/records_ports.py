"""records' ports in memory, for its use-case tests."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.records.domain.bundle import TransferKeys
from services.records.pdf import PdfRenderer
from services.records.ports import RecordsPolicy, RecordsPorts
from services.records.store import RecordsStore
from services.records.store_chains import ChainStore
from tests.support.memory import FixedClock, memory_db, memory_writer


@cache
def test_keys() -> TransferKeys:
    return TransferKeys(Ed25519PrivateKey.generate())


def memory_records(**policy: Any) -> RecordsPorts:
    db = memory_db()
    writer, _relay = memory_writer(db)
    return RecordsPorts(
        RecordsStore(db), writer, FixedClock(), PdfRenderer(), test_keys(), RecordsPolicy(**policy)
    )


async def expire_claims(chains: ChainStore) -> None:
    """What a dead writer's claims on chain heads come to once their lifetime is over."""
    await chains.heads.update_many(
        {"claim": {"$ne": None}}, {"$set": {"claimed_until": datetime(2000, 1, 1, tzinfo=UTC)}}
    )
