"""`make chaos` (python -m bench.chaos): see bench/chaos/__init__.py and docs/reliability.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.chaos import accounting
from bench.chaos.faults import inject_faults
from bench.chaos.infra import ChaosStack, PrivateFerretDB, PrivateRabbitMQ
from bench.chaos.load import (
    Answers,
    clock_probes,
    offer_concerns,
    poison,
    probed_child,
    send_police_batches,
    set_up_trust,
)
from bench.chaos.proxy import TcpProxy
from bench.chaos.report import report
from contracts import intake_v1
from contracts.topology import QUEUES
from tests.support.stack import ROOT

# The services' production timings, not the fast loops the tests use.
PRODUCTION_TIMING = {
    "HARBOUR_RELAY_POLL_SECONDS": "0.5",
    "HARBOUR_HANDLER_RETRY_SECONDS": "20",
    "HARBOUR_SCHEDULER_INTERVAL_SECONDS": "2",
}
# Killed in turn: every service process, the second replicas included.
PROCESSES = ["intake", "case", "case-2", "notification", "notification-2", "records"]
CUT_SERVICE = "records"


def parse_args() -> argparse.Namespace:
    data_dir = Path(os.environ.get("HARBOUR_DATA_DIR", ROOT / ".data"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=50, help="concerns offered per second")
    parser.add_argument("--concerns", type=int, default=10_000, help="at least this many")
    parser.add_argument("--batch-rows", type=int, default=500, help="children per police batch")
    parser.add_argument("--batch-every", type=float, default=60, help="seconds between batches")
    parser.add_argument("--schools", type=int, default=5)
    parser.add_argument("--pupils", type=int, default=200, help="on each school's roll")
    parser.add_argument("--gap", type=float, default=20, help="seconds between faults")
    parser.add_argument("--down", type=float, default=5, help="seconds a killed part stays down")
    parser.add_argument("--cut", type=float, default=10, help="seconds the connection is cut")
    parser.add_argument("--probe-every", type=float, default=2, help="seconds between probes")
    parser.add_argument("--probe-due", type=float, default=20, help="a probe's deadline, s")
    parser.add_argument("--settle-timeout", type=float, default=900)
    parser.add_argument("--ferretdb-bin", type=Path, default=data_dir / "bin" / "harbour-ferretdb")
    parser.add_argument("--keep", action="store_true", help="keep the private data and logs")
    return parser.parse_args()


CONCERN_QUEUES = [q.name for q in QUEUES if intake_v1.CONCERN_RAISED in q.routing_keys]


async def scenario(
    args: argparse.Namespace,
    stack: ChaosStack,
    store: PrivateFerretDB,
    broker: PrivateRabbitMQ,
    proxy: TcpProxy,
) -> dict[str, Any]:
    concerns, police = Answers(), Answers()
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=30, limits=limits) as http:
        tenant = await set_up_trust(http, args.schools, args.pupils)
        print(
            f"load: {args.rate:g} concerns/s, a {args.batch_rows}-row police batch every "
            f"{args.batch_every:g} s; faults every {args.gap:g} s",
            flush=True,
        )
        faults_done = asyncio.Event()
        offering = asyncio.create_task(
            offer_concerns(http, tenant, args.rate, args.concerns, faults_done, concerns)
        )
        batches = asyncio.create_task(
            send_police_batches(
                http, tenant, args.batch_rows, args.batch_every, faults_done, police
            )
        )
        probes = asyncio.create_task(
            clock_probes(broker.url, tenant, args.probe_every, args.probe_due, faults_done)
        )
        poisoned = [await poison(broker.url, tenant)]
        started = time.monotonic()
        faults = await inject_faults(
            stack,
            PROCESSES,
            store,
            broker,
            proxy,
            CUT_SERVICE,
            gap_seconds=args.gap,
            down_seconds=args.down,
            cut_seconds=args.cut,
        )
        poisoned.append(await poison(broker.url, tenant))
        faults_done.set()
        offered = await offering
        await batches
        clock = await probes
        load_seconds = time.monotonic() - started

    print("settling: until the queues are empty and every relay has published", flush=True)
    urls = [stack.url(key) for key in PROCESSES]
    settled = await accounting.wait_until_quiet(broker.url, urls, args.settle_timeout)
    probe_keys = accounting.entry_keys(*probed_child(tenant), clock)
    stores = accounting.Stores(store.url, stack.db_prefix, probe_keys)
    try:
        settled += await accounting.wait_for_breaches(stores, clock, args.settle_timeout)
        matched = await stores.matched_notices(police.accepted)
        items = {"concerns": set(concerns.accepted), "police": matched, "probes": set(clock)}
        found, scanned = await accounting.wait_until_complete(stores, items, args.settle_timeout)
        settled += scanned
        accepted_at = {**concerns.accepted, **{n: police.accepted[n] for n in matched}}
        drains = accounting.drain_seconds(faults, accepted_at, found)
        outbox_doubled = await stores.deadline_outboxes()
        beyond_keys = await stores.entries_beyond_keys()
        operations_alerts = await stores.operations_alerts()
    finally:
        await stores.close()
    dlq = await accounting.dead_letters(broker.url, ("case", "notification", "records"))
    wire = await accounting.phases_on_the_wire(broker.url)
    effects = {kind: accounting.count_effects(ids, found) for kind, ids in items.items()}
    not_poison = [m for ms in dlq.values() for m in ms if m["message_id"] not in poisoned]
    return {
        "offered": {
            "concerns": offered,
            "rate_per_second": args.rate,
            "police_rows": len(police.accepted),
            "clock_probes": len(clock),
            "poison": len(poisoned),
            "seconds": round(load_seconds, 1),
        },
        "answers": {
            "concerns": dict(concerns.codes),
            "concerns_retried": concerns.retried,
            "concerns_given_up": concerns.given_up,
            "police_batches": dict(police.codes),
        },
        "accepted": {k: len(v) for k, v in items.items()},
        "effects": effects,
        "lost": sum(e["lost"] for kind in effects.values() for e in kind.values()),
        "duplicated": beyond_keys
        + sum(e["duplicated"] for kind in effects.values() for e in kind.values()),
        "chronology_entries_beyond_their_keys": beyond_keys,
        "settled_after_seconds": round(settled, 1),
        "faults": [{**f.as_json(), "drain": drains[f.name]} for f in faults],
        "max_drain_seconds": max(
            (d["seconds"] for d in drains.values() if d["seconds"] is not None), default=None
        ),
        "dead_letters": {s: len(ms) for s, ms in dlq.items()},
        "dead_letters_not_poison": not_poison,
        "operations_alerts": {
            "stored": len(operations_alerts),
            # One per poison event and queue that takes a raised concern.
            "expected": len(poisoned) * len(CONCERN_QUEUES),
            "not_poison": [a for a in operations_alerts if a["message_id"] not in poisoned],
        },
        "deadline_phases": wire,
        "deadlines_with_a_phase_twice_in_the_outbox": dict(outbox_doubled),
    }


def main() -> None:
    args = parse_args()
    # The runner's own clients retry through every outage; their complaints are expected.
    for noisy in ("aio_pika", "aiormq"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    home = ROOT / ".data" / "chaos" / stamp
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "arguments": {k: str(v) for k, v in vars(args).items()},
    }
    store = PrivateFerretDB(args.ferretdb_bin, home / "ferretdb")
    broker = PrivateRabbitMQ(home / "rabbitmq")
    proxy = TcpProxy(broker.port)
    stack = ChaosStack(
        log_dir=home / "logs", settings=PRODUCTION_TIMING, broker_url=broker.url, store_url=""
    )
    try:
        print(
            f"private FerretDB on :{store.port}, RabbitMQ node {broker.node} on "
            f":{broker.port}; data and logs in {home}",
            flush=True,
        )
        store.start()
        broker.start()
        asyncio.run(accounting.declare_capture(broker.url))
        proxy.start()
        stack.store_url = store.url
        stack.create()
        for key in PROCESSES:
            name, _, replica = key.partition("-")
            overrides = {}
            if key == CUT_SERVICE:
                overrides["HARBOUR_RABBIT_URL"] = proxy.url_for(broker.url)
            stack.add(name, replica, **overrides).start(wait=False)
        for key in PROCESSES:
            stack[key].wait_ready(timeout=300)
        results |= asyncio.run(scenario(args, stack, store, broker, proxy))
    finally:
        stack.destroy()
        proxy.stop()
        broker.stop()
        store.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    results["finished_at"] = datetime.now(UTC).isoformat()
    print()
    print(report(results))
    out = ROOT / "bench" / "results" / f"chaos-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
