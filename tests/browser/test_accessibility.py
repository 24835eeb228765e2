"""axe-core, injected into every page, finds no serious or critical accessibility
violation. Pages are visited as the people who use them, with data on them."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page

from services.common.clock import uk_today
from tests.browser.conftest import AXE, fill_sign_in, new_context, sign_in
from tests.browser.test_file_transfer import link_token
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


@pytest.fixture(scope="module")
def fgm_concern_id(world: World) -> str:
    """A concern in which the teacher found FGM: their duty to report it, on case's pages."""
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    body = concern_body(world.school_id, world.other_pupil_id, fgm_discovered=True)
    response = httpx.post(
        world.url("intake", "/v1/concerns"),
        json=body,
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    fgm_id = str(response.json()["concern_id"])
    duties = world.url("case", "/v1/fgm-duties")
    until(lambda: fgm_id in httpx.get(duties, headers=staff, timeout=30).text)
    return fgm_id


def _check(page: Page, url: str, heading: str) -> list[str]:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for()
    return [f"{url}: {v}" for v in violations(page)]


def test_no_serious_or_critical_violation_on_any_page(
    browser: Browser, web_url: str, world: World, concern_id: str, fgm_concern_id: str
):
    context = new_context(browser, bypass_csp=True)  # lets axe be injected
    page = context.new_page()
    found: list[str] = []

    found += _check(page, f"{web_url}/dev/sign-in", "Sign in (development)")
    fill_sign_in(page, world.dsl, "dsl", school=world.school_id, trust="", mfa=False)
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"sign-in asking for MFA: {v}" for v in violations(page)]
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
    fgm_report = f"{web_url}/concerns/{fgm_concern_id}/fgm-report"
    found += _check(page, fgm_report, "Record the FGM report to the police")
    found += _check(
        page, f"{web_url}/children/{world.school_id}/{world.pupil_id}", "Page not found"
    )
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    found += _check(page, f"{web_url}/alerts", "Alerts")
    found += _check(page, f"{web_url}/children/{world.school_id}/{world.pupil_id}", "Chronology")
    found += _check(page, f"{web_url}/deadlines", "Deadlines")
    found += _check(page, f"{web_url}/cases", "Cases")
    case = f"{web_url}/children/{world.school_id}/{world.pupil_id}/case"
    found += _check(page, case, "The child's case")
    for form, heading in (
        ("action", "Add an action"),
        ("note", "Add a note"),
        ("referral", "Make a referral"),
        ("review", "Set the review date"),
        ("close", "Close the case"),
    ):
        found += _check(page, f"{case}/{form}", heading)
    found += _check(page, f"{case}/triage/{concern_id}", "Record a triage decision")
    page.get_by_role("button", name="Save decision").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"triage form with errors: {v}" for v in violations(page)]
    found += _check(page, f"{web_url}/encompass", "Operation Encompass")
    child = f"{web_url}/children/{world.school_id}/{world.pupil_id}"
    found += _check(page, f"{child}/access-log", "Access log")
    found += _check(page, f"{web_url}/transfers/incoming", "Incoming files")
    found += _check(page, f"{web_url}/retention", "Retention review")
    found += _check(page, f"{child}/entries/file:1/correct", "Correct an entry")
    found += _check(page, f"{child}/transfer", "Transfer the file")
    page.get_by_role("button", name="Send the file").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"transfer form with errors: {v}" for v in violations(page)]
    page.get_by_label("A school outside Harbour").check()
    page.get_by_label("The receiving DSL's e-mail address").fill("dsl@hill.example.org")
    page.get_by_role("button", name="Send the file").click()
    page.get_by_role("heading", name="File offered").wait_for()
    found += [f"file offered: {v}" for v in violations(page)]
    page.goto(f"{web_url}/sign-out")

    transfers = httpx.get(
        world.url("records", f"/v1/children/{world.pupil_id}/transfers"),
        headers=bearer(token(world.dsl, "dsl", school=world.school_id)),
    ).json()["transfers"]
    link = f"{web_url}/file-transfer/{link_token(world, transfers[-1]['transfer_id'])}"
    found += _check(page, link, "Child protection file from Oak Primary")

    sign_in(page, web_url, "admin-1", "admin", school=world.school_id, trust=world.trust_id)
    found += _check(page, f"{web_url}/settings", "School settings")
    found += _check(page, f"{web_url}/admin-audit", "Audit log")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "it-admin", "admin", trust=world.trust_id)
    found += _check(page, f"{web_url}/service-health", "Service health")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "lead-1", "trust_safeguarding_lead", trust=world.trust_id)
    found += _check(page, f"{web_url}/trust", "Trust overview")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "admin-t", "admin", trust=world.trust_id)
    found += _check(page, f"{web_url}/admin-audit", "Audit log")
    found += _check(page, f"{web_url}/sign-out", "You have signed out")

    context.close()
    assert found == []


