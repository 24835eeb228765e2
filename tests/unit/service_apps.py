"""Each service's real FastAPI app, built in-process as its main.py builds it (nothing
started: no store, no broker), and its operations, read from the app's OpenAPI document
so that a new endpoint is covered without editing a test. Requests sent here must be
answered by a guard before a handler runs: the store and broker addresses point nowhere,
so anything else fails loudly."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI

from services.common.rate_limits import WRITE_METHODS
from tests.support.api import ROOT

API_SERVICES = {
    "intake": "IntakeSettings",
    "case": "CaseSettings",
    "notification": "NotificationSettings",
    "records": "RecordsSettings",
}
NOWHERE = {
    "HARBOUR_MONGO_URL": "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200",
    "HARBOUR_RABBIT_URL": "amqp://guest:guest@127.0.0.1:9/",
    "HARBOUR_DATA_DIR": str(ROOT / ".data"),
    "HARBOUR_DB_PREFIX": "never_",
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    template: str  # "/v1/schools/{school_id}/rota"
    spec: dict[str, Any] = field(compare=False, hash=False)  # the OpenAPI operation

    @property
    def path(self) -> str:
        """The template with a well-formed value for each parameter (the guards answer
        before parameters are checked, but a plausible path is the honest test)."""
        return re.sub(r"\{([^}]+)\}", lambda m: _sample(m.group(1)), self.template)

    @property
    def writes(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def takes_bearer(self) -> bool:
        """Declared with the bearer scheme (the principal dependency declares it)."""
        return any("HTTPBearer" in scheme for scheme in self.spec.get("security", []))

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.template}"


def _sample(name: str) -> str:
    if name == "notification_id":
        return "enc_" + "0" * 32
    if name == "incident_id":
        return "inc_" + "0" * 32
    return f"sample-{name.replace('_', '-')}"


def build(service: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> FastAPI:
    for name, value in {**NOWHERE, **env}.items():
        monkeypatch.setenv(name, value)
    main = importlib.import_module(f"services.{service}.main")
    settings = getattr(
        importlib.import_module(f"services.{service}.settings"), API_SERVICES[service]
    )
    app: FastAPI = main.build_app(settings())
    return app


def operations(service: str, app: FastAPI) -> Iterator[Operation]:
    for template, item in app.openapi()["paths"].items():
        for method, spec in item.items():
            if method in HTTP_METHODS:
                yield Operation(service, method.upper(), template, spec)


def all_operations(monkeypatch: pytest.MonkeyPatch) -> list[Operation]:
    return [
        op for service in API_SERVICES for op in operations(service, build(service, monkeypatch))
    ]


def request_args(op: Operation) -> dict[str, Any]:
    """A small JSON body for writes (the guards answer before it is read)."""
    return {"json": {}} if op.writes else {}
