"""The `harbour` command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from services.cli import (
    contracts_cmd,
    data_keys,
    deadline,
    dev,
    dlq,
    encompass,
    openapi_cmd,
    records,
)
from services.cli.errors import CliError, OneLineParser


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="harbour", description="Harbour command line")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )
    dev.register(commands)
    dlq.register(commands)
    deadline.register(commands)
    encompass.register(commands)
    contracts_cmd.register(commands)
    records.register(commands)
    openapi_cmd.register(commands)
    data_keys.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except CliError as exc:
        print(f"harbour {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
