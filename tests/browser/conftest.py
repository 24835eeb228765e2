"""Browser tests: Debian's chromium, driven by Playwright, against the five services.

One stack for the whole session (the four services and web, in a private vhost and
database prefix). Never a downloaded browser: Playwright is pointed at /usr/bin/chromium.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser.world import World, build_world
from tests.support.stack import ROOT, TestStack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE = ROOT / "services" / "web" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def web_stack() -> Iterator[TestStack]:
    stack = TestStack(log_dir=ROOT / ".data" / "test-logs" / "browser")
    stack.create()
    try:
        stack.start_all()
        stack.add_web().start()
        yield stack
    finally:
        stack.destroy()


@pytest.fixture(scope="session")
def web_url(web_stack: TestStack) -> str:
    return web_stack.url("web")


# Playwright's sync API runs an event loop of its own in this thread while it is open, so
# it is opened per module and closed before the asyncio tests of other folders run.
@pytest.fixture(scope="module")
def playwright_session() -> Iterator[Playwright]:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.fail("Debian's chromium is missing: apt-get install chromium (make up does)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def world(web_stack: TestStack) -> World:
    """A school of its own for each test module, so one module's alerts never show in
    another's inbox."""
    return build_world(web_stack)


def new_context(
    browser: Browser, *, phone: bool = False, bypass_csp: bool = False
) -> BrowserContext:
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        bypass_csp=bypass_csp,
    )
    context.set_default_timeout(20_000)
    return context


def sign_in(
    page: Page,
    web_url: str,
    user: str,
    role: str,
    *,
    school: str = "",
    trust: str = "",
    mfa: bool | None = None,
) -> None:
    """The dev sign-in page, filled in as a person would. The test stack requires MFA for
    every role but staff, as production does: the box is ticked for them unless `mfa`
    says otherwise."""
    page.goto(f"{web_url}/dev/sign-in")
    fill_sign_in(
        page, user, role, school=school, trust=trust, mfa=role != "staff" if mfa is None else mfa
    )
    page.get_by_role("link", name="Sign out").wait_for()


def fill_sign_in(page: Page, user: str, role: str, *, school: str, trust: str, mfa: bool) -> None:
    page.get_by_label("User ID").fill(user)
    page.get_by_label("School ID").fill(school)
    page.get_by_label("Trust ID").fill(trust)
    page.get_by_label("Role").select_option(role)
    page.get_by_label("Signed in with a second factor").set_checked(mfa)
    page.get_by_role("button", name="Sign in").click()
