"""Security a person sees in the browser: a safeguarding role is asked for its second
factor at sign-in, and an administrator reads who changed the school's set-up in the audit
log (staff cannot)."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import fill_sign_in, new_context, sign_in
from tests.browser.world import World


def reload_until(page: Page, text: str, timeout: float = 30) -> None:
    """The log learns of a change by event, a moment after it is made."""
    deadline = time.monotonic() + timeout
    while page.get_by_text(text).count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        page.reload()
    expect(page.get_by_text(text).first).to_be_visible()


def test_a_dsl_signing_in_without_a_second_factor_is_asked_for_it(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{web_url}/dev/sign-in")

    fill_sign_in(page, world.dsl, "dsl", school=world.school_id, trust="", mfa=False)

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="This role needs multi-factor authentication")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    page.get_by_label("Signed in with a second factor").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    context.close()


def test_an_admin_reads_who_saved_the_rota_in_the_audit_log(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, "admin-1", "admin", school=world.school_id, trust=world.trust_id)
    page.goto(f"{web_url}/settings")
    page.get_by_label("Minutes before an unacknowledged alert goes to the next tier").fill("20")
    page.get_by_role("button", name="Save rota").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.get_by_role("link", name="Audit log").click()

    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    reload_until(page, "Rota saved")
    row = page.get_by_role("row").filter(has_text="Rota saved").first
    expect(row).to_contain_text("admin-1")
    expect(row).to_contain_text("tiers: 1")
    expect(page.locator("main")).not_to_contain_text("dsl@oak.example.org")
    context.close()


def test_a_trust_admin_sees_each_schools_changes(browser: Browser, web_url: str, world: World):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, "admin-t", "admin", trust=world.trust_id)

    page.goto(f"{web_url}/admin-audit")

    reload_until(page, "School registered or changed")
    expect(page.get_by_role("columnheader", name="School")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="School registered").first).to_contain_text(
        world.school_id
    )
    context.close()


def test_staff_have_no_audit_log(browser: Browser, web_url: str, world: World):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)

    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    response = page.goto(f"{web_url}/admin-audit")

    assert response is not None and response.status == 404
    context.close()
