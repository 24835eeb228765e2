"""JSON Schemas and the AsyncAPI document, generated from the pydantic contracts.

`harbour contracts generate` writes them under contracts/; a unit test fails when the
checked-in files differ from what the models say, so the documents cannot drift.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contracts import topology
from contracts.envelope import Envelope
from contracts.registry import EVENT_TYPES

ROOT = Path(__file__).parent
SCHEMA_DIR = ROOT / "schemas"
ASYNCAPI_PATH = ROOT / "asyncapi.json"


def event_schema(event_type: str) -> dict[str, Any]:
    spec = EVENT_TYPES[event_type]
    schema = Envelope[spec.payload].model_json_schema()  # type: ignore[name-defined]
    schema["title"] = event_type
    schema["$id"] = f"https://harbour.example/schemas/{event_type}.json"
    return schema


def asyncapi() -> dict[str, Any]:
    consumers: dict[str, list[str]] = {}
    for queue in topology.QUEUES:
        for key in queue.routing_keys:
            consumers.setdefault(key, []).append(queue.name)
    channels = {
        name: {
            "description": (EVENT_TYPES[name].payload.__doc__ or "").strip(),
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": topology.EXCHANGE, "type": "topic", "durable": True},
                }
            },
            "publish": {
                "operationId": f"publish_{name.replace('.', '_')}",
                "summary": f"published by {EVENT_TYPES[name].producer}",
                "message": {"$ref": f"#/components/messages/{name}"},
            },
            "subscribe": {
                "operationId": f"consume_{name.replace('.', '_')}",
                "summary": "consumed by queues " + ", ".join(sorted(consumers.get(name, []))),
                "message": {"$ref": f"#/components/messages/{name}"},
            },
        }
        for name in sorted(EVENT_TYPES)
    }
    messages = {
        name: {
            "name": name,
            "contentType": "application/json",
            "payload": {"$ref": f"schemas/{name}.json"},
        }
        for name in sorted(EVENT_TYPES)
    }
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": "Harbour events",
            "version": "1",
            "description": "Integration events on the durable topic exchange "
            f"'{topology.EXCHANGE}'. Routing key = event type.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages},
    }


def rendered() -> dict[Path, str]:
    """Every generated file and its exact text."""
    files = {SCHEMA_DIR / f"{name}.json": _dump(event_schema(name)) for name in sorted(EVENT_TYPES)}
    files[ASYNCAPI_PATH] = _dump(asyncapi())
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
