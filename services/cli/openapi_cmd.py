"""`harbour openapi SERVICE`: a service's OpenAPI document, built in-process from its app
(so it is available where HARBOUR_API_DOCS=false turns /openapi.json off)."""

from __future__ import annotations

import argparse
import importlib
import json
from typing import Any

SERVICES = {
    "intake": "IntakeSettings",
    "case": "CaseSettings",
    "notification": "NotificationSettings",
    "records": "RecordsSettings",
}


def register(commands: Any) -> None:
    parser = commands.add_parser("openapi", help="print a service's OpenAPI document (JSON)")
    parser.add_argument("service", choices=sorted(SERVICES))
    parser.set_defaults(run=run)


def openapi_document(service: str) -> dict[str, Any]:
    """The document the running service would serve; nothing is started or connected."""
    main = importlib.import_module(f"services.{service}.main")
    settings = getattr(importlib.import_module(f"services.{service}.settings"), SERVICES[service])
    return dict(main.build_app(settings()).openapi())


def run(args: argparse.Namespace) -> int:
    print(json.dumps(openapi_document(args.service), indent=2, sort_keys=True))
    return 0
