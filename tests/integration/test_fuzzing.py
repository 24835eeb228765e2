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
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.common.openapi_answers import ROLES_KEY
from services.intake.domain.signatures import sign
from tests.integration.tenant_world import SERVICES, World, build_world
from tests.support.api import bearer, token

SAMPLES = Path(__file__).parents[1] / "samples"
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

# Operations not fuzzed, each with why and what tests it instead.
NOT_FUZZED = {
    "GET /readyz": "it reports the shared test stack's state, which other tests change on "
    "purpose (poison events in the dead-letter queues make it 503 for five minutes); "
    "tests/integration/test_health_alarms.py checks its answers",
}

# The same, for one operation's status.
UNREACHED_BY_OPERATION: dict[str, dict[str, str]] = {
    "PUT /v1/schools/{school_id}": {
        "409": "a school admin moving their school to another trust: only a token naming no "
        "trust can ask it (every token here names its trust, and a trust's admin is answered "
        "404); tests/unit/usecases/test_record_school_and_pupil.py::TestRecordSchool::"
        "test_a_school_admin_cannot_move_their_school_to_another_trust",
    },
}


@dataclass
class Findings:
    examples: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # one example of each kind
    seen: dict[str, set[str]] = field(default_factory=lambda: collections.defaultdict(set))
    declared: dict[str, set[str]] = field(default_factory=dict)


def _callers(world: World) -> list[tuple[str, dict[str, str]]]:
    target = world.target
    stranger = next(w for w in world.people if w.trust_id != target.trust_id and w.role == "dsl")
    people = [w for w in world.people if w.school_id == target.school_id]
    people += [w for w in world.people if w.school_id is None and w.trust_id == target.trust_id]
    unknown = bearer(token("dsl-x", "dsl", school="a-school-harbour-does-not-know"))
    return [(w.label, w.headers) for w in [*people, stranger]] + [
        ("no token", {}),
        ("a DSL of a school Harbour does not know", unknown),
    ]


