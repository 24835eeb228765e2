"""`make bench`: end-to-end fan-out against the broker's own ceiling, in one run.

A benchmark, not a test: it prints figures and writes them to bench/results/, and never
fails because the machine is slow. It runs its own four service processes, in a private
RabbitMQ virtual host and database prefix on the broker and store `make up` started, so
that every run starts from empty collections. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.ceiling import measure_ceiling
from bench.costs import CostMeter, infrastructure_pids
from bench.encompass import morning_burst
from bench.fanout import completion_rate, latencies, post_at_rate, wait_for_effects
from bench.report import report
from bench.store_ceiling import measure_store_ceiling
from services.common.settings import CommonSettings
from tests.support.api import bearer, token
from tests.support.stack import SERVICES, TestStack

ROOT = Path(__file__).resolve().parents[1]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50, help="steady offered rate, concerns/s")
    parser.add_argument("--seconds", type=float, default=60, help="steady phase length")
    parser.add_argument(
        "--warm-up",
        type=float,
        default=3,
        help="seconds of the steady rate offered first and not counted (connection pools, "
        "each pupil's first entry)",
    )
    parser.add_argument("--step-seconds", type=float, default=20, help="each step of the ramp")
    parser.add_argument("--steps", default="50,75,100,150,200", help="ramp rates, concerns/s")
    parser.add_argument("--ceiling-messages", type=int, default=20_000)
    parser.add_argument(
        "--skip", default="", help="comma list: ceiling,store,steady,ramp,encompass"
    )
    parser.add_argument(
        "--no-up", action="store_true", help="the broker and store run already: no `make up`"
    )
    parser.add_argument(
        "--against-running",
        action="store_true",
        help="use the services `make up` runs (e.g. to profile them) instead of fresh ones",
    )
    parser.add_argument(
        "--store-stats",
        action="store_true",
        help="time every store command per service, into bench/results/store-<service>.txt",
    )
    return parser.parse_args()


def peak_memory_mb(pids: dict[str, int]) -> dict[str, float]:
    peaks = {}
    for service, pid in pids.items():
        status = Path(f"/proc/{pid}/status").read_text()
        hwm = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        peaks[service] = round(int(hwm.split()[1]) / 1024, 1)
    return peaks


async def bench_school(
    intake: httpx.AsyncClient, trust: str, pupils: int
) -> tuple[str, dict[str, str], list[str]]:
    school = f"bench-{uuid.uuid4().hex[:8]}"
    admin = bearer(token("bench-admin", "admin", school=school, trust=trust, ttl=6 * 3600))
    response = await intake.put(
        f"/v1/schools/{school}", json={"name": "Bench Primary", "trust_id": trust}, headers=admin
    )
    response.raise_for_status()
    ids = []
    for i in range(pupils):
        response = await intake.put(
            f"/v1/schools/{school}/pupils/B{i:04d}",
            json={"forename": "Bench", "surname": f"Pupil{i}", "date_of_birth": "2016-01-01"},
            headers=admin,
        )
        response.raise_for_status()
        ids.append(f"B{i:04d}")
    staff = bearer(token("bench-teacher", "staff", school=school, ttl=6 * 3600))
    return school, staff, ids


async def steady(
    intake: httpx.AsyncClient,
    mongo: AsyncMongoClient[Any],
    prefix: str,
    rate: float,
    seconds: float,
    meter: CostMeter,
    warm_up: float,
) -> dict[str, Any]:
    school, staff, pupils = await bench_school(intake, "bench-trust", pupils=50)
    if warm_up > 0:
        first = await post_at_rate(intake, staff, school, pupils, rate=rate, seconds=warm_up)
        await wait_for_effects(mongo, prefix, list(first.accepted), timeout=600)
    await meter.begin()
    posted = await post_at_rate(intake, staff, school, pupils, rate=rate, seconds=seconds)
    times = await wait_for_effects(mongo, prefix, list(posted.accepted), timeout=600)
    return {
        "costs": await meter.per_concern(len(posted.accepted)),
        "offered_rate": rate,
        "seconds": seconds,
        "warm_up_seconds": warm_up,
        "accepted": len(posted.accepted),
        "refused": dict(posted.refused),
        "latency": latencies(posted, times),
        "fanned_out_per_second": round(completion_rate(posted, times), 1),
    }


async def ramp(
    intake: httpx.AsyncClient,
    mongo: AsyncMongoClient[Any],
    prefix: str,
    rates: list[float],
    seconds: float,
    meter: CostMeter,
) -> dict[str, Any]:
    steps = []
    for rate in rates:
        school, staff, pupils = await bench_school(intake, "bench-trust", pupils=20)
        await meter.begin()
        posted = await post_at_rate(intake, staff, school, pupils, rate=rate, seconds=seconds)
        accepted_rate = len(posted.accepted) / max(posted.last_post - posted.first_post, 1e-9)
        times = await wait_for_effects(mongo, prefix, list(posted.accepted), timeout=900)
        achieved = completion_rate(posted, times)
        steps.append(
            {
                "offered_rate": rate,
                "accepted_rate": round(accepted_rate, 1),
                "refused": dict(posted.refused),
                "fanned_out_per_second": round(achieved, 1),
                "p99_all_three_ms": latencies(posted, times)["all_three"]["p99_ms"],
                "costs": await meter.per_concern(len(posted.accepted)),
            }
        )
        refused = f", refused {dict(posted.refused)}" if posted.refused else ""
        print(f"  ramp {rate:>5}/s → {achieved:.1f}/s fully fanned out{refused}", flush=True)
        if achieved < 0.9 * rate:
            break  # the backlog grows: past what the system sustains
    return {
        "steps": steps,
        "max_sustained_per_second": max(s["fanned_out_per_second"] for s in steps),
    }


@dataclass
class Target:
    intake_url: str
    rabbit_url: str
    mongo_url: str
    db_prefix: str
    pids: dict[str, int]
    service_urls: dict[str, str]

    def meter(self) -> CostMeter:
        pids = {**self.pids, **infrastructure_pids(), "bench": os.getpid()}
        return CostMeter(self.service_urls, pids)


async def run_phases(args: argparse.Namespace, target: Target) -> dict[str, Any]:
    skip = set(filter(None, args.skip.split(",")))
    results: dict[str, Any] = {}
    mongo: AsyncMongoClient[Any] = AsyncMongoClient(target.mongo_url, tz_aware=True)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    prefix = target.db_prefix
    async with httpx.AsyncClient(base_url=target.intake_url, timeout=60, limits=limits) as intake:
        if "ceiling" not in skip:
            print("ceiling: bare aio-pika, persistent + confirms + quorum queue", flush=True)
            results["ceiling"] = await measure_ceiling(
                target.rabbit_url, messages=args.ceiling_messages, size=1400, in_flight=64
            )
        if "store" not in skip:
            print("store ceiling: insert_one, update_one, find_one by _id", flush=True)
            pool = CommonSettings().mongo_max_pool_size
            results["store_ceiling"] = await measure_store_ceiling(
                target.mongo_url, f"{prefix}ceiling", pool=pool
            )
        if "steady" not in skip:
            print(f"steady: {args.rate}/s for {args.seconds}s", flush=True)
            results["steady"] = await steady(
                intake, mongo, prefix, args.rate, args.seconds, target.meter(), args.warm_up
            )
        if "ramp" not in skip:
            print("ramp: raising the offered rate until the backlog grows", flush=True)
            rates = [float(r) for r in args.steps.split(",")]
            results["ramp"] = await ramp(
                intake, mongo, prefix, rates, args.step_seconds, target.meter()
            )
            if "ceiling" in results:
                results["ramp"]["ratio_to_ceiling"] = round(
                    results["ramp"]["max_sustained_per_second"]
                    / results["ceiling"]["messages_per_second"],
                    4,
                )
            if "store_ceiling" in results:
                # How much of what the store can do the best step used: 1.0 is the limit.
                best = max(results["ramp"]["steps"], key=lambda s: s["fanned_out_per_second"])
                ceiling = results["store_ceiling"]
                mixed = (ceiling["insert_one_per_second"] + ceiling["update_one_per_second"]) / 2
                used = best["fanned_out_per_second"] * best["costs"]["store_commands_per_concern"]
                results["ramp"]["store_ratio"] = round(used / mixed, 2)
        if "encompass" not in skip:
            print("encompass: a 5,000-row batch against 50,000 pupils in 20 schools", flush=True)
            trust = f"bench-trust-{uuid.uuid4().hex[:6]}"
            admin = bearer(token("bench-admin", "admin", trust=trust, ttl=6 * 3600))
            results["encompass_burst"] = await morning_burst(
                intake, admin, trust, mongo, prefix, target.rabbit_url
            )
    await mongo.close()
    return results


def running_target() -> Target:
    settings = CommonSettings()
    print(
        "note: the running services throttle writes per user and per address "
        f"({settings.rate_limit_user_per_minute}/min per user by default); start them with "
        "HARBOUR_RATE_LIMIT_USER_PER_MINUTE and _BURST raised, or refusals are 429s "
        "(the isolated run sets them high: tests/support/stack.py)",
        flush=True,
    )
    pids = {s: int((ROOT / ".data/run" / f"{s}.pid").read_text()) for s in SERVICES}
    ports = {"intake": 8001, "case": 8002, "notification": 8003, "records": 8004}
    urls = {s: f"http://127.0.0.1:{port}" for s, port in ports.items()}
    return Target(
        urls["intake"], settings.rabbit_url, settings.mongo_url, settings.db_prefix, pids, urls
    )


def main() -> None:
    args = parse_args()
    if not args.no_up:
        subprocess.run(["make", "-s", "up"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "arguments": vars(args),
    }
    if args.against_running:
        target = running_target()
        results |= asyncio.run(run_phases(args, target))
        results["peak_memory_mb"] = peak_memory_mb(target.pids)
    else:
        results |= run_isolated(args)
    finish(results)


def run_isolated(args: argparse.Namespace) -> dict[str, Any]:
    # The services' own defaults, not the fast loops the tests use.
    production_timing = {
        "HARBOUR_RELAY_POLL_SECONDS": "0.5",
        "HARBOUR_HANDLER_RETRY_SECONDS": "20",
        "HARBOUR_SCHEDULER_INTERVAL_SECONDS": "2",
    }
    stack = TestStack(log_dir=ROOT / ".data" / "bench-logs", settings=production_timing)
    stack.create()
    try:
        for service in SERVICES:
            process = stack.add(service)
            if args.store_stats:
                out = ROOT / "bench" / "results" / f"store-{service}.txt"
                process.argv = [sys.executable, "-m", "bench.store_stats", service, str(out)]
            process.start(wait=False)
        for service in SERVICES:
            stack[service].wait_ready()
        pids = {s: stack[s].pid for s in SERVICES}
        target = Target(
            stack.url("intake"),
            stack.rabbit_url,
            stack.base_env()["HARBOUR_MONGO_URL"],
            stack.db_prefix,
            {s: pid for s, pid in pids.items() if pid is not None},
            {s: stack.url(s) for s in SERVICES},
        )
        results = asyncio.run(run_phases(args, target))
        results["peak_memory_mb"] = peak_memory_mb(target.pids)
        return results
    finally:
        stack.destroy()


def finish(results: dict[str, Any]) -> None:
    results["finished_at"] = datetime.now(UTC).isoformat()
    print()
    print(report(results))
    out = ROOT / "bench" / "results" / f"{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
