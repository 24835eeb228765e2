"""`harbour records verify [--school ID]`: check every child's file straight from the
store (the same chain check the API makes), and name each file that is not as written.

Reads the store records uses (HARBOUR_MONGO_URL, HARBOUR_DB_PREFIX). Exit status: 0 every
file verified; 1 at least one file is broken (each is named on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from services.common.store import make_client
from services.records.settings import RecordsSettings
from services.records.store import RecordsStore
from services.records.usecases.file_reading import load_file


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


def run_verify(args: argparse.Namespace) -> int:
    return asyncio.run(_verify(RecordsSettings(), args.school))


async def _verify(settings: RecordsSettings, school_id: str | None) -> int:
    client = make_client(settings)
    try:
        store = RecordsStore(client[settings.database_name("records")])
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
