"""The tenant and role matrix: every operation of the four APIs (read from each running
service's OpenAPI, so a new endpoint is in it without editing anything), called by every
user of the world (tests/integration/tenant_world.py) against the target school's objects.

A call is a violation when
- a user outside the target's tenant (another school, another trust, or a trust-wide user
  of another trust) gets a 2xx whose body holds any of the target's markers, or a 2xx to a
  write (it would land in another tenant);
- a user of the target's tenant whose role the operation does not document
  (`x-harbour-roles` in its OpenAPI) gets anything but 403 or 404;
- for an object with people of its own (an adult case: its manager, the trust lead the
  trust named, the DSLs the manager named; never its subject), anyone else, whatever their
  role, gets anything but 403 or 404 from an operation naming it, or a 2xx anywhere whose
  body holds its ids or words (Site.audiences, Site.private);
- an operation does not document its roles, or names a path parameter no kind of object
  fills.
A write is replayed with the exact body the world used to make the object (so it passes
validation and meets the access check); users the operation allows at the target are not
asked to write (they would change the objects the other calls look for).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from services.common.openapi_answers import READS_ONLY_KEY, ROLES_KEY
from tests.integration.tenant_world import SERVICES, Site, Who, World

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
WRITES = {"PUT", "POST", "DELETE", "PATCH"}


@dataclass(frozen=True)
class Op:
    service: str
    method: str
    template: str
    spec: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.template}"

    @property
    def roles(self) -> dict[str, list[str]] | None:
        """{"at_school": [...], "trust_wide": [...]} as the route documents them."""
        return self.spec.get(ROLES_KEY)

    @property
    def takes_bearer(self) -> bool:
        return any("HTTPBearer" in scheme for scheme in self.spec.get("security", []))

    @property
    def writes(self) -> bool:
        return self.method in WRITES and not self.spec.get(READS_ONLY_KEY, False)

    def parameters(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p["in"] == where]


@dataclass(frozen=True)
class Call:
    op: Op
    who: Who
    status: int
    problem: str | None


async def operations(http: dict[str, httpx.AsyncClient]) -> list[Op]:
    found: list[Op] = []
    for service in SERVICES:
        document = (await http[service].get("/openapi.json")).json()
        for template, item in document["paths"].items():
            for method, spec in item.items():
                if method in HTTP_METHODS:
                    found.append(Op(service, method.upper(), template, spec))
    return found


def relation(who: Who, site: Site) -> str:
    """ "own" (the target's school), "trust" (trust-wide over it) or "other"."""
    if who.trust_id != site.trust_id:
        return "other"
    if who.school_id is None:
        return "trust"
    return "own" if who.school_id == site.school_id else "other"


def allowed(op: Op, who: Who, site: Site) -> bool:
    """Whether the operation documents this user's role over the target's objects, and,
    where it names an object with people of its own (an adult case), the user is one."""
    where = relation(who, site)
    if where == "other" or op.roles is None:
        return False
    names = re.findall(r"\{([^}]+)\}", op.template)
    if any(who.user_id not in site.audiences[n] for n in names if n in site.audiences):
        return False
    return who.role in op.roles["trust_wide" if where == "trust" else "at_school"]


def request_for(op: Op, world: World) -> dict[str, Any] | str:
    """The path, query and body to call the operation on the target's objects, or why not."""
    site = world.target
    values = {**site.ids}
    path = op.template
    for name in re.findall(r"\{([^}]+)\}", op.template):
        if name not in values:
            return f"no kind of object fills the path parameter {name!r}"
        path = path.replace("{" + name + "}", values[name])
    query = {p["name"]: values[p["name"]] for p in op.parameters("query") if p["name"] in values}
    missing = [
        p["name"] for p in op.parameters("query") if p.get("required") and p["name"] not in query
    ]
    if missing:
        return f"no value for the required query parameter(s) {missing}"
    request: dict[str, Any] = {"url": path, "params": query}
    if op.method in WRITES:
        made = world.writes.get((op.service, op.method, op.template))
        if made is not None and made.body is not None:
            raw = made.body if isinstance(made.body, str) else json.dumps(made.body)
            request["content"] = raw.encode()
            request["headers"] = {"Content-Type": made.content_type}
        elif "requestBody" in op.spec:
            return "no kind of object makes this write: add one to KINDS"
    return request


async def call(
    http: dict[str, httpx.AsyncClient], op: Op, who: Who, world: World, request: dict[str, Any]
) -> Call:
    headers = {**request.get("headers", {}), **who.headers}
    if op.method in WRITES:
        headers["Idempotency-Key"] = uuid.uuid4().hex
    args = {k: v for k, v in request.items() if k != "headers"}
    answer = await http[op.service].request(op.method, headers=headers, **args)
    return Call(op, who, answer.status_code, judge(op, who, world, answer))


def judge(op: Op, who: Who, world: World, answer: httpx.Response) -> str | None:
    site = world.target
    where = relation(who, site)
    ok = 200 <= answer.status_code < 300
    if answer.status_code >= 500:
        return f"{answer.status_code} (a server error)"
    if ok:
        private = sorted(m for m, people in site.private.items() if who.user_id not in people)
        seen = [m for m in private if m in answer.text]
        if seen:
            return f"{answer.status_code} with what only an adult case's people see: {seen[:3]}"
    if where == "other":
        if ok and op.writes:
            return f"{answer.status_code} to a write on another tenant's object"
        if ok:
            leaked = sorted(m for m in site.markers if m in answer.text)
            if leaked:
                return f"{answer.status_code} with another tenant's data: {leaked[:3]}"
        return None
    if not allowed(op, who, site) and answer.status_code not in (403, 404):
        return f"{answer.status_code}, not 403/404, for a role the operation does not allow"
    return None


async def run_matrix(
    http: dict[str, httpx.AsyncClient], world: World, *, concurrency: int = 8
) -> tuple[list[Op], list[Call], list[str]]:
    """Every bearer operation × every user; reads first, then writes (so a write that
    wrongly succeeds cannot hide a leak from a read)."""
    ops = [op for op in await operations(http) if op.takes_bearer]
    problems: list[str] = []
    for op in ops:
        if op.roles is None:
            problems.append(f"{op}: its roles are not documented ({ROLES_KEY})")
    gate = asyncio.Semaphore(concurrency)
    calls: list[Call] = []

    async def one(op: Op, who: Who, request: dict[str, Any]) -> None:
        async with gate:
            calls.append(await call(http, op, who, world, request))

    for phase in ("reads", "writes"):
        jobs = []
        for op in ops:
            if op.writes != (phase == "writes"):
                continue
            request = request_for(op, world)
            if isinstance(request, str):
                problems.append(f"{op}: {request}")
                continue
            for who in world.people:
                if phase == "writes" and allowed(op, who, world.target):
                    continue
                jobs.append(one(op, who, request))
        await asyncio.gather(*jobs)
    return ops, calls, problems
