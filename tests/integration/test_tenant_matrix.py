"""Tenant isolation and roles, for every endpoint present and future (OWASP API1, broken
object-level authorisation): two trusts of two schools, a user of every role in each and
the trust-wide users, one object of every kind at one school, and every operation called
by every user. See tests/integration/tenant_matrix.py for what counts as a violation."""

from __future__ import annotations

import time

import httpx

from tests.integration.tenant_matrix import operations, run_matrix
from tests.integration.tenant_world import KINDS, SERVICES, build_world

# Operations without a bearer token are outside the matrix, each for its reason:
WITHOUT_A_USER = {
    # Police forces sign with their shared secret (HMAC) and name the children by school
    # URN; which trusts a sender may notify is tested in test_encompass_senders.py.
    "intake POST /v1/encompass/notifications",
    "intake POST /v1/encompass/batches",
    # The one-time link's token is the capability (and the access code told by phone);
    # tested in test_file_transfer.py.
    "records GET /v1/transfer-links/{token}",
    "records POST /v1/transfer-links/{token}/open",
    "records POST /v1/transfer-links/{token}/bundle",
    "records POST /v1/transfer-links/{token}/receipt",
    # Public: the deployment's transfer-signing public key, and health.
    "records GET /.well-known/harbour-transfer-key",
    *(f"{service} GET {path}" for service in SERVICES for path in ("/healthz", "/readyz")),
}


async def test_no_user_reaches_another_tenants_data_or_beyond_their_role(stack, mongo):
    http = {s: httpx.AsyncClient(base_url=stack.url(s), timeout=60) for s in SERVICES}
    try:
        started = time.monotonic()
        world = await build_world(http, mongo)
        built = time.monotonic() - started
        ops, calls, problems = await run_matrix(http, world)
        without_a_user = {str(op) for op in await operations(http) if not op.takes_bearer}
    finally:
        for client in http.values():
            await client.aclose()
    violations = problems + [f"{c.op} as {c.who.label}: {c.problem}" for c in calls if c.problem]
    print(
        f"\ntenant matrix: {len(ops)} endpoints × {len(world.people)} principals = "
        f"{len(ops) * len(world.people)} ({len(calls)} calls made; writes the operation "
        f"allows at the target are not replayed), {len(KINDS)} kinds of object "
        f"(world built in {built:.0f} s, calls in {time.monotonic() - started - built:.0f} s); "
        f"violations: {len(violations)}"
    )
    for violation in violations:
        print("  ", violation)
    assert without_a_user == WITHOUT_A_USER  # a new one is added above, with its reason
    assert len(ops) >= 50 and len(calls) >= 1000
    assert violations == []
    # The adult case is about the target's DSL: on every operation naming it, in case and
    # records, they are told there is no such case (as tests/integration/
    # test_adult_concerns.py shows with every role at once).
    subject = world.at(world.target, "dsl")
    theirs = [c for c in calls if c.who == subject and "{case_id}" in c.op.template]
    assert len(theirs) >= 9 and {c.status for c in theirs} == {404}
