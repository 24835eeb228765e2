"""Render time of the web pages that grow with a school's history: the child's file with
200 chronology entries and the alerts inbox with 500 alerts (p50/p95 over 100 loads each).

    .venv/bin/python -m bench.web_render [--loads 100] [--entries 200] [--alerts 500]

Runs its own five service processes in a private vhost and database prefix (like
`make bench`), fills them through the real APIs (every concern travels intake → broker →
records, notification and case), then times whole page loads through web, which calls
the services as the signed-in user. Prints the figures and writes bench/results/web.json.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import uuid

import httpx

from bench.stats import summary_ms, table
from tests.support.api import bearer, concern_body, token
from tests.support.stack import ROOT, TestStack


def wait_for(probe, want: int, what: str, timeout: float = 600) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while (have := probe()) < want:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: {have} of {want}")
        time.sleep(1)


def fill(stack: TestStack, entries: int, alerts: int) -> tuple[str, str]:
    school, trust = f"bench-{uuid.uuid4().hex[:6]}", "bench-trust"
    admin = bearer(token("admin-1", "admin", school=school, trust=trust))
    staff = bearer(token("teacher-1", "staff", school=school))
    dsl = bearer(token("dsl-1", "dsl", school=school))
    intake = httpx.Client(base_url=stack.url("intake"), timeout=30)
    intake.put(
        f"/v1/schools/{school}", json={"name": "Bench Primary", "trust_id": trust}, headers=admin
    ).raise_for_status()
    pupils = ["P-FILE", *(f"P-{n}" for n in range(20))]
    for pupil in pupils:
        intake.put(
            f"/v1/schools/{school}/pupils/{pupil}",
            json={"forename": "Amelia", "surname": "Hart", "date_of_birth": "2016-04-12"},
            headers=admin,
        ).raise_for_status()
    marks = [
        {
            "view": "front",
            "x": 0.78,
            "y": 0.44,
            "area": "left_forearm",
            "kind": "bruise",
            "note": "Yellowish, size of a 50p coin.",
        }
    ]
    for n in range(max(entries, alerts)):
        pupil = "P-FILE" if n < entries else pupils[1 + n % 20]
        body = concern_body(school, pupil, body_map=marks if n % 4 == 0 else [])
        intake.post(
            "/v1/concerns", json=body, headers={**staff, "Idempotency-Key": f"bench-{n}"}
        ).raise_for_status()
    records = httpx.Client(base_url=stack.url("records"), timeout=30)
    notification = httpx.Client(base_url=stack.url("notification"), timeout=30)
    wait_for(
        lambda: len(
            records.get("/v1/children/P-FILE/chronology", headers=dsl).json().get("entries", [])
        ),
        entries,
        "chronology entries",
    )
    wait_for(
        lambda: len(
            notification.get("/v1/alerts", params={"limit": 500}, headers=dsl).json()["alerts"]
        ),
        alerts,
        "alerts",
    )
    return school, "P-FILE"


def signed_in(web_url: str, school: str) -> httpx.Client:
    web = httpx.Client(base_url=web_url, timeout=60, follow_redirects=True)
    form = web.get("/dev/sign-in").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    web.post(
        "/dev/sign-in",
        data={
            "csrf_token": csrf,
            "user_id": "dsl-1",
            "school_id": school,
            "trust_id": "",
            "role": "dsl",
            "mfa": "yes",  # safeguarding roles sign in with a second factor
            "next": "/alerts",
        },
    )
    # A refused sign-in would time the sign-in page instead of the file and the inbox.
    if "Sign out" not in web.get("/alerts").text:
        raise RuntimeError("dev sign-in refused: the pages would not be the DSL's")
    return web


def timed(web: httpx.Client, path: str, loads: int, expect: str = "") -> list[float]:
    warm = web.get(path)  # warm: connections, template compilation
    warm.raise_for_status()
    if expect not in warm.text:
        raise RuntimeError(f"{path} does not show {expect!r}")
    seconds = []
    for _ in range(loads):
        start = time.perf_counter()
        response = web.get(path)
        seconds.append(time.perf_counter() - start)
        response.raise_for_status()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=100)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--alerts", type=int, default=500)
    args = parser.parse_args()
    stack = TestStack(log_dir=ROOT / ".data" / "test-logs" / "bench-web")
    stack.create()
    try:
        stack.start_all()
        stack.add_web(HARBOUR_LOG_LEVEL="WARNING").start()
        school, pupil = fill(stack, args.entries, args.alerts)
        web = signed_in(stack.url("web"), school)
        dsl = bearer(token("dsl-1", "dsl", school=school))
        records = httpx.Client(base_url=stack.url("records"), timeout=60, headers=dsl)
        notification = httpx.Client(base_url=stack.url("notification"), timeout=60, headers=dsl)
        case = httpx.Client(base_url=stack.url("case"), timeout=60, headers=dsl)
        results = {
            f"child's file ({args.entries} entries)": timed(
                web, f"/children/{school}/{pupil}", args.loads, "Open deadlines"
            ),
            "  records chronology API alone": timed(
                records, f"/v1/children/{pupil}/chronology", args.loads
            ),
            "  case open deadlines API alone": timed(
                case, f"/v1/deadlines?pupil_id={pupil}&status=open", args.loads
            ),
            f"alerts inbox ({args.alerts} alerts)": timed(
                web, "/alerts", args.loads, "not acknowledged"
            ),
            "  notification alerts API alone": timed(
                notification, "/v1/alerts?limit=500", args.loads
            ),
        }
    finally:
        stack.destroy()
    summaries = {name: summary_ms(s) for name, s in results.items()}
    rows = [["page", "n", "p50 ms", "p95 ms", "max ms"]]
    rows += [
        [name, str(s["n"]), str(s["p50_ms"]), str(s["p95_ms"]), str(s["max_ms"])]
        for name, s in summaries.items()
    ]
    print(table(rows))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "web.json").write_text(json.dumps(summaries, indent=2))


if __name__ == "__main__":
    main()