def _fuzz_operation(
    operation: Any, base_url: str, world: World, findings: Findings, session: requests.Session
) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    findings.declared[label] = {code for code in operation.definition.raw["responses"]}
    callers = _callers(world)
    ids = world.target.ids
    drawn = 0
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
    @given(case=cases)
    def run(case: Any) -> None:
        # Every caller in turn, with the world's real ids in the first two rounds and
        # every other round after: each operation meets each role, and its objects.
        nonlocal drawn
        caller = callers[drawn % len(callers)]
        real_ids = (drawn // len(callers)) < 2 or (drawn // len(callers)) % 2 == 0
        drawn += 1
        if real_ids:
            for parameters in (case.path_parameters, case.query):
                for name in parameters or {}:
                    if name in ids:
                        parameters[name] = ids[name]
        case.headers = {**(case.headers or {}), **caller[1]}
        findings.examples += 1
        try:
            response = case.call(base_url=base_url, session=session, timeout=60)
        except requests.RequestException as exc:
            findings.failures.setdefault(f"{label}: no answer", f"as {caller[0]}: {exc}")
            return
        findings.seen[label].add(str(response.status_code))
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # every check that failed
            kinds = [type(e).__name__ for e in getattr(exc, "exceptions", [exc])]
            key = f"{label}: {response.status_code} {', '.join(kinds)}"
            if key not in findings.failures:
                findings.failures[key] = (
                    f"as {caller[0]}: {_first_line(exc)}\n      {case.as_curl_command()[:400]}"
                )

    run()


def _probe(
    operation: Any, base_url: str, world: World, findings: Findings, session: requests.Session
) -> None:
    """What random data seldom reaches, asked on purpose, each answer checked the same way:
    the answers the world itself was given; an id or a query value over its bound (422);
    an id nothing has (404);
    the world's write again, by whoever made it (its success, or the conflict of doing it
    twice); for a write that takes an Idempotency-Key, the same key with another body
    (409); the same write by the target's staff and by another trust's admin (403/404);
    what the world asked to see refused; every operation that takes a token, without one;
    another trust's school named in a query by a role the operation allows (404); an
    upload sent as JSON (415)."""
    label = f"{operation.method.upper()} {operation.path}"
    spec = operation.definition.raw
    service = world.service_by_url[base_url]
    made = world.writes.get((service, operation.method.upper(), operation.path))
    if made is not None and made.answer is not None:
        _check(
            operation,
            findings,
            label,
            "the world's own write",
            made.answer,
            path_parameters=_path_ids(operation.path, made.path),
            body=made.body,
            media_type=made.content_type if made.body is not None else None,
        )
    for asked in world.asked:
        if (asked.service, asked.method, asked.template) == (
            service,
            label.split()[0],
            operation.path,
        ):
            _check(
                operation,
                findings,
                label,
                "asked by the world",
                asked.answer,
                path_parameters=_path_ids(operation.path, asked.path),
                body=asked.body,
                media_type="application/json" if asked.body is not None else None,
            )
    if spec.get("security"):
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            "no token",
            path_parameters=_any_ids(operation, world),
        )
    dsl, known = world.at(world.target, "dsl").headers, world.target.ids
    over = "x" * 200
    if any(p["in"] == "path" for p in spec.get("parameters", [])):
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            "an id over its bound",
            path_parameters={n: over for n in _names(operation.path)},
            headers=dsl,
        )
        body = made.body if made is not None and isinstance(made.body, dict) else None
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            "an id nothing has",
            path_parameters={n: f"nothing-{uuid.uuid4().hex[:8]}" for n in _names(operation.path)},
            headers=_keyed(dsl),
            body=body,
            media_type="application/json" if body is not None else None,
        )
    bounded = [
        p["name"]
        for p in spec.get("parameters", [])
        if p["in"] == "query" and "maxLength" in json.dumps(p.get("schema", {}))
    ]
    if bounded:
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            "a query value over its bound",
            path_parameters=_any_ids(operation, world),
            headers=dsl,
            query=dict.fromkeys(bounded, over),
        )
    if any(p["in"] == "query" and p["name"] == "school_id" for p in spec.get("parameters", [])):
        other = next(s for s in world.sites if s.trust_id != world.target.trust_id)
        query = {p["name"]: known[p["name"]] for p in spec["parameters"] if p["name"] in known}
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            "another trust's school named in the query",
            path_parameters=_any_ids(operation, world),
            headers=world.at(world.target, _a_role_it_allows(spec)).headers,
            query={**query, "school_id": other.school_id},
        )
    if operation.path.startswith("/v1/encompass/") and "security" not in spec:
        _signed(operation, base_url, world, findings, session, label)
    if made is not None and isinstance(made.body, str) and made.who is not None:
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            "the upload sent as JSON",
            path_parameters=_path_ids(operation.path, made.path),
            body=made.body,
            media_type="application/json",
            headers=_keyed(made.who.headers),
        )
    if made is None or not isinstance(made.body, dict):
        return
    ids = _path_ids(operation.path, made.path)
    maker = made.who or world.at(world.target, _a_role_it_allows(spec))
    replay = {"path_parameters": ids, "body": made.body, "media_type": "application/json"}
    _send(
        operation,
        base_url,
        findings,
        session,
        label,
        "the world's write again",
        headers=_keyed(maker.headers),
        **replay,
    )
    if any(p["name"].lower() == "idempotency-key" for p in spec.get("parameters", [])):
        headers = _keyed(maker.headers)
        _send(operation, base_url, findings, session, label, "a new key", headers=headers, **replay)
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            "the key again, another body",
            headers=headers,
            **{**replay, "body": _changed(made.body)},
        )
    stranger = next(
        w
        for w in world.people
        if w.trust_id != world.target.trust_id and w.role == "admin" and w.school_id is None
    )
    for why, who in (
        ("as the target's staff", world.at(world.target, "staff")),
        ("as another trust's admin", stranger),
    ):
        _send(
            operation,
            base_url,
            findings,
            session,
            label,
            why,
            headers=_keyed(who.headers),
            **replay,
        )


def _signed(
    operation: Any,
    base_url: str,
    world: World,
    findings: Findings,
    session: requests.Session,
    label: str,
) -> None:
    """The police endpoints, signed with the world's sender's secret (the fuzzer's own
    requests carry no signature and are all refused 401)."""
    csv = (SAMPLES / "encompass" / "batch_mixed.csv").read_bytes()
    bodies = (
        [
            (
                "a well-formed notification",
                "application/json",
                json.dumps(world.writes[("intake", "POST", operation.path)].body).encode(),
            ),
            ("a notification missing its fields", "application/json", b"{}"),
        ]
        if operation.path.endswith("/notifications")
        else [
            ("a batch", "text/csv", csv),
            ("a batch sent as JSON", "application/json", csv),
            ("a file that is not the batch format", "text/csv", b"a,b\n1,2\n"),
        ]
    )
    for why, media, body in bodies:
        stamp = int(time.time())
        headers = {
            "Content-Type": media,
            "X-Harbour-Sender": world.sender_id,
            "X-Harbour-Timestamp": str(stamp),
            "X-Harbour-Signature": sign(world.sender_secret.encode(), stamp, body),
        }
        response = session.post(base_url + operation.path, data=body, headers=headers, timeout=60)
        findings.examples += 1
        findings.seen[label].add(str(response.status_code))
        case = operation.Case(headers=headers, body=body, media_type=media)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:
            findings.failures.setdefault(
                f"{label}: {response.status_code} ({why})", _first_line(exc)
            )


