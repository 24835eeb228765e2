"""A trust admin registers the police forces and hubs that may notify its schools."""

import secrets

from tests.support.api import bearer, token, unique

SECRET = secrets.token_urlsafe(32)


def trust_admin(trust_id: str) -> dict[str, str]:
    return bearer(token(unique("admin"), "admin", trust=trust_id))


async def test_a_trust_admin_registers_a_sender_and_never_sees_the_secret_again(clients):
    trust = unique("trust")
    sender = unique("west-mercia")
    body = {"name": "West Mercia Police", "secret": SECRET, "trust_ids": [trust]}

    created = await clients.intake.put(
        f"/v1/encompass/senders/{sender}", json=body, headers=trust_admin(trust)
    )
    changed = await clients.intake.put(
        f"/v1/encompass/senders/{sender}",
        json={**body, "name": "West Mercia Police (MASH)"},
        headers=trust_admin(trust),
    )
    read = await clients.intake.get(f"/v1/encompass/senders/{sender}", headers=trust_admin(trust))

    assert created.status_code == 201, created.text
    assert changed.status_code == 200
    assert read.json()["name"] == "West Mercia Police (MASH)"
    assert read.json()["trust_ids"] == [trust]
    for response in (created, changed, read):
        assert SECRET not in response.text
        assert "secret" not in response.json()


async def test_only_a_trust_wide_admin_may_register_a_sender(clients):
    trust = unique("trust")
    body = {"name": "West Mercia Police", "secret": SECRET, "trust_ids": [trust]}
    school_admin = bearer(token("admin-1", "admin", school=unique("school"), trust=trust))
    lead = bearer(token("lead-1", "trust_safeguarding_lead", trust=trust))

    for headers in (school_admin, lead):
        response = await clients.intake.put(
            f"/v1/encompass/senders/{unique('sender')}", json=body, headers=headers
        )
        assert response.status_code == 403


async def test_a_sender_may_only_name_trusts_the_admin_administers(clients):
    mine, theirs = unique("trust"), unique("trust")

    response = await clients.intake.put(
        f"/v1/encompass/senders/{unique('sender')}",
        json={"name": "West Mercia Police", "secret": SECRET, "trust_ids": [mine, theirs]},
        headers=trust_admin(mine),
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "trust_ids"


async def test_another_trusts_admin_cannot_see_or_take_over_a_sender(clients):
    owner, intruder = unique("trust"), unique("trust")
    sender = unique("west-mercia")
    await clients.intake.put(
        f"/v1/encompass/senders/{sender}",
        json={"name": "West Mercia Police", "secret": SECRET, "trust_ids": [owner]},
        headers=trust_admin(owner),
    )

    takeover = await clients.intake.put(
        f"/v1/encompass/senders/{sender}",
        json={"name": "Mine now", "secret": "y" * 40, "trust_ids": [intruder]},
        headers=trust_admin(intruder),
    )
    read = await clients.intake.get(
        f"/v1/encompass/senders/{sender}", headers=trust_admin(intruder)
    )

    assert takeover.status_code == read.status_code == 404


async def test_a_weak_secret_is_refused(clients):
    trust = unique("trust")

    response = await clients.intake.put(
        f"/v1/encompass/senders/{unique('sender')}",
        json={"name": "West Mercia Police", "secret": "password1", "trust_ids": [trust]},
        headers=trust_admin(trust),
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "secret"
    assert "password1" not in response.text
