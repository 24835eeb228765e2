"""The world's last kinds (after tenant_world_more.py's): what is done once and then done
with, so doing it again is a conflict (a one-time link spent, police notifications matched
and dismissed, a file past its retention disposed of), and refusals the fuzzer seldom meets
by chance, asked for on purpose (World.ask) and checked against the declarations.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

from contracts.envelope import utc_now
from services.intake.domain.signatures import sign
from tests.integration.tenant_world import Site, World, Write, _ago, _file_for, kind
from tests.support.api import eventually
from tests.support.sealed import event_of


@kind("a file sent by one-time link: opened, downloaded and its receipt confirmed")
async def _transfer_link(world: World, site: Site) -> None:
    """The link's token is the capability: it goes only by e-mail to the receiving school,
    so the world reads it from the offer's event (records' outbox, sealed with the trust's
    data key) as that school would from the e-mail. The link is then spent: the fuzzer's
    requests meet a spent (or, after its wrong codes, a locked) link."""
    assert world.mongo is not None, "the transfer link needs the store to read its token"
    pupil = f"{site.label}-{uuid.uuid4().hex[:8]}"
    added = await world.http["intake"].put(
        f"/v1/schools/{site.school_id}/pupils/{pupil}",
        json={"forename": "Gone", "surname": "Away", "date_of_birth": "2015-03-03"},
        headers=world.at(site, "admin").headers,
    )
    assert added.status_code == 201, added.text
    await _file_for(world, site, pupil)
    offered = await world.http["records"].post(
        f"/v1/children/{pupil}/transfers",
        json={"destination": {"email": "dsl@elsewhere.example.org"}},
        headers={**world.at(site, "dsl").headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert offered.status_code == 201, offered.text
    code, transfer_id = offered.json()["access_code"], offered.json()["transfer_id"]
    records = world.mongo("records")
    stored = await records["transfers"].find_one({"_id": transfer_id})
    [entry] = [e for e in stored["outbox"] if e["event_type"] == "records.transfer.offered.v1"]
    data_keys = await records["data_keys"].find_one({"_id": entry.get("trust_id")})
    token = event_of(entry, data_keys)["payload"]["link_token"]
    site.ids["token"] = token
    template = "/v1/transfer-links/{token}"
    for step, body in (
        ("/open", {"code": code}),
        ("/bundle", {"code": code}),
        ("/receipt", {"code": code, "name": "Hal Hill"}),
    ):
        path = f"/v1/transfer-links/{token}{step}"
        answer = await world.http["records"].post(path, json=body)  # no bearer token
        assert answer.status_code == 200, f"POST {path}: {answer.text}"
        world.writes[("records", "POST", template + step)] = Write(
            "records", "POST", template + step, path, body, answer=answer
        )


async def _another_notice(world: World, site: Site) -> str:
    """One more police notification about a child nobody can match: its notification id."""
    child = {
        "forename": "Nobody",
        "surname": "Else",
        "date_of_birth": "2017-02-02",
        "school_urn": site.urn,
        "present": False,
    }
    notice = {
        "police_reference": f"22/{uuid.uuid4().hex[:6]}/26",
        "force": "West Mercia",
        "incident_at": _ago(hours=9),
        "notified_at": _ago(hours=1),
        "circumstances": "Noise complaint.",
        "police_action": "Words of advice.",
        "children": [child],
    }
    raw = json.dumps(notice).encode()
    stamp = int(time.time())
    answer = await world.http["intake"].post(
        "/v1/encompass/notifications",
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-Harbour-Sender": world.sender_id,
            "X-Harbour-Timestamp": str(stamp),
            "X-Harbour-Signature": sign(world.sender_secret.encode(), stamp, raw),
        },
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["children"][0]["notification_id"])


@kind("police notifications: one matched, one dismissed")
async def _worked_notices(world: World, site: Site) -> None:
    """The first notification stays on the queue the other calls read; these two are
    worked for real, so doing either again is a conflict."""
    dsl, unmatched = world.at(site, "dsl"), "/v1/encompass/unmatched/{notification_id}"
    match = {"pupil_id": site.ids["pupil_id"], "school_id": site.school_id}
    dismissal = {"reason": "Not one of ours."}
    for step, body in (("/match", match), ("/dismiss", dismissal)):
        notice = await _another_notice(world, site)
        await world.write(dsl, "intake", "POST", unmatched + step, body, notification_id=notice)


MANAGERS_STEPS = ("/decision", "/suspension", "/suspension/confirmation", "/outcome")


@kind("refusals asked for: links across schools, a key reused, a spent case, no file")
async def _refusals(world: World, site: Site) -> None:
    dsl, pupil = world.at(site, "dsl"), site.ids["pupil_id"]
    sibling = next(s for s in world.sites if s.trust_id == site.trust_id and s is not site)
    links, case = "/v1/children/{pupil_id}/links", "case"
    for school, child in ((sibling, sibling.ids["pupil_id"]), (site, site.ids["leaver_id"])):
        await eventually(  # case opens each child's case from their concern's event
            lambda s=school, c=child: world.http[case].get(
                f"/v1/children/{c}/case", headers=world.at(s, "dsl").headers
            ),
            lambda r: r.status_code == 200,
            timeout=60,
        )
    across = {"other_pupil_id": sibling.ids["pupil_id"], "other_school_id": sibling.school_id}
    across |= {"kind": "sibling"}
    await world.ask(dsl, case, "POST", links, across, 403, pupil_id=pupil)  # the trust lead's
    lead = world.trust_wide(site, "trust_safeguarding_lead")
    made = await world.ask(
        lead, case, "POST", links, across, 201, query={"school_id": site.school_id}, pupil_id=pupil
    )
    removal = {"reason": "Not related."}
    await world.ask(
        dsl,
        case,
        "POST",
        links + "/{link_id}/remove",
        removal,
        403,
        pupil_id=pupil,
        link_id=made.json()["link_id"],
    )
    # The same Idempotency-Key again with another note: refused, the first link stands.
    key, again = uuid.uuid4().hex, {"other_pupil_id": site.ids["leaver_id"], "kind": "sibling"}
    await world.ask(dsl, case, "POST", links, {**again, "note": "One."}, 201, key, pupil_id=pupil)
    await world.ask(dsl, case, "POST", links, {**again, "note": "Two."}, 409, key, pupil_id=pupil)
    # Only the case manager names DSLs on an adult case, decides, suspends and concludes
    # it; the DSL they named may not (they read it and may refer it to the LADO).
    named, adult = world.at(site, "deputy_dsl"), "/v1/adult-cases/{case_id}"
    for method, step in (("PUT", "/named-dsls"), *(("POST", p) for p in MANAGERS_STEPS)):
        body = world.writes[(case, method, adult + step)].body
        await world.ask(named, case, method, adult + step, body, 403, case_id=site.ids["case_id"])
    # A closed case takes no review date; a child with nothing recorded has no file to send.
    leaver = site.ids["leaver_id"]
    closure = {"outcome": "no_further_action", "reason": "Left the school."}
    await world.ask(
        dsl, case, "POST", "/v1/children/{pupil_id}/case/close", closure, 200, pupil_id=leaver
    )
    review = {"review_on": (utc_now() + timedelta(days=7)).date().isoformat(), "reason": "Due."}
    await world.ask(
        dsl, case, "PUT", "/v1/children/{pupil_id}/case/review", review, 409, pupil_id=leaver
    )
    # A child new to the roll, with nothing recorded (once records has heard of them).
    fresh = f"{site.label}-new"
    added = await world.http["intake"].put(
        f"/v1/schools/{site.school_id}/pupils/{fresh}",
        json={"forename": "New", "surname": "Starter", "date_of_birth": "2018-06-06"},
        headers=world.at(site, "admin").headers,
    )
    assert added.status_code == 201, added.text
    offer, transfers = {"destination": {"urn": sibling.urn}}, "/v1/children/{pupil_id}/transfers"
    await eventually(
        lambda: world.http["records"].post(
            transfers.format(pupil_id=fresh), json=offer, headers=dsl.headers
        ),
        lambda r: r.status_code == 409,
        timeout=60,
    )
    await world.ask(dsl, "records", "POST", transfers, offer, 409, pupil_id=fresh)


@kind("a file past its retention, disposed of")
async def _disposal(world: World, site: Site) -> None:
    """A child born in 1990 who has left: their file is past 25 years and is disposed of
    (the sample in tenant_world.py stays for the matrix: the target's own child)."""
    admin, dsl, old = world.at(site, "admin"), world.at(site, "dsl"), f"{site.label}-old"
    upload = f"/v1/schools/{site.school_id}/roster"
    header = "pupil_id,upn,forename,surname,preferred_forename,date_of_birth,postcode,"
    header += "on_roll_from,on_roll_to"
    roll = f"{site.label}-roll,,Rolled,Hart,,2016-05-05,WR1 1AA,2022-09-01,"
    for left in ("", (utc_now() - timedelta(days=1)).date().isoformat()):
        csv = f"{header}\n{roll}\n{old},,Grown,Up,,1990-01-01,WR1 1AA,2001-09-01,{left}\n"
        answer = await world.http["intake"].post(
            upload,
            content=csv,
            headers={**admin.headers, "Content-Type": "text/csv"},
        )
        assert answer.status_code < 300, answer.text
        if not left:
            await _file_for(world, site, old)
    await eventually(
        lambda: world.read(dsl, "records", "/v1/retention/review"),
        lambda due: any(f["pupil_id"] == old for f in due["files"]),
        timeout=60,
    )
    await world.write(
        dsl,
        "records",
        "POST",
        "/v1/children/{pupil_id}/disposal",
        {"reason": "Past retention."},
        pupil_id=old,
    )
