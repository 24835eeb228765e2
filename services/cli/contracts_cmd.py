"""`harbour contracts generate|check`: the JSON Schemas and AsyncAPI document."""

from __future__ import annotations

import argparse
from typing import Any

from contracts.documents import SCHEMA_DIR, rendered
from services.cli.errors import CliError


def register(commands: Any) -> None:
    parser = commands.add_parser("contracts", help="generate or check the event documents")
    parser.add_argument("action", choices=["generate", "check"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    files = rendered()
    if args.action == "generate":
        SCHEMA_DIR.mkdir(exist_ok=True)
        for stale in set(SCHEMA_DIR.glob("*.json")) - set(files):
            stale.unlink()
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
        print(f"wrote {len(files)} files")
        return 0
    stale = [p.name for p, text in files.items() if not p.is_file() or p.read_text() != text]
    if stale:
        raise CliError(
            "out of date: " + ", ".join(sorted(stale)) + " (run `harbour contracts generate`)",
            exit_code=1,
        )
    print("contracts up to date")
    return 0
