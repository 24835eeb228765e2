"""Concerns about adults in the browser: a teacher reports one about a colleague (naming a
child involved) and sees only the receipt; the headteacher works the case from Allegations:
the harm-threshold decision, the LADO referral within its deadline, the suspension and its
written confirmation, the outcome; every step in the case's chronology. A DSL who is the
subject of a concern sees nothing of it: not in Allegations, not its page (the plain
not-found page), not the pointer in the child's file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World, until
from tests.support.api import bearer, token, unique


def _after_reloads(page: Page, probe) -> bool:
    """Reload until `probe()` holds: what other services do arrives a moment later."""

    def reloaded() -> bool:
        page.reload()
        return bool(probe())

    return bool(until(reloaded))


def raise_adult_concern(world: World, subject: dict, children: list[str]) -> str:
    """A concern about an adult sent as the teacher would; the adult case's id, once the
    headteacher can see it."""
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    body = {
        "school_id": world.school_id,
        "subject": subject,
        "occurred_at": datetime.now(UTC).isoformat(),
        "description": "Pushed a pupil against the lockers.",
        "children_involved": children,
    }
    response = httpx.post(
        world.url("intake", "/v1/adult-concerns"),
        json=body,
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    concern_id = response.json()["adult_concern_id"]
    head = bearer(token("head-1", "headteacher", school=world.school_id))

    def case_id() -> str | None:
        cases = httpx.get(world.url("case", "/v1/adult-cases"), headers=head, timeout=30)
        found = [c for c in cases.json()["cases"] if c["adult_concern_id"] == concern_id]
        return found[0]["case_id"] if found else None

    opened = until(case_id)
    assert opened, "case never opened the adult case"
    return str(opened)


def _when(page: Page, group: str) -> None:
    """The date and time boxes keep the moment the form opened: already past."""
    expect(page.get_by_role("group", name=group).get_by_label("Day")).not_to_be_empty()


def test_a_teacher_reports_and_the_headteacher_works_the_case(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser)
    page = context.new_page()
    name = f"Quentin {unique('Marlowe')}"
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    page.get_by_role("link", name="Report a concern about an adult").click()
    page.get_by_role("button", name="Send the concern").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Their name").fill(name)
    page.get_by_label("A member of staff").check()
    page.get_by_label("Their Harbour sign-in ID (optional)").fill("teacher-9")
    # An hour ago on the school's clock: a fixed time of day is still to come after midnight.
    seen = datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=1)
    page.get_by_label("Day").fill(str(seen.day))
    page.get_by_label("Month").fill(str(seen.month))
    page.get_by_label("Year").fill(str(seen.year))
    page.get_by_label("Time").fill(seen.strftime("%H:%M"))
    page.get_by_label("What happened?").fill("Grabbed a pupil by the arm in the corridor.")
    page.get_by_label("Pupil's name").fill("hart")
    page.get_by_role("button", name="Find pupil").click()
    page.get_by_label(re.compile("^Amelia Hart")).check()
    page.get_by_role("button", name="Send the concern").click()
    expect(page.get_by_role("heading", name="Concern about an adult sent")).to_be_visible()
    assert name.split()[1] not in page.url
    receipt = page.url
    page.goto(f"{web_url}/allegations")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()  # staff
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "head-1", "headteacher", school=world.school_id)
    page.goto(receipt)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()  # not theirs
    page.get_by_role("link", name="Allegations").click()
    assert _after_reloads(page, lambda: page.get_by_role("link", name=name).count() > 0)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("Awaiting decision")

    page.get_by_role("link", name="Decide whether it meets the harm threshold").click()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()  # no reason
    page.get_by_label(re.compile("^They behaved in a way that has harmed a child")).check()
    page.get_by_label("Why?").fill("A pupil was hurt; two witnesses.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("#case-status")).to_have_text("Allegation")
    deadlines = page.locator("#deadlines")
    assert _after_reloads(page, lambda: "LADO referral: due" in (deadlines.text_content() or ""))

    page.get_by_role("link", name="Record the LADO referral").click()
    _when(page, "When did you refer it to the LADO?")
    page.get_by_label("The LADO's name").fill("Pat Lado")
    page.get_by_label("Their reference").fill("LADO-2041")
    page.get_by_label("Their advice").fill("Suspend pending enquiries.")
    page.get_by_role("button", name="Save referral").click()
    expect(deadlines).to_contain_text("LADO referral: Met")

    page.get_by_role("link", name="Record a suspension").click()
    page.get_by_label("Why?").fill("Pending the LADO's enquiries.")
    page.get_by_role("button", name="Save suspension").click()
    expect(page.locator("#steps")).to_contain_text("Written confirmation not yet sent")
    page.get_by_role("link", name="Record the written confirmation").click()
    page.get_by_role("button", name="Save confirmation").click()
    expect(page.locator("#steps")).to_contain_text("Written confirmation sent")
    assert _after_reloads(page, lambda: "Suspension confirmation: Met" in deadlines.inner_text())

    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_label(re.compile("^Substantiated")).check()
    page.get_by_label("Why?").fill("Witnessed by two members of staff.")
    page.get_by_role("button", name="Save outcome and close the case").click()
    expect(page.locator("#case-status")).to_have_text("Closed")
    expect(page.locator("#steps")).to_contain_text("no date of birth or pension date")

    timeline = page.locator("#chronology")
    for heading in ("Concern about an adult raised", "Referred to the LADO", "Outcome recorded"):
        found = _after_reloads(page, lambda h=heading: timeline.get_by_text(h).count() > 0)
        assert found, f"{heading} never reached the chronology"
    expect(timeline).to_contain_text("Grabbed a pupil by the arm in the corridor.")
    page.get_by_role("link", name="access log").click()
    expect(page.get_by_role("cell", name="Read the chronology").first).to_be_visible()
    context.close()


def test_a_dsl_who_is_the_subject_sees_nothing(browser: Browser, web_url: str, world: World):
    case_id = raise_adult_concern(
        world, {"name": "Dee Sell", "role": "staff", "staff_user_id": world.dsl}, [world.pupil_id]
    )
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.get_by_role("link", name="Allegations").click()
    expect(page.locator("#no-allegations")).to_be_visible()
    expect(page.get_by_text("Dee Sell")).to_have_count(0)
    for path in ("", "/decision", "/lado", "/access-log"):
        page.goto(f"{web_url}/allegations/{case_id}{path}")
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto(f"{web_url}/allegations/low-level")
    expect(page.get_by_text("No low-level concerns for you to see.")).to_be_visible()
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
    expect(page.locator(".harbour-adult-pointer")).to_have_count(0)
    expect(page.locator(".harbour-timeline")).not_to_contain_text("adult")
    page.goto(f"{web_url}/sign-out")

    # A DSL the headteacher names on the case sees its pointer in the child's file.
    sign_in(page, web_url, "head-1", "headteacher", school=world.school_id)
    page.goto(f"{web_url}/allegations/{case_id}/dsls")
    page.get_by_label("Which DSLs work the case with you?").fill("dsl-2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("dsl-2", exact=True)).to_be_visible()
    page.goto(f"{web_url}/sign-out")
    sign_in(page, web_url, "dsl-2", "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    pointer = page.locator(".harbour-adult-pointer")
    assert _after_reloads(page, lambda: pointer.count() > 0)
    expect(pointer).to_contain_text("Subject of a concern about an adult")
    expect(page.get_by_text("Dee Sell")).to_have_count(0)
    pointer.get_by_role("link", name="Open the allegations file").click()
    expect(page.get_by_role("heading", name="Dee Sell")).to_be_visible()
    context.close()
