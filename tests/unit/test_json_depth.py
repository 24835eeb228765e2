"""How deeply a JSON body nests, counted without parsing it."""

from __future__ import annotations

import json
import time

import pytest

from services.common.json_depth import json_depth


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"1", 0),
        (b'"text"', 0),
        (b"{}", 1),
        (b'{"a": [1, 2, {"b": null}]}', 3),
        (b'{"a": "[[[[ {{{{"}', 1),  # brackets inside a string do not count
        (b'{"a": "a \\" quote [[[", "b": [[]]}', 3),  # nor after an escaped quote
        (b"[[[],[[]]],[]]", 4),
    ],
)
def test_depth(body, depth):
    assert json_depth(body) == depth


def test_depth_agrees_with_the_parser_on_a_real_rota():
    rota = {"tiers": [{"members": [{"user_id": "dsl-1", "name": "Dee [Sell]"}]}]}
    assert json_depth(json.dumps(rota).encode()) == 5


def test_a_mebibyte_of_brackets_is_counted_quickly():
    started = time.perf_counter()
    depth = json_depth(b"[]" * (512 * 1024))
    elapsed = time.perf_counter() - started

    assert depth == 1
    assert elapsed < 1.0  # 0.05–0.07 s measured on a 2-core machine
