"""The child's file is a hash chain kept by records: two records processes appending
about one child make one chain, and an entry changed in the store behind the service's
back is reported by the API and by `harbour records verify`."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from contracts import intake_v1
from tests.support.api import School, eventually
from tests.support.sealed import trust_box
from tests.support.stack import ROOT
from tests.support.tamper import tamper


async def chronology(clients, school: School, pupil_id: str) -> dict:
    response = await clients.records.get(f"/v1/children/{pupil_id}/chronology", headers=school.dsl)
    return response.json() if response.status_code == 200 else {"entries": []}


async def test_two_records_processes_appending_for_one_child_make_one_chain(stack, clients, school):
    second = stack.add("records", instance="second")
    second.start()
    try:
        pupil = await school.add_pupil()
        posted = await asyncio.gather(*(school.raise_concern(pupil) for _ in range(40)))
        assert all(r.status_code == 202 for r in posted)

        await eventually(
            lambda: chronology(clients, school, pupil),
            lambda c: sum(e["event_type"] == intake_v1.CONCERN_RAISED for e in c["entries"]) == 40,
            timeout=60,
        )
    finally:
        second.stop()

    async def file_and_verdict() -> tuple[dict, dict]:
        found = await chronology(clients, school, pupil)
        verified = await clients.records.get(
            f"/v1/children/{pupil}/chronology/verify", headers=school.dsl
        )
        return found, verified.json()

    # The pattern watch's "repeated concerns" entries may still be arriving: the file is
    # read until the chronology and its verification agree on where the chain ends.
    found, verdict = await eventually(
        file_and_verdict,
        lambda fv: (fv[1]["entries"], fv[1]["head"]) == (len(fv[0]["entries"]), fv[0]["head"]),
        timeout=30,
    )
    # 40 concerns, each once, and the entries they made, in one unforked chain.
    concerns = [e for e in found["entries"] if e["event_type"] == intake_v1.CONCERN_RAISED]
    assert sorted(e["seq"] for e in found["entries"]) == list(range(1, len(found["entries"]) + 1))
    assert {e["source_id"] for e in concerns} == {r.json()["concern_id"] for r in posted}
    assert len(concerns) == 40
    assert verdict == {"entries": len(found["entries"]), "head": found["head"], "valid": True}


def verify_cli(stack, school_id: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", "records", "verify", "--school", school_id],
        cwd=ROOT,
        env=stack.base_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_an_entry_changed_in_the_store_is_reported_by_the_api_and_the_cli(
    stack, clients, school, mongo
):
    pupil = await school.add_pupil()
    for _ in range(3):
        assert (await school.raise_concern(pupil)).status_code == 202
    await eventually(lambda: chronology(clients, school, pupil), lambda c: len(c["entries"]) == 3)
    clean = verify_cli(stack, school.school_id)
    assert clean.returncode == 0, clean.stderr
    assert "1 file(s) checked, 0 broken" in clean.stdout

    data_keys = await mongo("records")["data_keys"].find_one({"_id": school.trust_id})
    await tamper(
        mongo("records")["file_pages"],
        f"{school.school_id}/{pupil}#0",
        1,
        lambda entry: entry["record"]["content"].update(child_words="I fell off my bike."),
        box=trust_box(data_keys),
    )

    verified = await clients.records.get(
        f"/v1/children/{pupil}/chronology/verify", headers=school.dsl
    )
    assert verified.json()["valid"] is False
    assert (verified.json()["chain"], verified.json()["first_bad_seq"]) == ("file", 2)
    broken = verify_cli(stack, school.school_id)
    assert broken.returncode == 1
    assert f"BROKEN school {school.school_id} pupil {pupil}: chain file entry 2" in broken.stderr
