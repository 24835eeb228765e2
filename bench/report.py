"""The table `make bench` prints."""

from __future__ import annotations

from typing import Any

from bench.stats import table


def report(results: dict[str, Any]) -> str:
    rows = [["figure", "value"]]
    if c := results.get("ceiling"):
        rows += [
            ["ceiling: messages/s (bare aio-pika)", f"{c['messages_per_second']}"],
            [
                "ceiling: round trip p50 / p99 ms",
                f"{c['round_trip_p50_ms']} / {c['round_trip_p99_ms']}",
            ],
        ]
    if st := results.get("store_ceiling"):
        rows.append(
            [
                f"store ceiling (pool {st['pool']}): insert_one / update_one / find_one per s",
                f"{st['insert_one_per_second']} / {st['update_one_per_second']}"
                f" / {st['find_one_per_second']}",
            ]
        )
    if s := results.get("steady"):
        rows.append(
            [
                f"steady {s['offered_rate']}/s: accepted / refused",
                f"{s['accepted']} / {sum(s['refused'].values())} {s['refused'] or ''}",
            ]
        )
        for effect in ("alert", "chronology", "deadline", "all_three"):
            lat = s["latency"][effect]
            rows.append(
                [
                    f"  202 → {effect} p50/p95/p99/max ms",
                    f"{lat['p50_ms']} / {lat['p95_ms']} / {lat['p99_ms']} / {lat['max_ms']}",
                ]
            )
    if s:
        rows += cost_rows(f"steady {s['offered_rate']}/s", s["costs"])
    if r := results.get("ramp"):
        for step in r["steps"]:
            rows.append(
                [
                    f"  ramp {step['offered_rate']}/s: fanned out/s, p99 all three ms",
                    f"{step['fanned_out_per_second']}, {step['p99_all_three_ms']}",
                ]
            )
        rows.append(
            ["max sustained: concerns/s fully fanned out", f"{r['max_sustained_per_second']}"]
        )
        if "ratio_to_ceiling" in r:
            rows.append(["  ratio to ceiling", f"{r['ratio_to_ceiling']}"])
        best = max(r["steps"], key=lambda step: step["fanned_out_per_second"])
        rows += cost_rows(f"ramp {best['offered_rate']}/s", best["costs"])
        if "store_ratio" in r:
            rows.append(
                [
                    "  concerns/s × commands per concern ÷ store ceiling",
                    f"{r['store_ratio']}",
                ]
            )
    if e := results.get("encompass_burst"):
        rows += [
            ["encompass: roster import of 50,000 pupils (s)", f"{e['roster_import_seconds']}"],
            ["encompass: roster events settled (s)", f"{e['roster_events_settled_seconds']}"],
            ["encompass: batch answered (s)", f"{e['batch_answered_seconds']}"],
            [
                "encompass: seconds until every matched child is done",
                f"{e['seconds_to_all_effects']}",
            ],
            [
                "encompass: matched / unmatched",
                f"{e['summary'].get('matched')} / {e['summary'].get('unmatched')}",
            ],
        ]
    for service, mb in results.get("peak_memory_mb", {}).items():
        rows.append([f"peak RSS {service} (MB)", f"{mb}"])
    return table(rows)


def cost_rows(phase: str, costs: dict[str, Any]) -> list[list[str]]:
    rows = [
        [f"{phase}: store commands per concern", f"{costs['store_commands_per_concern']}"],
        [
            f"{phase}: CPU ms per concern (total)",
            f"{costs['cpu_ms_per_concern_total']}  "
            + ", ".join(f"{k} {v}" for k, v in costs["cpu_ms_per_concern"].items()),
        ],
    ]
    for service, counts in costs["store_commands_by_service"].items():
        top = list(counts["by_command"].items())[:6]
        rows.append(
            [
                f"  {service}: {counts['total']} commands",
                ", ".join(f"{k} {v}" for k, v in top),
            ]
        )
    return rows
