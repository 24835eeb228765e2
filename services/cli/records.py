"""Children's files, straight from records' store (HARBOUR_MONGO_URL, HARBOUR_DB_PREFIX).

`harbour records verify [--school ID]`: check every child's file (the same chain check
the API makes) and name each file that is not as written. Exit 0: every file verified;
1: at least one is broken (each named on stderr).

`harbour records import BUNDLE --school ID [--pupil ID] [--public-key FILE]`: create a
child's file at a school from a transfer bundle sent from another system. The signature
and every chain are checked before anything is created; a bundle that fails is refused
naming what failed (exit 1). Give the sender's public key (PEM or base64, from their
/.well-known/harbour-transfer-key) to check who signed it; without it the bundle's own key
is used and its fingerprint printed, to compare with the sender's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.cli.errors import CliError
from services.common.clock import SystemClock
from services.common.errors import UseCaseError
from services.common.field_cipher import FieldCipher
from services.common.locks import DocumentLocks
from services.common.store import make_client
from services.common.unit_of_work import DocumentWriter
from services.records.domain.bundle import TransferKeys, public_key_from
from services.records.pdf import PdfRenderer
from services.records.ports import RecordsPorts
from services.records.settings import RecordsSettings
from services.records.store import RecordsStore
from services.records.usecases.file_reading import load_file
from services.records.usecases.import_bundle import import_bundle


def register(commands: Any) -> None:
    records = commands.add_parser("records", help="children's files kept by records")
    actions = records.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="check every child's file from the store; exit 1 naming each broken one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("--school", help="only this school's files")
    verify.set_defaults(run=run_verify)
    load = actions.add_parser(
        "import",
        help="create a child's file at a school from a transfer bundle (checked first)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.add_argument("bundle", type=Path, metavar="BUNDLE", help="the transfer bundle (ZIP)")
    load.add_argument("--school", required=True, help="the receiving school's id")
    load.add_argument("--pupil", help="the child's id on the school's roll (default: as sent)")
    load.add_argument("--public-key", type=Path, help="the sender's public key (PEM or base64)")
    load.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    try:
        data = args.bundle.read_bytes()
        trusted = public_key_from(args.public_key.read_text()) if args.public_key else None
    except OSError as exc:
        raise CliError(f"cannot read {exc.filename}: {exc.strerror}") from None
    except ValueError as exc:
        raise CliError(f"the public key is not usable: {exc}") from None
    return asyncio.run(_import(RecordsSettings(), data, args.school, args.pupil, trusted))


async def _import(
    settings: RecordsSettings, data: bytes, school: str, pupil: str | None, key: bytes | None
) -> int:
    client = make_client(settings)
    try:
        db = client[settings.database_name("records")]
        ports = RecordsPorts(
            RecordsStore(db, _cipher(settings, db)),
            # The service's own lock collection: an import appends like the service does.
            DocumentWriter(DocumentLocks(db["locks"], ttl=timedelta(seconds=30)), _NoEvents()),  # type: ignore[arg-type]
            SystemClock(),
            PdfRenderer(),
            TransferKeys(Ed25519PrivateKey.generate()),  # an import signs nothing
        )
        try:
            imported = await import_bundle(ports, data, school, pupil_id=pupil, trusted_key=key)
        except UseCaseError as exc:
            print(f"REFUSED: {exc}", file=sys.stderr)
            return 1
    finally:
        await client.close()
    print(
        f"imported: school {imported.school_id} pupil {imported.pupil_id}, "
        f"{imported.entries} entries from {imported.from_school or 'another school'}, "
        f"chain head {imported.head}, verified {'yes' if imported.valid else 'NO'}; "
        f"signed by key {imported.signer}{'' if key else ' (compare it with the sender)'}"
    )
    return 0 if imported.valid else 1


class _NoEvents:
    """An import publishes nothing: there is no relay to hand documents to."""

    def enqueue(self, collection: object, doc_id: object, written: object = None) -> None:
        return None


def _cipher(settings: RecordsSettings, db: Any) -> FieldCipher:
    """The same data keys the running records service seals the files with."""
    return FieldCipher(settings.data_key_encryption_keys(), db["data_keys"])


def run_verify(args: argparse.Namespace) -> int:
    return asyncio.run(_verify(RecordsSettings(), args.school))


async def _verify(settings: RecordsSettings, school_id: str | None) -> int:
    client = make_client(settings)
    try:
        db = client[settings.database_name("records")]
        store = RecordsStore(db, _cipher(settings, db))
        checked, broken = 0, 0
        async for chain in store.file_chain_ids(school_id):
            school, _, pupil = chain.partition("/")
            found = await load_file(store.files, school, pupil)
            if found is None:
                continue
            verdict = found.verdict()
            checked += 1
            if not verdict.valid:
                broken += 1
                print(
                    f"BROKEN school {school} pupil {pupil}: chain {verdict.chain} entry "
                    f"{verdict.first_bad_seq}: {verdict.problem}",
                    file=sys.stderr,
                )
    finally:
        await client.close()
    print(f"{checked} file(s) checked, {broken} broken")
    return 1 if broken else 0
