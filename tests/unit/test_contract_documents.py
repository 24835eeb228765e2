"""The checked-in JSON Schemas and AsyncAPI document say what the pydantic contracts say."""

import json

from contracts import topology
from contracts.documents import ASYNCAPI_PATH, SCHEMA_DIR, rendered
from contracts.registry import EVENT_TYPES


def test_checked_in_documents_match_the_models():
    stale = [p.name for p, text in rendered().items() if not p.is_file() or p.read_text() != text]

    assert stale == [], "run `harbour contracts generate` and commit the result"


def test_no_stray_schema_files():
    assert {p.name for p in SCHEMA_DIR.glob("*.json")} == {f"{t}.json" for t in EVENT_TYPES}


def test_every_event_has_a_consumer_queue_so_publishing_is_routable():
    bound = {key for queue in topology.QUEUES for key in queue.routing_keys}

    assert set(EVENT_TYPES) <= bound


def test_routing_keys_follow_the_naming_rule():
    """<producer>.<subject>.<verb>.v<major>; a case's own steps name no second subject
    (case.closed.v1, case.reopened.v1)."""
    for name, spec in EVENT_TYPES.items():
        parts = name.split(".")
        assert len(parts) == 4 or (len(parts) == 3 and parts[0] == "case"), name
        producer, version = parts[0], parts[-1]
        assert producer == spec.producer
        assert version == "v" + spec.schema_version.split(".")[0]


def test_asyncapi_lists_every_event():
    document = json.loads(ASYNCAPI_PATH.read_text())

    assert set(document["channels"]) == set(EVENT_TYPES)
