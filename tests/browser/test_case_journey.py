"""A DSL works a child's case from the child's file: triage with the parents not told and
the child's views, a referral to children's social care with its feedback and an
escalation, an action added and completed, a note, the review date, a revised decision,
closing and reopening; every step shows on the case and lands in the chronology. The
headteacher reads the case from Cases; the teacher who found FGM records their report."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from services.common.clock import uk_today
from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World, until
from tests.support.api import bearer, concern_body, token, unique


def _raise(world: World, pupil_id: str, **fields: object) -> str:
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    response = httpx.post(
        world.url("intake", "/v1/concerns"),
        json=concern_body(world.school_id, pupil_id, **fields),
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    concern_id = str(response.json()["concern_id"])
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    opened = until(
        lambda: (
            httpx.get(
                world.url("case", f"/v1/children/{pupil_id}/case"), headers=dsl, timeout=30
            ).status_code
            == 200
        )
    )
    assert opened, "case never opened the child's case"
    return concern_id


@pytest.fixture(scope="module")
def concern_id(world: World) -> str:
    return _raise(world, world.other_pupil_id)


def _date(page: Page, group: str, day: date, at: str | None = None) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))
    if at is not None:
        fields.get_by_label("Time").fill(at)


def _parents_not_told(page: Page, why: str) -> None:
    page.get_by_role("group", name="Were the parents told?").get_by_label("No", exact=True).check()
    page.get_by_label("Why were they not told?").fill(why)


def _after_reloads(page: Page, probe) -> bool:
    """Reload until `probe()` holds: what other services do arrives a moment later."""

    def reloaded() -> bool:
        page.reload()
        return bool(probe())

    return bool(until(reloaded))


def _case(page: Page):
    return page.locator("#case")


def test_a_dsl_works_the_case_from_the_childs_file(
    browser: Browser, web_url: str, world: World, concern_id: str
):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.other_pupil_id}")
    case = _case(page)
    expect(case.get_by_text("Not triaged")).to_be_visible()

    # Triage: an empty form is refused, naming what is missing.
    case.get_by_role("link", name=re.compile("^Record a decision")).click()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Refer to children's social care").check()
    page.get_by_label("Why?").fill("Disclosure of harm by mum's partner.")
    _parents_not_told(page, "Telling mum would alert her partner.")
    page.get_by_label("The child's wishes and feelings").fill("Wants to stay with her nan.")
    page.get_by_role("button", name="Save decision").click()
    expect(case).to_contain_text("Refer to children's social care")
    expect(case).to_contain_text("Parents not told: Telling mum would alert her partner.")

    # A referral to children's social care, its feedback and an escalation.
    case.get_by_role("link", name="Make a referral").click()
    page.get_by_label("Children's social care").check()
    page.get_by_label("Phone").check()
    page.get_by_label("Their reference").fill("MASH-2041")
    _parents_not_told(page, "Social care asked us not to.")
    page.get_by_label(re.compile("^Concern 1")).check()
    page.get_by_role("button", name="Save referral").click()
    expect(case.get_by_text("Awaiting feedback")).to_be_visible()
    case.get_by_role("link", name=re.compile("^Record feedback")).click()
    page.get_by_label("Child in need assessment").check()
    page.get_by_label("Details").fill("Assessment to start this week.")
    page.get_by_role("button", name="Save feedback").click()
    expect(case).to_contain_text("Child in need assessment")
    case.get_by_role("link", name=re.compile("^Record an escalation")).click()
    page.get_by_label("To whom?").fill("MASH team manager")
    page.get_by_label("What was the outcome?").fill("Assessment brought forward.")
    page.get_by_role("button", name="Save escalation").click()
    expect(case).to_contain_text("Escalated")

    # An action, added and completed; a note; the review date.
    case.get_by_role("link", name="Add an action").click()
    page.get_by_label("What needs to be done?").fill("Check in with her every morning")
    page.get_by_label("Who owns it?").fill("teacher-1")
    _date(page, "When must it be done by?", uk_today())
    page.get_by_role("button", name="Add action").click()
    expect(case.locator("table")).to_contain_text("Check in with her every morning")
    case.get_by_role("link", name=re.compile("^Complete")).click()
    page.get_by_label("What was done?").fill("Checked in daily; she is settled.")
    page.get_by_role("button", name="Mark as done").click()
    expect(case).to_contain_text("No open actions.")
    case.get_by_role("link", name="Add a note").click()
    page.get_by_label("Phone call").check()
    page.get_by_label("Who took part?").fill("Social worker\nDSL")
    page.get_by_label("What was said and agreed?").fill("Strategy discussion booked.")
    page.get_by_role("button", name="Save note").click()
    expect(case).to_contain_text("Strategy discussion booked.")
    case.get_by_role("link", name=re.compile("^Set")).click()
    _date(page, "When will the case be reviewed?", uk_today())
    page.get_by_label("Why then?").fill("After the assessment.")
    page.get_by_role("button", name="Save review date").click()
    expect(case).to_contain_text("After the assessment.")
    expect(case.get_by_text("Due", exact=True)).to_be_visible()

    # The decision revised: the earlier one is kept.
    case.get_by_role("link", name=re.compile("^Revise the decision")).click()
    expect(page.get_by_text("Decision in force")).to_be_visible()
    page.get_by_label("Early help").check()
    page.get_by_label("Why?").fill("Social care advise early help.")
    _parents_not_told(page, "Still a risk.")
    page.get_by_role("button", name="Save decision").click()
    expect(case).to_contain_text("Earlier decisions (1)")

    # Closed with outcome and reason, then reopened.
    case.get_by_role("link", name=re.compile("^Close")).click()
    page.get_by_label("Early help in place").check()
    page.get_by_label("Why can the case close?").fill("Early help in place; settled.")
    page.get_by_role("button", name="Close case").click()
    expect(case.get_by_text("Closed", exact=True)).to_be_visible()
    case.get_by_role("link", name=re.compile("^Reopen")).click()
    page.get_by_label("Why are you reopening it?").fill("Sibling disclosed new concerns.")
    page.get_by_role("button", name="Reopen case").click()
    expect(case.get_by_text("Open", exact=True)).to_be_visible()

    # Every step in the chronology (records files them as they arrive).
    timeline = page.locator(".harbour-timeline")
    for heading in ("Triage decision", "Referral made", "Case closed", "Case reopened"):
        found = _after_reloads(page, lambda h=heading: timeline.get_by_text(h).count() > 0)
        assert found, f"{heading} never reached the chronology"
    expect(page.locator(".harbour-timeline").get_by_text("Feedback on a referral")).to_be_visible()
    assert world.other_pupil_id in page.url and "Noah" not in page.url
    context.close()


def test_the_headteacher_reads_the_case_from_cases_and_cannot_change_it(
    browser: Browser, web_url: str, world: World, concern_id: str
):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, "head-1", "headteacher", school=world.school_id)
    page.get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    page.get_by_role("link", name="Noah Hartley").click()
    expect(page.get_by_role("heading", name="The child's case")).to_be_visible()
    expect(_case(page).get_by_text("Concern 1")).to_be_visible()
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Record a decision"))).to_have_count(0)
    page.goto(f"{web_url}/children/{world.school_id}/{world.other_pupil_id}/case/action")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    context.close()


def test_the_teacher_who_found_fgm_records_the_report_to_the_police(
    browser: Browser, web_url: str, world: World
):
    found = _raise(world, world.pupil_id, fgm_discovered=True, categories=["fgm"])
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    page.goto(f"{web_url}/concerns/mine")
    owed = _after_reloads(page, lambda: page.get_by_text("You must report").count() > 0)
    assert owed, "the FGM duty never reached My concerns"
    page.get_by_role("link", name=re.compile("^Record your report to the police")).click()
    expect(page.get_by_role("heading", name="Record the FGM report to the police")).to_be_visible()
    page.get_by_label("The police reference").fill("WM/20416/26")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("heading", name="My concerns")).to_be_visible()
    expect(page.get_by_text("You must report")).to_have_count(0)
    assert "fgm-report" not in page.url and found
    context.close()
