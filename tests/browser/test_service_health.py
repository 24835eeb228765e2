"""Service health, for whoever runs Harbour for a trust (a trust-wide admin): each service
ready or not, and the messages dead-lettered that named the trust, content-free."""

from __future__ import annotations

import asyncio
import json
import threading

from playwright.sync_api import Browser, expect

from contracts import intake_v1
from contracts.topology import QUEUES
from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World
from tests.support.api import School
from tests.support.broker import publish_raw
from tests.support.events import concern_raised


def _publish_poison(world: World) -> dict:
    """A concern event for the world's trust whose payload no consumer can accept."""
    school = School(None, world.school_id, world.trust_id)  # type: ignore[arg-type]
    event = concern_raised(school, world.pupil_id).model_dump(mode="json")
    event["payload"]["categories"] = ["not-a-category"]
    body = json.dumps(event).encode()
    # Playwright's sync API holds this thread's event loop: publish from another thread.
    worker = threading.Thread(
        target=lambda: asyncio.run(
            publish_raw(world.stack.rabbit_url, event["event_type"], body, event["event_id"])
        )
    )
    worker.start()
    worker.join(30)
    return event


def test_a_trust_admin_sees_every_service_and_the_dead_letters_of_the_trust(
    browser: Browser, web_url: str, world: World
):
    event = _publish_poison(world)
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, "it-admin", "admin", trust=world.trust_id)

    page.get_by_role("link", name="Service health").click()

    expect(page.get_by_role("heading", name="Service health")).to_be_visible()
    for service in ("intake", "case", "notification", "records"):
        expect(page.get_by_role("rowheader", name=service, exact=True)).to_be_visible()
    # Every queue that takes a raised concern dead-letters it (the DSL's alert, the
    # chronology, the deadline, the pattern watch, the other pupils named, …).
    queues = [q.name for q in QUEUES if intake_v1.CONCERN_RAISED in q.routing_keys]
    dead = page.locator("tr", has_text=event["event_id"])
    for _ in range(60):  # each consumer dead-letters it within a moment
        if dead.count() == len(queues):
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(dead).to_have_count(len(queues))
    for queue in queues:
        expect(page.locator("tr", has_text=queue)).to_have_count(1)
    expect(dead.first).to_contain_text("Could never be processed")
    main = page.locator("main")
    expect(main).not_to_contain_text(event["payload"]["description"])
    expect(main).not_to_contain_text(world.pupil_id)
    context.close()


def test_the_page_is_for_trust_admins_only(browser: Browser, web_url: str, world: World):
    context = new_context(browser)
    page = context.new_page()
    for user, role, school, trust in [
        ("admin-1", "admin", world.school_id, world.trust_id),
        ("lead-1", "trust_safeguarding_lead", "", world.trust_id),
        (world.dsl, "dsl", world.school_id, ""),
    ]:
        sign_in(page, web_url, user, role, school=school, trust=trust)
        expect(page.get_by_role("link", name="Service health")).to_have_count(0)
        response = page.goto(f"{web_url}/service-health")
        assert response is not None and response.status == 404, role
        page.goto(f"{web_url}/sign-out")
    context.close()
