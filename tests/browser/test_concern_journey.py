"""A teacher records a concern on a phone, with two marks on the body map; the DSL sees it
under Alerts on a desktop, acknowledges it, and reads the child's words and both marks in
the child's file."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World

# Where a tap lands on each outline, in the SVG's own units (viewBox 200 x 440).
FRONT_LEFT_FOREARM = (156, 194)
BACK_UPPER_BACK = (100, 120)
CHILD_WORDS = "My brother grabbed me when I would not give him my tablet."
recorded: dict[str, str] = {}


def _tap_outline(page, view: str, spot: tuple[int, int]) -> None:
    outline = page.locator(f'svg[data-view="{view}"]')
    box = outline.bounding_box()
    assert box is not None
    scale = box["width"] / 200
    outline.tap(position={"x": spot[0] * scale, "y": spot[1] * scale})


def test_a_teacher_on_a_phone_records_a_concern_with_two_marks(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser, phone=True)
    page = context.new_page()
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)

    expect(page.get_by_role("heading", name="Record a concern")).to_be_visible()
    page.get_by_label("Pupil's name").fill("amelia")
    page.get_by_role("button", name="Find pupil").click()
    page.get_by_label(re.compile(r"^Amelia Hart, born 12 April 2016")).check()
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill("10")
    when.get_by_label("Month").fill("3")
    when.get_by_label("Year").fill("2026")
    when.get_by_label("Time").fill("09:15")
    page.get_by_label("Physical abuse").check()
    page.get_by_label("What happened?").fill("Bruise on left forearm noticed during PE.")
    page.get_by_label("What did the child say, in their own words?").fill(CHILD_WORDS)
    page.get_by_label("What have you done?").fill("Reassured the child; told the DSL.")
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_role("group", name="Was female genital mutilation discovered?").get_by_label(
        "No"
    ).check()

    _tap_outline(page, "front", FRONT_LEFT_FOREARM)
    page.get_by_label("Type of mark 1").select_option("bruise")
    page.get_by_label("Note on mark 1").fill("Yellowish, size of a 50p coin")
    _tap_outline(page, "back", BACK_UPPER_BACK)
    page.get_by_label("Type of mark 2").select_option("cut")
    expect(page.locator("#marks > li")).to_have_count(2)
    expect(page.locator("#marks")).to_contain_text("Mark 1: Left forearm (front)")
    expect(page.locator("#marks")).to_contain_text("Mark 2: Upper back (back)")

    page.get_by_role("button", name="Submit concern").click()

    expect(page.get_by_role("heading", name="Concern recorded")).to_be_visible()
    recorded["reference"] = page.locator(".harbour-reference").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", recorded["reference"])
    assert world.pupil_id not in page.url and "Amelia" not in page.url
    page.get_by_role("link", name="See the concerns you have recorded").click()
    expect(page.get_by_role("heading", name="My concerns")).to_be_visible()
    expect(page.locator("table")).to_contain_text(recorded["reference"])
    expect(page.locator("table")).to_contain_text("Amelia Hart")
    context.close()


def test_the_dsl_acknowledges_it_and_reads_the_childs_file(
    browser: Browser, web_url: str, world: World
):
    assert recorded, "runs after the teacher's test"
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)

    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    alert = page.locator(".harbour-alert", has_text="Concern raised").filter(
        has_text=world.pupil_id
    )
    # The inbox refreshes itself while the concern travels to notification.
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert.locator(".govuk-tag")).to_have_text("Normal")
    alert.get_by_role("button", name=re.compile("^Acknowledge")).click()
    acknowledged = page.locator(".harbour-alert", has_text=world.pupil_id)
    expect(acknowledged).to_contain_text("Acknowledged by dsl-1")

    acknowledged.get_by_role("link", name=re.compile("View the child's file")).click()
    expect(page.get_by_role("heading", name="Amelia Hart")).to_be_visible()
    expect(page.locator(".harbour-child-words")).to_have_text(CHILD_WORDS)
    marks = page.locator(".harbour-marks-read li")
    expect(marks).to_have_count(2)
    expect(marks.nth(0)).to_contain_text("Bruise on the left forearm (front)")
    expect(marks.nth(0)).to_contain_text("Yellowish, size of a 50p coin")
    expect(marks.nth(1)).to_contain_text("Cut on the upper back (back)")
    expect(page.locator(".harbour-timeline circle.harbour-mark")).to_have_count(2)
    expect(page.get_by_role("heading", name="Open deadlines")).to_be_visible()
    context.close()


def test_a_dropped_connection_loses_nothing_and_the_retry_records_it_once(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser, phone=True)
    page = context.new_page()
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    page.get_by_label("Pupil's name").fill("noah")
    page.get_by_role("button", name="Find pupil").click()
    page.get_by_label(re.compile(r"^Noah Hartley")).check()
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill("11")
    when.get_by_label("Month").fill("3")
    when.get_by_label("Year").fill("2026")
    page.get_by_label("Neglect").check()
    page.get_by_label("What happened?").fill("Came in hungry and cold again.")
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_role("group", name="Was female genital mutilation discovered?").get_by_label(
        "No"
    ).check()
    _tap_outline(page, "front", FRONT_LEFT_FOREARM)

    # The concern reaches the server, but its answer never reaches the phone.
    def lose_the_answer(route):
        route.fetch()
        route.abort("internetdisconnected")

    page.route("**/concerns/new", lose_the_answer)
    page.get_by_role("button", name="Submit concern").click()
    page.wait_for_load_state()
    page.unroute("**/concerns/new")

    page.goto(f"{web_url}/concerns/new")  # back online: the tab kept the draft
    expect(page.get_by_label("What happened?")).to_have_value("Came in hungry and cold again.")
    expect(page.get_by_label(re.compile(r"^Noah Hartley"))).to_be_checked()
    expect(page.locator("#marks > li")).to_have_count(1)
    page.get_by_role("button", name="Submit concern").click()
    expect(page.get_by_role("heading", name="Concern recorded")).to_be_visible()
    page.wait_for_load_state("load")  # the page's script has cleared the draft

    page.goto(f"{web_url}/concerns/mine")
    expect(page.locator("tbody tr", has_text="Noah Hartley")).to_have_count(1)
    page.goto(f"{web_url}/concerns/new")
    expect(page.get_by_label("What happened?")).to_have_value("")  # the draft is gone
    context.close()
