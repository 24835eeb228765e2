"""What the DSL must know about a child, in the browser: the DSL records the child's
context at the top of the file (the flags then show on the child's alerts), links the
child to another and removes the link, records a risk assessment and reviews it, and finds
it under Reviews due; the other child named in the concern has an entry about their part
only. The headteacher reads the case with the address withheld, and sets the pattern
watch; a deputy DSL reads it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from services.common.clock import uk_today
from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World, until
from tests.support.api import bearer, concern_body, token, unique

WORDS = "He keeps grabbing me by the lockers."


@pytest.fixture(scope="module")
def concern_id(world: World) -> str:
    """A teacher's concern about Amelia naming Noah as the alleged perpetrator."""
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    body = concern_body(
        world.school_id,
        world.pupil_id,
        categories=["sexual_harassment", "child_on_child"],
        child_words=WORDS,
        other_pupils_involved=[{"pupil_id": world.other_pupil_id, "part": "alleged_perpetrator"}],
    )
    response = httpx.post(
        world.url("intake", "/v1/concerns"),
        json=body,
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    linked = until(
        lambda: (
            httpx.get(
                world.url("case", f"/v1/children/{world.other_pupil_id}/case"),
                headers=dsl,
                timeout=30,
            ).status_code
            == 200
        )
    )
    assert linked, "case never linked the named child"
    return str(response.json()["concern_id"])


def _date(page: Page, group: str, day: date, at: str | None = None) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))
    if at is not None:
        fields.get_by_label("Time").fill(at)


def _after_reloads(page: Page, probe) -> bool:
    def reloaded() -> bool:
        page.reload()
        return bool(probe())

    return bool(until(reloaded))


def test_the_dsl_records_context_links_and_a_risk_assessment_from_the_childs_file(
    browser: Browser, web_url: str, world: World, concern_id: str
):
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    about = page.locator("#context")
    expect(about.get_by_text("Nothing recorded yet.")).to_be_visible()

    # The context: a protection plan with no category is refused, naming the field.
    about.get_by_role("link", name="Record what you know of the child").click()
    page.get_by_label("Name", exact=True).first.fill("Sam Okafor")
    page.get_by_label("Local authority", exact=True).fill("Worcestershire")
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Category of the child protection plan").select_option("neglect")
    _date(page, "When did the plan start?", uk_today() - timedelta(days=30))
    page.get_by_label("Yes: EHC plan").check()
    page.get_by_label("Name", exact=True).nth(1).fill("Jo Hart")
    page.get_by_label("Relationship to the child").first.fill("Mother")
    page.get_by_label("Address (optional)").first.fill("Safe House, 1 Hidden Lane")
    page.get_by_label("Has parental responsibility (person 1)").check()
    page.get_by_label("Withhold the address").check()
    page.get_by_label("Why is it withheld?").fill("Mother and child are in a refuge.")
    page.get_by_role("button", name="Save").click()
    expect(about.locator(".harbour-flag")).to_have_text(["Child protection plan", "SEND"])
    expect(about).to_contain_text("Address withheld: do not share the child's address.")
    expect(about).to_contain_text("Sam Okafor, Worcestershire")

    # The other child the concern named is linked as the same incident; add and remove a link.
    links = page.locator("#links")
    expect(links).to_contain_text("Same incident")
    expect(links.get_by_role("link", name="Noah Hartley", exact=True)).to_be_visible()
    links.get_by_role("link", name="Link to another child").click()
    page.get_by_label("Other child's name").fill("hartley")
    page.get_by_role("button", name="Find").click()
    page.get_by_label(re.compile("^Noah Hartley")).check()
    page.get_by_label("Sibling").check()
    page.get_by_role("button", name="Link the children").click()
    expect(links).to_contain_text("Sibling")
    links.get_by_role("link", name=re.compile("^Remove")).first.click()
    page.get_by_label("Why remove it?").fill("Recorded by mistake.")
    page.get_by_role("button", name="Remove link").click()
    expect(links.get_by_text(re.compile(r"Removed links \(1\)"))).to_be_visible()

    # A risk assessment, refused empty, then recorded and reviewed.
    assessments = page.locator("#risk-assessments")
    assessments.get_by_role("link", name="Record a risk assessment").click()
    page.get_by_role("button", name="Save risk assessment").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("What happened?").fill("Grabbed in the corridor by an older pupil.")
    page.get_by_label("Victim", exact=True).check()
    page.get_by_label(re.compile("^Noah Hartley")).check()
    page.get_by_label("What are the risks?").fill("Contact between lessons and at lunch.")
    page.get_by_label("Separate classes or sets").fill("Different sets from Monday.")
    page.get_by_label(re.compile("^What does the victim want")).fill("To stay with her friends.")
    page.get_by_label("Who was consulted?").fill("Amelia\nHer mother\nSocial worker")
    _date(page, "When will it be reviewed?", uk_today() + timedelta(days=7))
    page.get_by_role("button", name="Save risk assessment").click()
    expect(assessments).to_contain_text("Grabbed in the corridor by an older pupil.")
    expect(assessments).to_contain_text("Separate classes or sets: Different sets from Monday.")
    assessments.get_by_role("link", name=re.compile("^Review it")).click()
    page.get_by_label("What did the review find?").fill("No contact since; she feels safer.")
    _date(page, "When will it next be reviewed?", uk_today() + timedelta(days=10))
    page.get_by_role("button", name="Save review").click()
    expect(assessments).to_contain_text("No contact since; she feels safer.")

    # Reviews due lists it; the child's alerts carry the flags; the chronology has it all.
    page.get_by_role("link", name="Reviews due").click()
    expect(page.get_by_role("heading", name="Reviews due")).to_be_visible()
    expect(
        page.get_by_role("row", name=re.compile("Amelia Hart.*Risk assessment review"))
    ).to_be_visible()
    page.get_by_role("link", name="Alerts").click()
    alert = page.locator(".harbour-alert").filter(has_text="Concern raised").first
    expect(alert.get_by_text("Child protection plan")).to_be_visible()
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    timeline = page.locator(".harbour-timeline")
    for heading in (
        "What the DSL knows of the child",
        "Risk assessment",
        "Linked to another child",
    ):
        found = _after_reloads(page, lambda h=heading: timeline.get_by_text(h).count() > 0)
        assert found, f"{heading} never reached the chronology"
    assert world.pupil_id in page.url and "Amelia" not in page.url

    # Noah's file: his part only, never Amelia's words.
    page.goto(f"{web_url}/children/{world.school_id}/{world.other_pupil_id}")
    expect(page.locator(".harbour-timeline")).to_contain_text("Named as alleged perpetrator")
    expect(page.locator("body")).not_to_contain_text("lockers")
    context.close()


