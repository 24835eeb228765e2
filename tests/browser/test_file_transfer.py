"""The child's file in the browser: a DSL transfers it to another Harbour school, whose
DSL accepts it under Incoming files and is told about SEND; a DSL downloads the PDF with a
stated purpose; the access log shows both; and a DSL outside Harbour opens the one-time
link with the access code, downloads the bundle and confirms receipt."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, expect
from pymongo import MongoClient

from tests.browser.conftest import new_context, sign_in
from tests.browser.world import World, build_world, until
from tests.support.api import bearer, concern_body, token, unique
from tests.support.sealed import event_of


@pytest.fixture(scope="module")
def with_file(world: World) -> World:
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    for pupil in (world.pupil_id, world.other_pupil_id):
        response = httpx.post(
            world.url("intake", "/v1/concerns"),
            json=concern_body(world.school_id, pupil),
            headers={**staff, "Idempotency-Key": unique("key")},
            timeout=30,
        )
        assert response.status_code == 202, response.text
    dsl = bearer(token(world.dsl, "dsl", school=world.school_id))
    for pupil in (world.pupil_id, world.other_pupil_id):
        until(
            lambda p=pupil: (
                httpx.get(
                    world.url("records", f"/v1/children/{p}/chronology"), headers=dsl
                ).status_code
                == 200
            )
        )
    return world


@pytest.fixture(scope="module")
def elm(web_stack) -> World:
    school = build_world(web_stack, name="Elm Academy")
    until(  # records hears of the school (and its URN) by event
        lambda: (
            httpx.get(
                school.url("records", "/v1/retention/review"),
                headers=bearer(token(school.dsl, "dsl", school=school.school_id)),
            ).status_code
            == 200
        )
    )
    return school


def test_a_dsl_transfers_the_file_and_the_next_schools_dsl_accepts_it(
    browser: Browser, web_url: str, with_file: World, elm: World
):
    world = with_file
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    page.get_by_role("link", name="Transfer this file to another school").click()

    expect(page.get_by_role("heading", name="Transfer the file")).to_be_visible()
    page.get_by_label("A school that uses Harbour").check()
    page.get_by_label("The school's URN").fill(elm.urn)
    page.get_by_role("button", name="Send the file").click()

    expect(page.get_by_role("heading", name="File offered")).to_be_visible()
    expect(page.get_by_text("The receiving school's DSLs have been alerted")).to_be_visible()
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, elm.dsl, "dsl", school=elm.school_id)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Incoming files").click()
    card = page.locator(".govuk-summary-card", has_text="From Oak Primary")
    expect(card).to_contain_text("Amelia Hart, born 12 April 2016")
    card.get_by_label("Pupil ID on your roll").fill("ELM-0007")
    card.get_by_role("button", name="Accept").click()

    expect(page.get_by_role("heading", name="File received")).to_be_visible()
    expect(page.locator("#send-status")).to_contain_text("SEND: Not recorded")
    page.get_by_role("link", name="Open the child's file").click()
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
    expect(
        page.get_by_text("File received from another school")
        .or_(page.get_by_text("Received"))
        .first
    ).to_be_visible()
    page.goto(f"{web_url}/sign-out")

    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    page.get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", name="Access log")).to_be_visible()
    expect(page.get_by_text("The log's hash chain is intact")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Received the file (transfer accepted)")
    context.close()


def test_a_dsl_downloads_the_pdf_for_a_stated_purpose_and_it_is_logged(
    browser: Browser, web_url: str, with_file: World
):
    world = with_file
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")

    page.get_by_label("Purpose of the copy (optional)").fill("Police copy, ref 22/4411")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()

    path = download.value.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("link", name="Access log").click()
    expect(page.locator("tbody tr").first).to_contain_text(
        "Exported the file as a PDF — for Police copy, ref 22/4411"
    )
    context.close()


def link_token(world: World, transfer_id: str) -> str:
    client: MongoClient = MongoClient("mongodb://127.0.0.1:27017/")
    try:
        records = client[f"{world.stack.db_prefix}records"]
        stored = records["transfers"].find_one({"_id": transfer_id})
        [entry] = [e for e in stored["outbox"] if e["event_type"] == "records.transfer.offered.v1"]
        data_keys = records["data_keys"].find_one({"_id": entry.get("trust_id")})
    finally:
        client.close()
    return str(event_of(entry, data_keys)["payload"]["link_token"])


def test_a_dsl_outside_harbour_opens_the_link_with_the_code_and_confirms_receipt(
    browser: Browser, web_url: str, with_file: World
):
    world = with_file
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.other_pupil_id}/transfer")
    page.get_by_label("A school outside Harbour").check()
    page.get_by_label("The receiving DSL's e-mail address").fill("dsl@hill.example.org")
    page.get_by_role("button", name="Send the file").click()
    code = page.locator("#access-code").inner_text().strip()
    assert len(code) == 9
    transfers = httpx.get(
        world.url("records", f"/v1/children/{world.other_pupil_id}/transfers"),
        headers=bearer(token(world.dsl, "dsl", school=world.school_id)),
    ).json()["transfers"]
    token_in_email = link_token(world, transfers[-1]["transfer_id"])
    context.close()

    outsider = new_context(browser)
    page = outsider.new_page()
    page.goto(f"{web_url}/file-transfer/{token_in_email}")
    expect(
        page.get_by_role("heading", name="Child protection file from Oak Primary")
    ).to_be_visible()
    expect(page.get_by_text("Amelia")).to_have_count(0)  # nothing of the child before the code
    page.get_by_label("Access code").fill("AAAA-AAAA")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("link", name="the access code is not right (4 tries left)")
    ).to_be_visible()
    page.get_by_label("Access code").fill(code)
    page.get_by_role("button", name="Continue").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the file").click()
    assert download.value.suggested_filename == "child-protection-file.zip"
    page.get_by_label("Your name").fill("Hal Hill")
    page.get_by_role("button", name="Confirm receipt").click()

    expect(page.get_by_role("heading", name="Receipt confirmed")).to_be_visible()
    outsider.close()


def test_a_dsl_corrects_an_entry_and_the_correction_shows_beside_it(
    browser: Browser, web_url: str, with_file: World
):
    world = with_file
    context = new_context(browser)
    page = context.new_page()
    sign_in(page, web_url, world.dsl, "dsl", school=world.school_id)
    page.goto(f"{web_url}/children/{world.school_id}/{world.pupil_id}")
    page.get_by_role("link", name="Correct this entry (file:1)").click()

    page.get_by_label("Field to correct").select_option("description")
    page.get_by_label("What it should say").fill("Bruise on the right forearm, seen in PE.")
    page.get_by_label("Why it is corrected").fill("The teacher mixed up left and right.")
    page.get_by_role("button", name="Add the correction").click()

    item = page.locator(".harbour-timeline__item", has_text="Bruise on left forearm")
    expect(item.locator(".harbour-correction")).to_contain_text(
        "The teacher mixed up left and right."
    )
    expect(item.locator(".harbour-correction")).to_contain_text(
        "Description now reads: Bruise on the right forearm, seen in PE."
    )
    context.close()