def _send(
    operation: Any,
    base_url: str,
    findings: Findings,
    session: requests.Session,
    label: str,
    why: str,
    **parts: Any,
) -> None:
    case = operation.Case(**{k: v for k, v in parts.items() if v is not None})
    findings.examples += 1
    response = case.call(base_url=base_url, session=session, timeout=60)
    findings.seen[label].add(str(response.status_code))
    try:
        case.validate_response(response, checks=CHECKS)
    except (AssertionError, BaseExceptionGroup) as exc:
        findings.failures.setdefault(f"{label}: {response.status_code} ({why})", _first_line(exc))


def _check(
    operation: Any, findings: Findings, label: str, why: str, answer: Any, **parts: Any
) -> None:
    """An answer given earlier (to the world), checked against the declaration."""
    case = operation.Case(**{k: v for k, v in parts.items() if v is not None})
    findings.seen[label].add(str(answer.status_code))
    try:
        case.validate_response(answer, checks=CHECKS)
    except (AssertionError, BaseExceptionGroup) as exc:
        findings.failures.setdefault(f"{label}: {answer.status_code} ({why})", _first_line(exc))


def _keyed(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": uuid.uuid4().hex}


def _a_role_it_allows(spec: dict[str, Any]) -> str:
    roles = spec.get(ROLES_KEY, {}).get("at_school") or ["dsl"]
    return "dsl" if "dsl" in roles else roles[0]


def _names(template: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", template)


def _path_ids(template: str, path: str) -> dict[str, str]:
    names = _names(template)
    pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
    found = re.match(pattern, path)
    return dict(zip(names, found.groups(), strict=True)) if found else {}


def _any_ids(operation: Any, world: World) -> dict[str, str]:
    return {name: world.target.ids.get(name, "unknown") for name in _names(operation.path)}


def _changed(body: dict[str, Any]) -> dict[str, Any]:
    """The same body with its first free text changed (a value with a space in it, not a
    date or an id): another request under the same key."""
    for name, value in body.items():
        if isinstance(value, str) and " " in value:
            return {**body, name: value + " (changed)"}
    return body


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:400]


def fuzz(urls: dict[str, str], documents: dict[str, dict[str, Any]], world: World) -> Findings:
    findings = Findings()
    session = requests.Session()
    for service in SERVICES:
        schema = schemathesis.openapi.from_dict(documents[service])
        for result in schema.get_all_operations():
            operation = result.ok()
            if f"{operation.method.upper()} {operation.path}" in NOT_FUZZED:
                continue
            _fuzz_operation(operation, urls[service], world, findings, session)
            _probe(operation, urls[service], world, findings, session)
    return findings


def unreached(findings: Findings) -> list[str]:
    missing = []
    for label, declared in sorted(findings.declared.items()):
        excused = set(UNREACHED) | set(UNREACHED_BY_OPERATION.get(label, {}))
        for code in sorted(declared - findings.seen[label] - excused):
            missing.append(f"{label}: declares {code}, never answered it")
    return missing


async def test_every_operation_fuzzed_answers_as_its_openapi_declares(stack, mongo):
    urls = {service: stack.url(service) for service in SERVICES}
    http = {s: httpx.AsyncClient(base_url=url, timeout=60) for s, url in urls.items()}
    try:
        world = await build_world(http, mongo)
        documents = {s: (await http[s].get("/openapi.json")).json() for s in SERVICES}
    finally:
        for client in http.values():
            await client.aclose()
    world.service_by_url = {url: service for service, url in urls.items()}
    started = time.monotonic()
    findings = await asyncio.to_thread(fuzz, urls, documents, world)
    missing = unreached(findings)
    print(
        f"\nschemathesis: {len(findings.declared)} operations, {findings.examples} examples "
        f"({EXAMPLES_PER_OPERATION} per operation) in {time.monotonic() - started:.0f} s; "
        f"failures: {len(findings.failures)}; declared statuses never answered: {len(missing)}"
    )
    for key, example in findings.failures.items():
        print("  ", key, "\n     ", example)
    for line in missing:
        print("  ", line)
    assert findings.failures == {}
    assert missing == []
