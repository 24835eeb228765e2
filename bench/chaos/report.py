"""The chaos run's figures as a table (the JSON holds everything)."""

from __future__ import annotations

from typing import Any

from bench.stats import table


def report(results: dict[str, Any]) -> str:
    offered, accepted = results["offered"], results["accepted"]
    rows = [
        ["figure", "value"],
        [
            "offered: concerns (at /s), police rows, clock probes, poison",
            f"{offered['concerns']} ({offered['rate_per_second']:g}/s), {offered['police_rows']},"
            f" {offered['clock_probes']}, {offered['poison']}",
        ],
        [
            "accepted: concerns (202), matched police children, clock probes",
            f"{accepted['concerns']}, {accepted['police']}, {accepted['probes']}",
        ],
        ["answers to concerns (status or error: count)", _codes(results["answers"]["concerns"])],
        [
            "concerns retried / given up by the client",
            f"{results['answers']['concerns_retried']} / {results['answers']['concerns_given_up']}",
        ],
    ]
    for kind, effects in results["effects"].items():
        for effect, n in effects.items():
            rows.append(
                [
                    f"{kind}: {effect} found / lost / duplicated",
                    f"{n['found']} / {n['lost']} / {n['duplicated']}",
                ]
            )
    alerts = results["operations_alerts"]
    rows += [
        ["LOST (all kinds and effects)", str(results["lost"])],
        [
            "chronology entries beyond their keys (an event appended twice)",
            str(results.get("chronology_entries_beyond_their_keys", "not counted")),
        ],
        ["DUPLICATED (all kinds and effects)", str(results["duplicated"])],
        ["dead letters per service (poison only expected)", str(results["dead_letters"])],
        ["dead letters that were not poison", str(len(results["dead_letters_not_poison"]))],
        [
            "operators' alerts stored / expected",
            f"{alerts['stored']} / {alerts['expected']}",
        ],
        [
            "deadline phases on the wire; decided twice; republished",
            f"{results['deadline_phases']['phases']}; "
            f"{results['deadline_phases']['decided_twice']}; "
            f"{results['deadline_phases']['republished']}",
        ],
    ]
    for fault in results["faults"]:
        drain = fault["drain"]
        last = f" (last: {drain['last_effect']})" if drain.get("last_effect") else ""
        rows.append([f"  {fault['name']}: restart → drained (s)", f"{drain['seconds']}{last}"])
    rows += [
        ["max: restart → backlog drained (s)", str(results["max_drain_seconds"])],
        ["all settled after the load (s)", str(results["settled_after_seconds"])],
    ]
    return table(rows)


def _codes(codes: dict[str, int]) -> str:
    return ", ".join(f"{code}: {n}" for code, n in sorted(codes.items()))
