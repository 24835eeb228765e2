"""The `harbour` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from services.cli import deadline, dev, dlq, encompass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harbour", description="Harbour command line")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    dev.register(commands)
    dlq.register(commands)
    deadline.register(commands)
    encompass.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
