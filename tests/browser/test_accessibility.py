"""axe-core, injected into every page, finds no serious or critical accessibility
violation. Pages are visited as the people who use them, with data on them."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import AXE, new_context, sign_in
from tests.browser.world import World, send_unmatched_notification, until
from tests.support.api import bearer, concern_body, token, unique

BODY_MAP = [
    {"view": "front", "x": 0.78, "y": 0.44, "area": "left_forearm", "kind": "bruise", "note": ""},
    {"view": "back", "x": 0.5, "y": 0.27, "area": "upper_back", "kind": "cut", "note": "Thin"},
]


def violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}): ` +
                    v.nodes.map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return list(found)


@pytest.fixture(scope="module")
def concern_id(world: World) -> str:
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    response = httpx.post(
        world.url("intake", "/v1/concerns"),
        json=concern_body(world.school_id, world.pupil_id, body_map=BODY_MAP),
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    send_unmatched_notification(world)
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    until(
        lambda: (
            httpx.get(
                world.url("records", f"/v1/children/{world.pupil_id}/chronology"), headers=dsl
            ).status_code
            == 200
        )
    )
    return str(response.json()["concern_id"])


def _check(page: Page, url: str, heading: str) -> list[str]:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for()
    return [f"{url}: {v}" for v in violations(page)]


def test_no_serious_or_critical_violation_on_any_page(
    browser: Browser, web_url: str, world: World, concern_id: str
):
    context = new_context(browser, bypass_csp=True)  # lets axe be injected
    page = context.new_page()
    found: list[str] = []

    found += _check(page, f"{web_url}/dev/sign-in", "Sign in (development)")
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    found += _check(page, f"{web_url}/concerns/new", "Record a concern")
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"concern form with errors: {v}" for v in violations(page)]
    page.get_by_label("Pupil's name").fill("hart")
    page.get_by_role("button", name="Find pupil").click()
    page.get_by_label("Where is the mark?").select_option("back:buttocks")
    page.get_by_role("button", name="Add mark").click()
    page.get_by_label("Type of mark 1").wait_for()
    found += [f"concern form with pupils and a mark: {v}" for v in violations(page)]
    found += _check(page, f"{web_url}/concerns/{concern_id}/recorded", "Concern recorded")
    found += _check(page, f"{web_url}/concerns/mine", "My concerns")
    found += _check(
        page, f"{web_url}/children/{world.school_id}/{world.pupil_id}", "Page not found"
    )
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    found += _check(page, f"{web_url}/alerts", "Alerts")
    found += _check(page, f"{web_url}/children/{world.school_id}/{world.pupil_id}", "Chronology")
    found += _check(page, f"{web_url}/deadlines", "Deadlines")
    found += _check(page, f"{web_url}/encompass", "Operation Encompass")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "admin-1", "admin", school=world.school_id, trust=world.trust_id)
    found += _check(page, f"{web_url}/settings", "School settings")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "it-admin", "admin", trust=world.trust_id)
    found += _check(page, f"{web_url}/service-health", "Service health")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "lead-1", "trust_safeguarding_lead", trust=world.trust_id)
    found += _check(page, f"{web_url}/trust", "Trust overview")
    found += _check(page, f"{web_url}/sign-out", "You have signed out")

    context.close()
    assert found == []
