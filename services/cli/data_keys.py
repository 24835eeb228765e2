"""`harbour data-keys`: the per-trust data keys that seal free text at rest.

- `harbour data-keys new-kek` prints a fresh key-encryption key for HARBOUR_DATA_KEYS.
- `harbour data-keys rewrap` re-wraps every service's data keys under the newest KEK
  (the first in HARBOUR_DATA_KEYS), so that the older KEKs can be dropped. The services
  also re-wrap a trust's key when they first load it, so this only hastens the rotation.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from services.common.field_cipher import FieldCipher, new_kek
from services.common.settings import CommonSettings
from services.common.store import make_client

SERVICES = ("intake", "case", "notification", "records")


def register(commands: Any) -> None:
    keys = commands.add_parser("data-keys", help="key-encryption keys and the data keys they wrap")
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("new-kek", help="print a new key for HARBOUR_DATA_KEYS").set_defaults(
        run=run_new_kek
    )
    actions.add_parser(
        "rewrap", help="re-wrap every data key under the newest key in HARBOUR_DATA_KEYS"
    ).set_defaults(run=run_rewrap)


def run_new_kek(_: argparse.Namespace) -> int:
    print(new_kek())
    return 0


def run_rewrap(_: argparse.Namespace) -> int:
    return asyncio.run(_rewrap(CommonSettings()))


async def _rewrap(settings: CommonSettings) -> int:
    keks = settings.data_key_encryption_keys()
    client = make_client(settings)
    try:
        for service in SERVICES:
            db = client[settings.database_name(service)]
            count = await FieldCipher(keks, db["data_keys"]).rewrap_all()
            print(f"{service}: {count} data key(s) re-wrapped under {keks.newest}")
    finally:
        await client.close()
    return 0
