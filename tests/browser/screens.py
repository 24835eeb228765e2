"""Screenshots of each page, at desktop and phone size, into docs/screens/ (opt-in):

    .venv/bin/pytest -m screens tests/browser/screens.py

Not part of the normal run (the file name does not match test_*.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import new_context, sign_in
from tests.browser.test_accessibility import BODY_MAP
from tests.browser.world import World, send_unmatched_notification, until
from tests.support.api import bearer, concern_body, token, unique
from tests.support.stack import ROOT

SCREENS = ROOT / "docs" / "screens"
SIZES = {"desktop": {"width": 1024, "height": 768}, "phone": {"width": 390, "height": 844}}


def _snap(page: Page, name: str, size: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.screenshot(path=str(SCREENS / f"{name}-{size}.png"), full_page=False)


@pytest.mark.screens
def test_screenshots_of_every_page(browser: Browser, web_url: str, world: World):
    SCREENS.mkdir(parents=True, exist_ok=True)
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    concern = httpx.post(
        world.url("intake", "/v1/concerns"),
        json=concern_body(world.school_id, world.pupil_id, body_map=BODY_MAP),
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    ).json()["concern_id"]
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
    _work_the_case(world, concern)
    for size in SIZES:
        context = new_context(browser, phone=size == "phone")
        page = context.new_page()
        page.goto(f"{web_url}/dev/sign-in")
        _snap(page, "sign-in", size)
        sign_in(page, web_url, world.teacher, "staff", school=world.school_id)
        page.get_by_label("Pupil's name").fill("hart")
        page.get_by_role("button", name="Find pupil").click()
        page.get_by_label("Where is the mark?").select_option("front:left_forearm")
        page.get_by_role("button", name="Add mark").click()
        page.locator("#body_map").scroll_into_view_if_needed()
        _snap(page, "record-a-concern-body-map", size)
        page.goto(f"{web_url}/concerns/new")
        _snap(page, "record-a-concern", size)
        page.goto(f"{web_url}/concerns/{concern}/recorded")
        _snap(page, "concern-recorded", size)
        page.goto(f"{web_url}/concerns/mine")
        _snap(page, "my-concerns", size)
        page.goto(f"{web_url}/sign-out")
        sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
        page.goto(f"{web_url}/alerts")
        _snap(page, "alerts", size)
        page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
        _snap(page, "childs-file", size)
        page.locator(".harbour-marks-read").scroll_into_view_if_needed()
        _snap(page, "childs-file-body-map", size)
        page.locator("#case").scroll_into_view_if_needed()
        _snap(page, "childs-case", size)
        case = f"{web_url}/children/{world.school_id}/{world.pupil_id}/case"
        page.goto(f"{case}/triage/{concern}")
        _snap(page, "case-triage", size)
        page.goto(f"{case}/referral")
        _snap(page, "case-referral", size)
        page.goto(f"{web_url}/cases")
        _snap(page, "cases", size)
        page.goto(f"{web_url}/deadlines")
        _snap(page, "deadlines", size)
        page.goto(f"{web_url}/encompass")
        _snap(page, "operation-encompass", size)
        page.goto(f"{web_url}/sign-out")
        sign_in(page, web_url, "admin-1", "admin", school=world.school_id, trust=world.trust_id)
        page.goto(f"{web_url}/settings")
        _snap(page, "school-settings", size)
        page.goto(f"{web_url}/admin-audit")
        _snap(page, "audit-log", size)
        page.goto(f"{web_url}/sign-out")
        sign_in(page, web_url, "lead-1", "trust_safeguarding_lead", trust=world.trust_id)
        page.goto(f"{web_url}/trust")
        _snap(page, "trust-overview", size)
        context.close()


def _work_the_case(world: World, concern_id: str) -> None:
    """A decision, a referral with feedback, an action and a note on the child's case."""
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    until(lambda: httpx.get(world.url("case", f"/v1/children/{world.pupil_id}/case"), headers=dsl))
    now = datetime.now(UTC)
    not_told = {"informed": False, "reason": "Telling mum would alert her partner."}
    steps = [
        (
            f"/v1/concerns/{concern_id}/triage",
            {
                "pupil_id": world.pupil_id,
                "decision": "refer_to_childrens_social_care",
                "reason": "Bruising and a disclosure about mum's partner.",
                "parents_informed": not_told,
                "child_views": "Wants to stay with her nan for now.",
            },
        ),
        (
            f"/v1/children/{world.pupil_id}/referrals",
            {
                "agency": "childrens_social_care",
                "made_at": (now - timedelta(hours=1)).isoformat(),
                "method": "phone",
                "reference": "MASH-2041",
                "contact": "Duty social worker",
                "parents_informed": not_told,
                "concern_ids": [concern_id],
            },
        ),
        (
            f"/v1/children/{world.pupil_id}/actions",
            {
                "title": "Check in with her every morning",
                "owner_user_id": world.teacher,
                "due_on": (now + timedelta(days=7)).date().isoformat(),
            },
        ),
        (
            f"/v1/children/{world.pupil_id}/notes",
            {
                "kind": "phone_call",
                "occurred_at": now.isoformat(),
                "participants": ["Duty social worker", "DSL"],
                "summary": "Social care will visit today; school to check in each morning.",
            },
        ),
    ]
    for path, body in steps:
        response = httpx.post(world.url("case", path), json=body, headers=dsl, timeout=30)
        assert response.status_code == 201, response.text
