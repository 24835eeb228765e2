"""Rotating the key-encryption key: a new one first in HARBOUR_DATA_KEYS, `harbour
data-keys rewrap`, and the old one can go: what was sealed before still opens."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.common.field_cipher import FieldCipher, KeyEncryptionKeys, kek_id, new_kek
from tests.support.api import School, unique
from tests.support.stack import ROOT, TestStack

OLD, NEW = new_kek(), new_kek()
SENTENCE = "She said the man in the blue van follows her home every Tuesday."


@pytest.fixture(scope="module")
def intake_only() -> Iterator[TestStack]:
    stack = TestStack(log_dir=ROOT / ".data" / "test-logs", settings={"HARBOUR_DATA_KEYS": OLD})
    stack.create()
    try:
        stack.add("intake").start()
        yield stack
    finally:
        stack.destroy()


def _rewrap(stack: TestStack, keys: str) -> str:
    env = {**stack.base_env(), "HARBOUR_DATA_KEYS": keys}
    done = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "data-keys", "rewrap"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


async def test_a_new_kek_rewraps_the_data_keys_and_the_old_one_can_go(intake_only):
    intake = intake_only["intake"]
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        school = await School.register(http)
        pupil = await school.add_pupil()
        raised = await school.raise_concern(pupil, description=SENTENCE)
        assert raised.status_code == 202, raised.text
    concern_id = raised.json()["concern_id"]

    printed = _rewrap(intake_only, f"{NEW},{OLD}")
    assert f"intake: 1 data key(s) re-wrapped under {kek_id(base64.urlsafe_b64decode(NEW))}" in (
        printed
    )

    mongo: AsyncMongoClient = AsyncMongoClient(intake_only.base_env()["HARBOUR_MONGO_URL"])
    try:
        db = mongo[f"{intake_only.db_prefix}intake"]
        stored = await db["concerns"].find_one({"_id": concern_id})
        assert SENTENCE not in json.dumps(stored, default=str)
        only_new = FieldCipher(KeyEncryptionKeys.parse(NEW), db["data_keys"])
        box = await only_new.for_trust(school.trust_id)
        assert box.open(stored["concern"]["description"]) == SENTENCE
    finally:
        await mongo.close()

    # intake restarted with the new key alone goes on sealing for the trust.
    await asyncio.to_thread(intake.stop)
    intake.env["HARBOUR_DATA_KEYS"] = NEW
    await asyncio.to_thread(intake.start)
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        school.intake = http
        again = await school.raise_concern(pupil, key=unique("key"))
    assert again.status_code == 202, again.text
