"""Who cannot see what: staff never open the file, another school's DSL sees nothing of
it, and a form posted without its CSRF token is refused."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World, build_world, raise_concern


def test_staff_cannot_open_the_childs_file(browser: Browser, web_url: str, world: World):
    raise_concern(world)
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)

    response = page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Amelia")
    expect(page.get_by_role("link", name="Alerts")).to_have_count(0)
    context.close()


def test_a_dsl_of_another_school_sees_nothing_of_it(
    browser: Browser, web_url: str, world: World, web_stack
):
    raise_concern(world)
    other = build_world(web_stack, name="Elm Primary")
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, other.dsl, "dsl", school=other.school_id)

    file_page = page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    assert file_page is not None and file_page.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto(f"{web_url}/alerts")
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(world.pupil_id)
    page.goto(f"{web_url}/deadlines")
    expect(page.locator("main")).not_to_contain_text(world.pupil_id)
    context.close()


def test_a_form_posted_without_its_csrf_token_is_refused(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    page.goto(f"{web_url}/concerns/new")
    page.locator('#concern-form input[name="csrf_token"]').evaluate("input => input.remove()")

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Submit concern").click()

    assert posted.value.status == 403
    expect(page.get_by_role("heading", name="The form has expired")).to_be_visible()
    context.close()


def test_pages_carry_no_store_and_a_csp_without_inline_script_that_nothing_breaks(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    page.goto(f"{web_url}/concerns/new")
    page.locator('svg[data-view="front"]').click(position={"x": 85, "y": 100})
    expect(page.locator("#marks > li")).to_have_count(1)  # the page's script ran
    page.goto(f"{web_url}/sign-out")
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    response = page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    assert response is not None
    headers = response.headers
    assert headers["cache-control"] == "no-store"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert page.locator("script:not([src])").count() == 0
    cookie = next(c for c in context.cookies() if c["name"] == "harbour")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert world.pupil_id not in cookie["value"]
    assert refused == []
    context.close()