@pytest.fixture(scope="module")
def adult_case(world: World) -> tuple[str, str]:
    """A concern about an adult the teacher raised: its id (the receipt's) and its case's."""
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    body = {
        "school_id": world.school_id,
        "subject": {"name": "Sam Teach", "role": "staff", "staff_user_id": "teacher-9"},
        "occurred_at": "2026-03-09T15:30:00+00:00",
        "description": "Shouted at a pupil and grabbed his arm in the corridor.",
        "children_involved": [world.pupil_id],
    }
    response = httpx.post(
        world.url("intake", "/v1/adult-concerns"),
        json=body,
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    concern_id = str(response.json()["adult_concern_id"])
    head = bearer(token("head-1", "headteacher", school=world.school_id))

    def case_id() -> str | None:
        cases = httpx.get(world.url("case", "/v1/adult-cases"), headers=head, timeout=30).json()
        return next(
            (c["case_id"] for c in cases["cases"] if c["adult_concern_id"] == concern_id), None
        )

    found = until(case_id)
    assert found, "case never opened the adult case"
    return concern_id, str(found)


def test_no_serious_or_critical_violation_on_the_allegations_pages(
    browser: Browser, web_url: str, world: World, adult_case: tuple[str, str]
):
    concern_id, case_id = adult_case
    context = new_context(browser, bypass_csp=True)  # lets axe be injected
    page = context.new_page()
    found: list[str] = []

    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    found += _check(page, f"{web_url}/adult-concerns/new", "Report a concern about an adult")
    page.get_by_role("button", name="Send the concern").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"adult concern form with errors: {v}" for v in violations(page)]
    page.get_by_label("Pupil's name").fill("hart")
    page.get_by_role("button", name="Find pupil").click()
    page.get_by_label(re.compile("^Amelia Hart")).wait_for()
    found += [f"adult concern form with pupils: {v}" for v in violations(page)]
    sent = f"{web_url}/adult-concerns/{concern_id}/sent"
    found += _check(page, sent, "Concern about an adult sent")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "head-1", "headteacher", school=world.school_id)
    found += _check(page, f"{web_url}/allegations", "Allegations")
    case = f"{web_url}/allegations/{case_id}"
    found += _check(page, case, "Sam Teach")
    for form, heading in (
        ("decision", "Decide whether it meets the harm threshold"),
        ("lado", "Record the LADO referral"),
        ("suspension", "Record a suspension"),
        ("confirmation", "Record the written confirmation"),
        ("outcome", "Record the outcome"),
        ("dsls", "Name DSLs on the case"),
    ):
        found += _check(page, f"{case}/{form}", heading)
    page.goto(f"{case}/decision")
    page.get_by_role("button", name="Save decision").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"decision form with errors: {v}" for v in violations(page)]
    found += _check(page, f"{case}/access-log", "Access log")
    found += _check(page, f"{web_url}/allegations/low-level", "Low-level concerns log")
    retention = f"{web_url}/allegations/retention"
    found += _check(page, retention, "Retention review: concerns about adults")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "admin-t", "admin", trust=world.trust_id)
    found += _check(page, f"{web_url}/settings/allegations", "Concerns about adults")


