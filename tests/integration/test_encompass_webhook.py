"""A police force posts a signed notification; the child's Key Adults get it before school."""

import time
from datetime import datetime

from cryptography.fernet import Fernet

from services.intake.secret_box import SecretBox
from tests.integration.encompass_world import Trust, sample_notification
from tests.support.api import eventually
from tests.support.effects import alerts_for, deadlines_for, entries_for, wait_for_fanout

ZOE = "OAK-0001"


async def _no_records_from(mongo, sender_id: str) -> None:
    stored = await mongo("intake").encompass_notifications.count_documents({"sender_id": sender_id})
    assert stored == 0


async def test_a_signed_notification_reaches_the_key_adults(clients):
    trust = await Trust.create(clients.intake)
    notification = sample_notification("notification_single_child.json")

    response = await trust.sender.notify(notification)

    assert response.status_code == 202, response.text
    answer = response.json()
    [child] = answer["children"]
    assert child["outcome"] == "matched"
    assert "pupil_id" not in child  # the sender learns the outcome, not who it matched
    notification_id = child["notification_id"]
    received_at = datetime.fromisoformat(answer["received_at"])

    alerts, entries, deadlines = await wait_for_fanout(
        clients, trust.oakfield, ZOE, notification_id, timeout=90
    )
    assert len(alerts) == 1
    assert alerts[0]["priority"] == "encompass"
    assert alerts[0]["pupil_id"] == ZOE
    assert alerts[0]["content"]["circumstances"] == notification["circumstances"]

    assert len(entries) == 1
    entry = entries[0]["content"]
    assert entries[0]["event_type"] == "intake.encompass.notified.v1"
    assert entry["police_reference"] == "22/123456/26"
    assert entry["force"] == "West Mercia Police"
    assert entry["location"] == "home address"
    assert entry["police_action"] == notification["police_action"]
    assert entry["other_information"] == notification["other_information"]
    assert entry["child"]["voice_of_child"] == notification["children"][0]["voice_of_child"]
    assert entry["matched_by"] == "school"
    assert entry["sender_id"] == trust.sender.sender_id
    assert datetime.fromisoformat(entry["received_at"]) == received_at

    assert len(deadlines) == 1
    assert deadlines[0]["rule"] == "encompass-before-school"
    assert deadlines[0]["status"] == "open"


async def test_a_child_known_by_upn_is_matched_whatever_the_school_says(clients):
    trust = await Trust.create(clients.intake)
    notification = sample_notification("notification_single_child.json")
    notification["children"] = [
        {
            "forename": "Kai",
            "surname": "Smith-Jones",
            "date_of_birth": "2013-04-22",
            "upn": "H789012345678",
            "school_urn": "116789",  # Oakfield: out of date, Kai is at Riverside
            "school_name": "Oakfield Primary School",
            "present": True,
            "voice_of_child": None,
        }
    ]

    response = await trust.sender.notify(notification)

    assert response.json()["children"][0]["outcome"] == "matched"
    notification_id = response.json()["children"][0]["notification_id"]
    alerts = await eventually(
        lambda: alerts_for(clients.notification, trust.riverside, notification_id),
        bool,
        timeout=90,
    )
    assert alerts[0]["pupil_id"] == "RIV-1002"
    assert await alerts_for(clients.notification, trust.oakfield, notification_id) == []