def test_the_head_reads_the_withheld_address_as_withheld_and_sets_the_pattern_watch(
    browser: Browser, web_url: str, world: World, concern_id: str
):
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    put = httpx.put(
        world.url("case", f"/v1/children/{world.pupil_id}/context"),
        json={
            "address": "Safe House, 1 Hidden Lane",
            "address_withheld": {"reason": "Mother and child are in a refuge."},
        },
        headers=dsl,
        timeout=30,
    )
    assert put.status_code == 200, put.text
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, "head-1", "headteacher", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}/case")
    about = page.locator("#context")
    expect(about).to_contain_text("Address withheld")
    expect(about).to_contain_text("Mother and child are in a refuge.")
    expect(page.locator("body")).not_to_contain_text("Hidden Lane")
    expect(page.get_by_role("link", name="Change what you know of the child")).to_have_count(0)

    page.get_by_role("link", name="School settings").click()
    page.get_by_role("link", name="Change pattern watch").click()
    page.get_by_label("Within how many days").first.fill("0")
    page.get_by_role("button", name="Save pattern watch").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Within how many days").first.fill("45")
    page.get_by_role("button", name="Save pattern watch").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_label("Within how many days").first).to_have_value("45")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "deputy-1", "deputy_dsl", school=world.school_id)
    page.goto(f"{web_url}/settings/pattern-rules")
    expect(page.get_by_text("Only the DSL or the headteacher may change these.")).to_be_visible()
    expect(page.get_by_role("button", name="Save pattern watch")).to_have_count(0)
    context.close()


def test_a_teacher_names_another_pupil_involved_and_their_file_gets_their_part(
    browser: Browser, web_url: str, world: World
):
    context = new_context(browser, phone=True)
    page = context.new_page()
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    page.goto(f"{web_url}/concerns/new")
    page.get_by_label("Pupil's name").fill("amelia")
    page.get_by_role("button", name="Find pupil").click()
    page.get_by_label(re.compile(r"^Amelia Hart, born 12 April 2016")).check()
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill(str(uk_today().day))
    when.get_by_label("Month").fill(str(uk_today().month))
    when.get_by_label("Year").fill(str(uk_today().year))
    page.get_by_label("Sexual harassment").check()
    page.get_by_label("What happened?").fill("Comments about her body in the dinner queue.")
    page.get_by_label("Name of the other pupil").fill("noah")
    page.get_by_role("button", name="Find other pupil").click()
    page.get_by_label(re.compile(r"^Noah Hartley")).check()
    page.get_by_label("Their part").select_option("alleged_perpetrator")
    page.get_by_role("button", name="Add other pupil").click()
    expect(page.locator("#others")).to_contain_text("Noah Hartley, born 30 September 2015")
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_role("group", name="Was female genital mutilation discovered?").get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Submit concern").click()
    expect(page.get_by_role("heading", name="Concern recorded")).to_be_visible()
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.other_pupil_id}")
    timeline = page.locator(".harbour-timeline")
    named = _after_reloads(
        page, lambda: timeline.get_by_text("Sexual harassment", exact=False).count() > 0
    )
    assert named, "the named pupil's file never got their part"
    expect(page.locator("body")).not_to_contain_text("dinner queue")
    context.close()
