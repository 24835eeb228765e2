"""How the CLI fails: one line on stderr and a meaningful exit code."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class OneLineParser(argparse.ArgumentParser):
    """argparse prints the usage block on errors; scripts want one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)
