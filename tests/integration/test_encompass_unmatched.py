"""Children nobody could match wait for a DSL, who matches them by hand or dismisses them."""

from datetime import datetime

from tests.integration.encompass_world import (
    Sender,
    Trust,
    local_secret_box,
    sample_notification,
    with_child,
)
from tests.support.api import bearer, eventually, token, unique
from tests.support.effects import alerts_for, wait_for_fanout

ZOE = "OAK-0001"


def zoe_born(day: str) -> dict:
    """The single-child sample with Zoë's date of birth as the police recorded it."""
    return with_child(sample_notification("notification_single_child.json"), date_of_birth=day)


async def _notify_unmatched(trust: Trust, notification: dict) -> dict:
    response = await trust.sender.notify(notification)
    assert response.status_code == 202, response.text
    child = response.json()["children"][0]
    assert child["outcome"] == "unmatched"
    return {**child, "received_at": response.json()["received_at"]}


async def test_the_dsl_sees_why_it_did_not_match_and_who_it_might_be(clients):
    trust = await Trust.create(clients.intake)
    child = await _notify_unmatched(trust, zoe_born("2018-05-20"))

    [waiting] = await trust.unmatched(trust.oakfield.dsl)

    assert waiting["notification_id"] == child["notification_id"]
    assert waiting["reason"] == "surname and forename match but date of birth differs"
    assert [c["pupil_id"] for c in waiting["candidates"]] == [ZOE]
    assert waiting["child"]["date_of_birth"] == "2018-05-20"
    assert waiting["content"]["circumstances"].startswith("Verbal argument")
    assert waiting["named_school_id"] == trust.oakfield.school_id
    assert await trust.unmatched(trust.riverside.dsl) == []


async def test_matching_by_hand_sends_it_on_as_if_it_had_matched(clients):
    trust = await Trust.create(clients.intake)
    child = await _notify_unmatched(trust, zoe_born("2018-05-20"))
    notification_id = child["notification_id"]

    response = await clients.intake.post(
        f"/v1/encompass/unmatched/{notification_id}/match",
        json={"pupil_id": ZOE},
        headers=trust.oakfield.dsl,
    )

    assert response.status_code == 200, response.text
    assert response.json()["state"] == "matched"
    alerts, entries, deadlines = await wait_for_fanout(
        clients, trust.oakfield, ZOE, notification_id, timeout=90
    )
    assert len(alerts) == len(entries) == len(deadlines) == 1
    assert entries[0]["content"]["matched_by"] == "manual"
    assert entries[0]["recorded_by"]["kind"] == "user"
    # The clock runs from when the police notification reached Harbour, not the match.
    assert datetime.fromisoformat(entries[0]["content"]["received_at"]) == datetime.fromisoformat(
        child["received_at"]
    )
    assert await trust.unmatched(trust.oakfield.dsl) == []
    again = await clients.intake.post(
        f"/v1/encompass/unmatched/{notification_id}/match",
        json={"pupil_id": ZOE},
        headers=trust.oakfield.dsl,
    )
    assert again.status_code == 409


async def test_a_dismissed_child_leaves_the_queue_with_its_reason(clients):
    trust = await Trust.create(clients.intake)
    child = await _notify_unmatched(trust, zoe_born("2018-05-20"))
    url = f"/v1/encompass/unmatched/{child['notification_id']}"

    dismissed = await clients.intake.post(
        f"{url}/dismiss",
        json={"reason": "Not our pupil: the family moved to Wales in 2024."},
        headers=trust.oakfield.dsl,
    )
    empty_reason = await clients.intake.post(
        f"{url}/dismiss", json={"reason": " "}, headers=trust.oakfield.dsl
    )
    record = await clients.intake.get(url, headers=trust.oakfield.dsl)

    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["state"] == "dismissed"
    assert empty_reason.status_code == 422
    assert record.json()["resolution"]["reason"].startswith("Not our pupil")
    assert await trust.unmatched(trust.oakfield.dsl) == []
    assert await alerts_for(clients.notification, trust.oakfield, child["notification_id"]) == []


