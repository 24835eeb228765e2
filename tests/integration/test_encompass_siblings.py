"""One incident, two children at two schools of one trust: each school sees only its own
pupil; the trust safeguarding lead sees the incident whole."""

from tests.integration.encompass_world import Trust, sample_notification
from tests.support.api import bearer, eventually, token, unique
from tests.support.effects import alerts_for, wait_for_fanout


async def test_each_school_gets_only_its_own_pupil(clients):
    trust = await Trust.create(clients.intake)

    response = await trust.sender.notify(sample_notification("notification_siblings.json"))

    assert response.status_code == 202, response.text
    amelia, kai = response.json()["children"]
    assert amelia["outcome"] == kai["outcome"] == "matched"
    oak_alerts, oak_entries, oak_deadlines = await wait_for_fanout(
        clients, trust.oakfield, "OAK-0003", amelia["notification_id"], timeout=90
    )
    riv_alerts, _, riv_deadlines = await wait_for_fanout(
        clients, trust.riverside, "RIV-1002", kai["notification_id"], timeout=90
    )
    assert oak_entries[0]["content"]["child"]["forename"] == "Amelia"
    assert len(oak_deadlines) == len(riv_deadlines) == 1
    assert oak_alerts[0]["school_id"] == trust.oakfield.school_id
    assert riv_alerts[0]["school_id"] == trust.riverside.school_id
    # Neither school's alerts mention the other school's child.
    assert await alerts_for(clients.notification, trust.oakfield, kai["notification_id"]) == []
    assert await alerts_for(clients.notification, trust.riverside, amelia["notification_id"]) == []


async def test_the_trust_lead_sees_the_incident_whole_and_a_dsl_sees_their_own(clients):
    trust = await Trust.create(clients.intake)
    response = await trust.sender.notify(sample_notification("notification_siblings.json"))
    incident_id = response.json()["incident_id"]
    url = f"/v1/encompass/incidents/{incident_id}"

    whole = await clients.intake.get(url, headers=trust.lead)
    oakfield = await clients.intake.get(url, headers=trust.oakfield.dsl)
    riverside = await clients.intake.get(url, headers=trust.riverside.dsl)

    assert whole.status_code == 200, whole.text
    assert whole.json()["police_reference"] == "22/130001/26"
    assert sorted((c["school_id"], c["pupil_id"]) for c in whole.json()["children"]) == sorted(
        [(trust.oakfield.school_id, "OAK-0003"), (trust.riverside.school_id, "RIV-1002")]
    )
    assert [c["pupil_id"] for c in oakfield.json()["children"]] == ["OAK-0003"]
    assert [c["pupil_id"] for c in riverside.json()["children"]] == ["RIV-1002"]
    assert riverside.json()["children"][0]["content"]["child"]["forename"] == "Kai"


async def test_nobody_outside_the_trust_sees_the_incident(clients):
    trust = await Trust.create(clients.intake)
    response = await trust.sender.notify(sample_notification("notification_siblings.json"))
    url = f"/v1/encompass/incidents/{response.json()['incident_id']}"
    other_lead = bearer(token("lead-2", "trust_safeguarding_lead", trust=unique("trust")))

    for headers in (other_lead, trust.admin, trust.oakfield.staff, trust.oakfield.admin):
        refused = await clients.intake.get(url, headers=headers)
        assert refused.status_code == 404, headers


async def test_the_trust_lead_sees_both_alerts(clients):
    trust = await Trust.create(clients.intake)
    response = await trust.sender.notify(sample_notification("notification_siblings.json"))
    ids = {child["notification_id"] for child in response.json()["children"]}

    async def trust_alerts() -> set[str]:
        found = await clients.notification.get(
            "/v1/alerts", headers=trust.lead, params={"limit": 500}
        )
        return {a["source_id"] for a in found.json()["alerts"]} & ids

    assert await eventually(trust_alerts, lambda seen: seen == ids, timeout=90) == ids
