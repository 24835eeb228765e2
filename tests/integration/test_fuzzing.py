"""Schemathesis against the four APIs: every operation of each running service's OpenAPI,
with a fixed budget of examples per operation, valid and invalid, each sent with the token
of a user drawn from every role at the target school, the trust-wide users, a user of
another trust and no token at all, and with the path's ids drawn either at random or from
the world's real objects (tests/integration/tenant_world.py), so that requests get past
the 404s and into the use cases.

It runs against the real services of the integration stack (the same processes as
production: uvicorn, the middleware, the store and broker), not the apps in-process: a
crash is then a 500 the way a client sees it, and the services' own relays and consumers
stay out of the test's event loop.

Every answer must be no 5xx, have a status the operation declares, the declared content
type, a body matching the declared schema and the declared headers. Failures are
collected, not shrunk, so the run stays within its budget; each is printed with the
request that caused it. Every status an operation declares must have been seen or be
listed in UNREACHED with the reason and the test that proves it.
"""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from schemathesis.checks import not_a_server_error
from tests.integration.tenant_world import SERVICES, World, build_world

EXAMPLES_PER_OPERATION = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Declared statuses no fuzzed request can reach here, each with why and what proves it.
UNREACHED = {
    "413": "the body bounds: 64 KiB and the uploads' own; tests/unit/test_request_guards.py "
    "and tests/integration/test_bad_input.py send bodies over them",
    "429": "the test stack's write budgets are set never to run out; "
    "test_request_guards.py spends them on every write operation",
    "503": "a document's lock held by another writer past its wait; "
    "tests/unit/test_unit_of_work.py",
}


@dataclass
class Findings:
    examples: int = 0
    failures: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=lambda: collections.defaultdict(set))
    declared: dict[str, set[str]] = field(default_factory=dict)


def _callers(world: World) -> list[tuple[str, dict[str, str]]]:
    target = world.target
    stranger = next(w for w in world.people if w.trust_id != target.trust_id and w.role == "dsl")
    people = [w for w in world.people if w.school_id == target.school_id]
    people += [w for w in world.people if w.school_id is None and w.trust_id == target.trust_id]
    return [(w.label, w.headers) for w in [*people, stranger]] + [("no token", {})]


def _fuzz_operation(
    operation: Any, base_url: str, world: World, findings: Findings, session: requests.Session
) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    findings.declared[label] = {code for code in operation.definition.raw["responses"]}
    callers = _callers(world)
    ids = world.target.ids
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, caller=st.sampled_from(callers), real_ids=st.booleans())
    def run(case: Any, caller: tuple[str, dict[str, str]], real_ids: bool) -> None:
        if real_ids and case.path_parameters:
            for name in case.path_parameters:
                if name in ids:
                    case.path_parameters[name] = ids[name]
        case.headers = {**(case.headers or {}), **caller[1]}
        findings.examples += 1
        try:
            response = case.call(base_url=base_url, session=session, timeout=60)
        except requests.RequestException as exc:
            findings.failures.append(f"{label} as {caller[0]}: no answer ({exc})")
            return
        findings.seen[label].add(str(response.status_code))
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as exc:
            findings.failures.append(
                f"{label} as {caller[0]}: {response.status_code} {_first_line(exc)}\n"
                f"      {case.as_curl_command()[:600]}"
            )

    run()


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:400]


def fuzz(urls: dict[str, str], documents: dict[str, dict[str, Any]], world: World) -> Findings:
    findings = Findings()
    session = requests.Session()
    for service in SERVICES:
        schema = schemathesis.openapi.from_dict(documents[service])
        for result in schema.get_all_operations():
            _fuzz_operation(result.ok(), urls[service], world, findings, session)
    return findings


def unreached(findings: Findings) -> list[str]:
    missing = []
    for label, declared in sorted(findings.declared.items()):
        for code in sorted(declared - findings.seen[label] - set(UNREACHED)):
            missing.append(f"{label}: declares {code}, never answered it")
    return missing


async def test_every_operation_fuzzed_answers_as_its_openapi_declares(stack):
    urls = {service: stack.url(service) for service in SERVICES}
    http = {s: httpx.AsyncClient(base_url=url, timeout=60) for s, url in urls.items()}
    try:
        world = await build_world(http)
        documents = {s: (await http[s].get("/openapi.json")).json() for s in SERVICES}
    finally:
        for client in http.values():
            await client.aclose()
    started = time.monotonic()
    findings = await asyncio.to_thread(fuzz, urls, documents, world)
    missing = unreached(findings)
    print(
        f"\nschemathesis: {len(findings.declared)} operations, {findings.examples} examples "
        f"({EXAMPLES_PER_OPERATION} per operation) in {time.monotonic() - started:.0f} s; "
        f"failures: {len(findings.failures)}; declared statuses never answered: {len(missing)}"
    )
    for line in findings.failures + missing:
        print("  ", line)
    assert findings.failures == []
    assert missing == []