async def test_a_wrong_signature_is_refused_and_nothing_is_stored(clients, mongo):
    trust = await Trust.create(clients.intake, rosters=False)

    response = await trust.sender.notify(
        sample_notification("notification_single_child.json"), secret="not-the-shared-secret"
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"]
    await _no_records_from(mongo, trust.sender.sender_id)


async def test_a_tampered_body_is_refused(clients, mongo):
    trust = await Trust.create(clients.intake, rosters=False)
    body = b'{"police_reference": "22/123456/26"}'
    headers = trust.sender.headers(body, content_type="application/json")

    response = await clients.intake.post(
        "/v1/encompass/notifications",
        content=body.replace(b"123456", b"654321"),
        headers=headers,
    )

    assert response.status_code == 401
    await _no_records_from(mongo, trust.sender.sender_id)


async def test_an_unknown_sender_is_refused_like_a_wrong_signature(clients, mongo):
    trust = await Trust.create(clients.intake, rosters=False)
    notification = sample_notification("notification_single_child.json")

    unknown = await trust.sender.notify(notification, sender_id="no-such-force")
    wrong = await trust.sender.notify(notification, secret="x" * 40)

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()  # the answer does not say which senders exist
    await _no_records_from(mongo, "no-such-force")


async def test_stale_and_future_timestamps_are_refused(clients, mongo):
    trust = await Trust.create(clients.intake, rosters=False)
    notification = sample_notification("notification_single_child.json")

    # Each timestamp taken as it is sent: a slow machine only makes the stale one staler;
    # the future one keeps a margin for the time the request takes to arrive.
    stale = await trust.sender.notify(notification, timestamp=int(time.time()) - 301)
    future = await trust.sender.notify(notification, timestamp=int(time.time()) + 360)
    missing = await clients.intake.post(
        "/v1/encompass/notifications",
        json=notification,
        headers={"X-Harbour-Sender": trust.sender.sender_id},
    )

    assert stale.status_code == future.status_code == missing.status_code == 401
    assert "300 seconds" in stale.json()["detail"]
    await _no_records_from(mongo, trust.sender.sender_id)


async def test_a_signed_but_invalid_notification_names_the_field(clients, mongo):
    trust = await Trust.create(clients.intake, rosters=False)
    notification = sample_notification("notification_single_child.json")
    notification["children"][0]["date_of_birth"] = "02/05/2018"

    response = await trust.sender.notify(notification)

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "children.0.date_of_birth"
    assert "02/05/2018" not in response.text  # values are never echoed
    await _no_records_from(mongo, trust.sender.sender_id)


async def test_the_same_notification_again_is_a_duplicate_and_changes_nothing(clients):
    trust = await Trust.create(clients.intake)
    notification = sample_notification("notification_single_child.json")
    first = await trust.sender.notify(notification)
    notification_id = first.json()["children"][0]["notification_id"]
    await wait_for_fanout(clients, trust.oakfield, ZOE, notification_id, timeout=90)

    # A plain re-send carries a new notified_at and different case/spacing.
    again = await trust.sender.notify(
        {**notification, "notified_at": "2026-03-10T07:30:00+00:00", "force": "west mercia police"}
    )

    assert again.status_code == 202
    assert again.json()["children"][0] == {
        "child": 0,
        "notification_id": notification_id,
        "outcome": "duplicate",
    }
    entries = await eventually(
        lambda: entries_for(clients.records, trust.oakfield, ZOE, notification_id),
        lambda found: len(found) > 1,
        timeout=3,
    )
    assert len(entries) == 1
    assert len(await alerts_for(clients.notification, trust.oakfield, notification_id)) == 1
    assert len(await deadlines_for(clients.case, trust.oakfield, ZOE, notification_id)) == 1


async def test_an_amended_notification_updates_the_chronology_and_alert_but_not_the_clock(
    clients,
):
    trust = await Trust.create(clients.intake)
    notification = sample_notification("notification_single_child.json")
    first = await trust.sender.notify(notification)
    notification_id = first.json()["children"][0]["notification_id"]
    await wait_for_fanout(clients, trust.oakfield, ZOE, notification_id, timeout=90)
    update = "The adult male was charged overnight and remanded in custody."

    amended = await trust.sender.notify({**notification, "police_action": update})

    assert amended.json()["children"][0]["outcome"] == "amended"
    entries = await eventually(
        lambda: entries_for(clients.records, trust.oakfield, ZOE, notification_id),
        lambda found: len(found) == 2,
        timeout=90,
    )
    assert sorted(e["event_type"] for e in entries) == [
        "intake.encompass.amended.v1",
        "intake.encompass.notified.v1",
    ]
    by_revision = {e["content"]["revision"]: e["content"] for e in entries}
    assert by_revision[1]["police_action"] == notification["police_action"]
    assert by_revision[2]["police_action"] == update
    alerts = await eventually(
        lambda: alerts_for(clients.notification, trust.oakfield, notification_id),
        lambda found: found and found[0]["revision"] == 2,
        timeout=90,
    )
    assert len(alerts) == 1
    assert alerts[0]["content"]["police_action"] == update
    assert len(await deadlines_for(clients.case, trust.oakfield, ZOE, notification_id)) == 1


async def test_the_shared_secret_is_stored_sealed_and_never_shown(clients, mongo):
    trust = await Trust.create(clients.intake)
    sender = trust.sender

    stored = await mongo("intake").encompass_senders.find_one({"_id": sender.sender_id})
    assert sender.secret not in repr(stored)
    assert stored["secret_sealed"]
    shown = await clients.intake.get(
        f"/v1/encompass/senders/{sender.sender_id}", headers=trust.admin
    )
    assert shown.status_code == 200 and sender.secret not in shown.text
    assert "secret" not in " ".join(shown.json())

    # A secret sealed under a key intake does not hold is refused like a wrong signature.
    await mongo("intake").encompass_senders.update_one(
        {"_id": sender.sender_id},
        {"$set": {"secret_sealed": SecretBox([Fernet.generate_key()]).seal(sender.secret)}},
    )
    response = await sender.notify(sample_notification("notification_single_child.json"))
    assert response.status_code == 401
    await _no_records_from(mongo, sender.sender_id)
