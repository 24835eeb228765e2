"""The local store answers filters exactly as MongoDB would.

FerretDB is built with a pre-filter that answers top-level string and boolean conditions
from its own field indexes, and a cache of decoded documents (deploy/ferretdb/patches).
Both must be invisible: generated documents (strings, booleans, arrays, nulls, numbers,
missing fields, strings JSON escapes) and generated filters (equality, $eq, $in, $or,
several fields, `_id`) give the same documents as a plain reading of MongoDB's rules, and a
write is read back at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import Int64, ObjectId
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import ASCENDING, MongoClient
from pymongo.collection import Collection

from tests.support.stack import TestStack

FIELDS = ["school_id", "pupil_id", "tags"]
# Few values, so that filters often match; some that JSON escapes, some that look like JSON.
STRINGS = ["s1", "s2", 'q"x', "Zoë", "[x", "a<b", ""]
MISSING = object()

scalars = st.one_of(st.sampled_from(STRINGS), st.integers(0, 1), st.booleans(), st.none())
values = st.one_of(scalars, st.lists(st.sampled_from([*STRINGS, True, 1]), max_size=3))
documents = st.lists(
    st.fixed_dictionaries({}, optional={field: values for field in FIELDS}),
    min_size=4,
    max_size=12,
)
wanted = st.one_of(st.sampled_from(STRINGS), st.booleans())
conditions = st.one_of(
    wanted,
    wanted.map(lambda v: {"$eq": v}),
    st.lists(wanted, min_size=1, max_size=3).map(lambda vs: {"$in": vs}),
    st.integers(0, 1),
    st.none(),
)
plain_filters = st.dictionaries(st.sampled_from(FIELDS), conditions, max_size=2)
filters = st.one_of(
    plain_filters,
    st.tuples(plain_filters, st.lists(plain_filters, min_size=1, max_size=3)).map(
        lambda t: {**t[0], "$or": t[1]}
    ),
)


def equals(stored: Any, want: Any) -> bool:
    if want is None:
        return stored is MISSING or stored is None
    return type(stored) is type(want) and stored == want


def field_matches(stored: Any, want: Any) -> bool:
    """MongoDB's equality: the value itself, or an element of an array."""
    if equals(stored, want):
        return True
    return isinstance(stored, list) and any(equals(e, want) for e in stored)


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, condition in query.items():
        if key == "$or":
            if not any(matches(doc, branch) for branch in condition):
                return False
            continue
        stored = doc.get(key, MISSING)
        if isinstance(condition, dict) and "$in" in condition:
            ok = any(field_matches(stored, v) for v in condition["$in"])
        elif isinstance(condition, dict):
            ok = field_matches(stored, condition["$eq"])
        else:
            ok = field_matches(stored, condition)
        if not ok:
            return False
    return True


@pytest.fixture(scope="module")
def collection(stack: TestStack) -> Iterator[Collection[dict[str, Any]]]:
    client: MongoClient[dict[str, Any]] = MongoClient(
        stack.base_env()["HARBOUR_MONGO_URL"], tz_aware=True
    )
    db = client[f"{stack.db_prefix}storefilters"]
    coll = db["probe"]
    # Indexed and unindexed fields: the pre-filter must be right either way.
    coll.create_index([("school_id", ASCENDING), ("pupil_id", ASCENDING)])
    try:
        yield coll
    finally:
        client.drop_database(db.name)
        client.close()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(docs=documents, query=filters)
def test_filters_match_mongodb_rules(
    collection: Collection[dict[str, Any]], docs: list[dict[str, Any]], query: dict[str, Any]
) -> None:
    collection.delete_many({})
    stored = [{"_id": f"d{n}", **doc} for n, doc in enumerate(docs)]
    if stored:
        collection.insert_many(stored)
    want = sorted(d["_id"] for d in stored if matches(d, query))
    assert sorted(d["_id"] for d in collection.find(query)) == want
    assert collection.count_documents(query) == len(want)
    if want:  # with `_id` too, as the services' tenant-scoped reads by id do
        assert [d["_id"] for d in collection.find({"_id": want[0], **query})] == [want[0]]
    by_ids = collection.find({"_id": {"$in": [*want, "nobody"]}})
    assert sorted(d["_id"] for d in by_ids) == want


def test_a_write_is_read_back_at_once(collection: Collection[dict[str, Any]]) -> None:
    collection.delete_many({})
    collection.insert_one({"_id": "w", "school_id": "s1", "n": 0})
    for n in (1, 2, 1, 0, 1):  # back to earlier states too: the cache keys on content
        collection.update_one({"_id": "w"}, {"$set": {"n": n}})
        assert collection.find_one({"_id": "w"})["n"] == n  # type: ignore[index]
        assert collection.find_one({"school_id": "s1"})["n"] == n  # type: ignore[index]
    collection.update_one({"_id": "w"}, {"$set": {"school_id": "s2"}})
    assert collection.find_one({"school_id": "s1"}) is None
    assert collection.find_one({"school_id": "s2"})["_id"] == "w"  # type: ignore[index]


def test_a_document_reads_back_as_written_whatever_its_values(
    collection: Collection[dict[str, Any]],
) -> None:
    """The store caches each document it writes under its stored text: what a read hands
    back must still be exactly what was written, types included, and a change to a copy
    handed out must not reach the next read."""
    collection.delete_many({})
    written = {
        "_id": "typed",
        "at": datetime(2026, 11, 30, 9, 15, 30, 123000, tzinfo=UTC),
        "small": 7,
        "large": Int64(2**40),
        "ratio": 0.25,
        "none": None,
        "flag": False,
        "ref": ObjectId("6750a1b2c3d4e5f601234567"),
        "raw": b"\x00\x01sealed",
        "nested": {"list": [1, "two", {"three": [3.0]}], "empty": {}},
        "text": 'Zoë said "no" <b>',
    }
    collection.insert_one(dict(written))
    for _ in range(2):  # a cache hit the second time
        read = collection.find_one({"_id": "typed"})
        assert read == written
        assert type(read["large"]) is Int64 and type(read["small"]) is int  # type: ignore[index]
    collection.update_one(
        {"_id": "typed"}, {"$push": {"nested.list": "four"}, "$inc": {"small": 1}}
    )
    read = collection.find_one({"_id": "typed"})
    assert read is not None and read["small"] == 8
    assert read["nested"]["list"] == [1, "two", {"three": [3.0]}, "four"]
    assert read["at"] == written["at"] and read["raw"] == written["raw"]
