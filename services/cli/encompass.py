"""`harbour encompass import FILE --sender ID`: sign and send a batch file that arrived by hand.

The sender's shared secret comes from HARBOUR_ENCOMPASS_SECRET or `--secret-file`; the
intake service from HARBOUR_INTAKE_URL (default http://127.0.0.1:8001).

Exit status: 0 every row was accepted; 2 the file was accepted but some rows are
invalid (listed); 1 the file was refused or could not be sent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from services.intake.domain.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

SECRET_ENV = "HARBOUR_ENCOMPASS_SECRET"
URL_ENV = "HARBOUR_INTAKE_URL"
DEFAULT_URL = "http://127.0.0.1:8001"
SENDER_HEADER = "X-Harbour-Sender"
BATCH_PATH = "/v1/encompass/batches"
OUTCOMES = ("matched", "unmatched", "duplicate", "amended", "invalid")


def register(commands: Any) -> None:
    encompass = commands.add_parser("encompass", help="Operation Encompass notifications")
    actions = encompass.add_subparsers(dest="action", required=True, metavar="ACTION")
    send = actions.add_parser(
        "import",
        help="sign and send a police batch CSV that arrived by hand",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    send.add_argument("file", type=Path, help="the batch CSV")
    send.add_argument("--sender", required=True, help="the registered sender id")
    send.add_argument(
        "--secret-file",
        type=Path,
        help=f"file holding the sender's shared secret (else ${SECRET_ENV})",
    )
    send.add_argument("--url", help=f"intake service URL (else ${URL_ENV} or {DEFAULT_URL})")
    send.add_argument("--timeout", type=float, default=300.0, help="seconds (default 300)")
    send.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    secret = _secret(args.secret_file, os.environ)
    if secret is None:
        return _fail(f"no secret: give --secret-file or set {SECRET_ENV}")
    try:
        body = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    url = (args.url or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "text/csv",
        SENDER_HEADER: args.sender,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    try:
        response = httpx.post(url + BATCH_PATH, content=body, headers=headers, timeout=args.timeout)
    except httpx.HTTPError as exc:
        return _fail(f"could not reach {url}: {exc}")
    if response.status_code != 202:
        return _fail(f"refused ({response.status_code}): {_message(response)}")
    result = response.json()
    print(summary_text(result))
    return 2 if result["summary"].get("invalid") else 0


def summary_text(result: Mapping[str, Any]) -> str:
    """The per-outcome counts, then each invalid row with its line and reason."""
    counts = result["summary"]
    lines = [
        f"{len(result['rows'])} rows: "
        + ", ".join(f"{counts.get(name, 0)} {name}" for name in OUTCOMES)
    ]
    for row in result["rows"]:
        if row["outcome"] == "invalid":
            lines.append(f"  line {row['line']}: invalid: {row['reason']}")
    for row in result["rows"]:
        if row["outcome"] == "unmatched":
            lines.append(f"  line {row['line']}: unmatched: the school's DSL will match it by hand")
    return "\n".join(lines)


def _secret(path: Path | None, environ: Mapping[str, str]) -> bytes | None:
    if path is not None:
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
    else:
        value = environ.get(SECRET_ENV, "").strip()
    return value.encode("utf-8") if value else None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, dict):
        detail = body.get("message") or body.get("detail")
        if isinstance(detail, list):
            return "; ".join(str(item.get("msg", item)) for item in detail)
        return str(detail)
    return str(body)[:500]


def _fail(message: str) -> int:
    print(f"harbour encompass import: {message}", file=sys.stderr)
    return 1
