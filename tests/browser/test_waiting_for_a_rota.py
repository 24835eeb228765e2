"""A school set up without a rota: the DSL sees that a concern's alert has reached no one
and where the rota is set; the admin sets it in School settings, and the alert goes out
(the DSL, now on the rota, can acknowledge it)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World, build_world, raise_concern
from tests.support.stack import TestStack


@pytest.fixture(scope="module")
def world(web_stack: TestStack) -> World:
    return build_world(web_stack, rota=False)


def test_an_alert_waits_for_the_rota_and_goes_out_once_the_admin_sets_it(
    browser: Browser, web_url: str, world: World
):
    raise_concern(world)

    dsl = new_context(browser).new_page()
    sign_in(dsl, web_url, world.dsl, "dsl", school=world.school_id)
    dsl.goto(f"{web_url}/alerts")
    alert = dsl.locator(".harbour-alert", has_text="Concern raised").filter(has_text=world.pupil_id)
    expect(alert).to_be_visible(timeout=30_000)  # the inbox refreshes itself
    waiting = alert.locator(".harbour-awaiting-rota")
    expect(waiting).to_contain_text("No one has been alerted: the school has no rota yet")
    expect(waiting.get_by_role("link", name="School settings")).to_have_attribute(
        "href", "/settings#rota"
    )

    admin = new_context(browser).new_page()
    sign_in(admin, web_url, "admin-1", "admin", school=world.school_id, trust=world.trust_id)
    admin.goto(f"{web_url}/settings")
    admin.get_by_label("Who is alerted, one person per line").fill(
        f"1, {world.dsl}, Dee Sell, dsl@oak.example.org, 07911 123456, dsl"
    )
    admin.get_by_role("button", name="Save rota").click()
    expect(admin.get_by_label("Who is alerted, one person per line")).to_have_value(
        re.compile(rf"^1,{world.dsl},Dee Sell,")
    )

    dsl.reload()
    expect(alert).to_be_visible()
    expect(alert.locator(".harbour-awaiting-rota")).to_have_count(0)
    alert.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(dsl.locator(".harbour-alert", has_text=world.pupil_id)).to_contain_text(
        "Acknowledged by dsl-1"
    )
    dsl.context.close()
    admin.context.close()