def test_no_serious_or_critical_violation_on_what_the_dsl_knows_of_a_child(
    browser: Browser, web_url: str, world: World, concern_id: str
):
    """The context at the top of the file and its form, links, risk assessments, Reviews
    due and the pattern watch, with data on them."""
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    pupil = world.other_pupil_id
    case = world.url("case", f"/v1/children/{pupil}")
    context_body = {
        "social_worker": {"name": "Sam Okafor", "local_authority": "Worcestershire"},
        "plan": {"kind": "child_protection", "category": "neglect", "start_date": "2026-01-12"},
        "send": {"ehcp": True},
        "address": "Safe House, 1 Hidden Lane",
        "address_withheld": {"reason": "In a refuge."},
    }
    assert httpx.put(f"{case}/context", json=context_body, headers=dsl).status_code == 200
    link = httpx.post(
        f"{case}/links", json={"other_pupil_id": world.pupil_id, "kind": "sibling"}, headers=dsl
    )
    assert link.status_code == 201, link.text
    review_on = (uk_today() + timedelta(days=7)).isoformat()
    assessment = httpx.post(
        f"{case}/risk-assessments",
        json={
            "incident": "Pushed in the corridor.",
            "part": "victim",
            "risks": "Shared corridors.",
            "measures": [{"kind": "supervised_times", "detail": "Staff on the corridor."}],
            "victim_wishes": "To stay in his class.",
            "consulted": ["The pupil"],
            "review_on": review_on,
        },
        headers=dsl,
    )
    assert assessment.status_code == 201, assessment.text

    context = new_context(browser, bypass_csp=True)
    page = context.new_page()
    found: list[str] = []
    sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
    page.goto(f"{web_url}/concerns/new")
    page.get_by_label("Name of the other pupil").fill("hart")
    page.get_by_role("button", name="Find other pupil").click()
    page.get_by_role("button", name="Add other pupil").wait_for()
    found += [f"concern form finding another pupil: {v}" for v in violations(page)]
    page.locator("#other-choices input").first.check()
    page.get_by_role("button", name="Add other pupil").click()
    page.locator("#others-named").wait_for()
    found += [f"concern form with another pupil: {v}" for v in violations(page)]
    page.goto(f"{web_url}/sign-out")
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    child = f"{web_url}/children/{world.school_id}/{pupil}"
    found += _check(page, child, "What you must know")
    found += _check(page, f"{child}/context", "What you know of the child")
    page.get_by_label("Why is it withheld?").fill("")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"context form with errors: {v}" for v in violations(page)]
    found += _check(page, f"{child}/links/new", "Link to another child")
    page.get_by_label("Other child's name").fill("hart")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("radio").first.wait_for()
    found += [f"link form with pupils: {v}" for v in violations(page)]
    remove = f"{child}/links/{link.json()['link_id']}/remove"
    found += _check(page, remove, "Remove a link")
    found += _check(page, f"{child}/risk-assessments/new", "Record a risk assessment")
    page.get_by_role("button", name="Save risk assessment").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    found += [f"risk assessment form with errors: {v}" for v in violations(page)]
    review = f"{child}/risk-assessments/{assessment.json()['assessment_id']}/review"
    found += _check(page, review, "Review the risk assessment")
    found += _check(page, f"{web_url}/reviews", "Reviews due")
    found += _check(page, f"{web_url}/settings/pattern-rules", "Pattern watch")
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, "admin-1", "admin", school=world.school_id, trust=world.trust_id)
    found += _check(page, f"{web_url}/settings/pattern-rules", "Pattern watch")
    context.close()
    assert found == []