async def test_only_the_schools_and_trust_concerned_may_resolve_it(clients):
    trust = await Trust.create(clients.intake)
    child = await _notify_unmatched(trust, zoe_born("2018-05-20"))
    url = f"/v1/encompass/unmatched/{child['notification_id']}"
    outsider = bearer(token("lead-9", "trust_safeguarding_lead", trust=unique("trust")))

    for headers in (trust.riverside.dsl, trust.oakfield.staff, trust.oakfield.admin, outsider):
        match = await clients.intake.post(f"{url}/match", json={"pupil_id": ZOE}, headers=headers)
        dismiss = await clients.intake.post(f"{url}/dismiss", json={"reason": "x"}, headers=headers)
        assert match.status_code == dismiss.status_code == 404
    # Oakfield's DSL may not send it to a Riverside pupil.
    elsewhere = await clients.intake.post(
        f"{url}/match",
        json={"pupil_id": "RIV-1002", "school_id": trust.riverside.school_id},
        headers=trust.oakfield.dsl,
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["detail"][0]["field"] == "pupil_id"


async def test_a_child_at_an_unknown_school_waits_for_the_trust(clients):
    trust = await Trust.create(clients.intake)
    notification = with_child(
        sample_notification("notification_single_child.json"),
        forename="Mia",
        surname="Ellis-O'Connor",
        date_of_birth="2012-12-01",
        school_urn="999999",
        school_name="Riverside School",
    )
    child = await _notify_unmatched(trust, notification)

    by_lead = await trust.unmatched(trust.lead)
    by_admin = await trust.unmatched(trust.admin)

    [waiting] = by_lead
    assert waiting["reason"].startswith("school URN unknown")
    assert [c["pupil_id"] for c in waiting["candidates"]] == ["RIV-1003"]
    assert "content" in waiting
    assert [w["notification_id"] for w in by_admin] == [child["notification_id"]]
    assert "content" not in by_admin[0]  # admins match children; they do not read the file
    # Riverside's DSL sees it, since a candidate is their pupil; Oakfield's does not.
    assert [w["candidates"][0]["pupil_id"] for w in await trust.unmatched(trust.riverside.dsl)] == [
        "RIV-1003"
    ]
    assert await trust.unmatched(trust.oakfield.dsl) == []

    no_school = await clients.intake.post(
        f"/v1/encompass/unmatched/{child['notification_id']}/match",
        json={"pupil_id": "RIV-1003"},
        headers=trust.lead,
    )
    matched = await clients.intake.post(
        f"/v1/encompass/unmatched/{child['notification_id']}/match",
        json={"pupil_id": "RIV-1003", "school_id": trust.riverside.school_id},
        headers=trust.lead,
    )
    assert no_school.status_code == 422
    assert matched.status_code == 200, matched.text
    alerts = await eventually(
        lambda: alerts_for(clients.notification, trust.riverside, child["notification_id"]),
        bool,
        timeout=90,
    )
    assert alerts[0]["pupil_id"] == "RIV-1003"


async def test_an_amendment_that_names_the_school_matches_the_waiting_child(clients):
    trust = await Trust.create(clients.intake)
    unknown_school = with_child(
        sample_notification("notification_single_child.json"), school_urn="999999"
    )
    child = await _notify_unmatched(trust, unknown_school)

    amended = await trust.sender.notify(sample_notification("notification_single_child.json"))

    assert amended.json()["children"][0] == {
        "child": 0,
        "notification_id": child["notification_id"],
        "outcome": "amended",
    }
    alerts, entries, _ = await wait_for_fanout(
        clients, trust.oakfield, ZOE, child["notification_id"], timeout=90
    )
    assert alerts[0]["revision"] == 2
    assert entries[0]["content"]["matched_by"] == "school"
    assert await trust.unmatched(trust.lead) == []


async def test_candidates_of_another_trust_are_never_shown(clients, mongo):
    severn, malvern = await Trust.create(clients.intake), await Trust.create(clients.intake)
    # A regional hub that both trusts have authorised (registered here directly: an admin
    # token names one trust, so the API registers multi-trust senders one trust at a time).
    hub = Sender(clients.intake, unique("hub"), "s" * 40)
    await mongo("intake").encompass_senders.insert_one(
        {
            "_id": hub.sender_id,
            "name": "West Mercia MASH",
            "secret_sealed": local_secret_box().seal(hub.secret),
            "trust_ids": sorted([severn.trust_id, malvern.trust_id]),
            "version": 1,
        }
    )
    # Zoë O'Brien is on both trusts' rolls (same sample roster); the URN is unknown.
    response = await hub.notify(
        with_child(sample_notification("notification_single_child.json"), school_urn="999999")
    )
    assert response.json()["children"][0]["outcome"] == "unmatched"

    [seen_by_severn] = await severn.unmatched(severn.lead)
    [seen_by_malvern] = await malvern.unmatched(malvern.lead)

    assert {c["school_id"] for c in seen_by_severn["candidates"]} == {severn.oakfield.school_id}
    assert {c["school_id"] for c in seen_by_malvern["candidates"]} == {malvern.oakfield.school_id}
    assert "2 pupils" not in seen_by_severn["reason"]
