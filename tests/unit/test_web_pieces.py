"""The web service's own rules: dev sign-in refuses to run beside a real identity
provider, the session cookie expires when idle and cannot be altered, the concern form
keeps what was typed and says what is missing, and the body map places marks."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from starlette.datastructures import FormData

from services.web import body_map
from services.web.concern_form import ConcernDraft, errors_from_service
from services.web.dev_login import DevLogin, DevLoginRefused
from services.web.pages.alerts import inbox_order
from services.web.rota_text import rota_to_text, text_to_rota
from services.web.session import Session, SessionMiddleware
from services.web.settings import WebSettings


def settings(tmp_path: Path, **env: str) -> WebSettings:
    return WebSettings.model_validate({"HARBOUR_DEV_LOGIN": "true", "data_dir": tmp_path, **env})


def test_dev_sign_in_refuses_to_start_when_the_services_trust_a_real_provider(tmp_path):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "jwt-private.pem").write_text("key")
    configured = settings(tmp_path, jwt_jwks_url="https://login.example.org/keys")
    with pytest.raises(DevLoginRefused, match="HARBOUR_JWT_JWKS_URL"):
        DevLogin.from_settings(configured)


def test_dev_sign_in_refuses_to_start_without_the_dev_private_key(tmp_path):
    with pytest.raises(DevLoginRefused, match="harbour dev-keys"):
        DevLogin.from_settings(settings(tmp_path))


def test_a_session_opens_until_it_has_been_idle_too_long():
    middleware = SessionMiddleware(lambda *_: None, [Fernet.generate_key()], idle_seconds=60)
    session = Session(token="t", user_id="dsl-1", roles=["dsl"], school_id="oak")
    cookie = middleware.cookie("harbour", session, secure=False)
    sealed = cookie.split(";")[0].split("=", 1)[1]

    assert middleware.open(sealed).user_id == "dsl-1"
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    stale = middleware.fernet.encrypt_at_time(b'{"token": "t"}', int(time.time()) - 61)
    assert middleware.open(stale.decode()).token is None
    assert middleware.open(sealed[:-2] + "AA").token is None


def test_a_failed_submission_keeps_everything_and_names_each_missing_field():
    form = FormData(
        [
            ("idempotency_key", "7f0e3c1c-6c1b-4a43-9d6a-1f8f3b5e2a10"),
            ("pupil", "P1|Amelia Hart, born 12 April 2016"),
            ("child_words", "He hit me"),
            ("mark_view", "front"),
            ("mark_x", "0.78"),
            ("mark_y", "0.44"),
            ("mark_area", "left_forearm"),
            ("mark_kind", "bruise"),
            ("mark_note", "round"),
        ]
    )
    draft = ConcernDraft.from_form(form)
    body, errors = draft.check()

    assert body is None
    assert list(errors) == [
        "occurred_day",
        "categories",
        "description",
        "immediate_danger",
        "fgm_discovered",
    ]
    assert draft.idempotency_key == "7f0e3c1c-6c1b-4a43-9d6a-1f8f3b5e2a10"
    assert (draft.pupil_id, draft.child_words, draft.marks[0].note) == ("P1", "He hit me", "round")


def test_a_complete_form_becomes_the_api_body_in_london_time():
    draft = ConcernDraft(
        pupil_id="P1",
        day="10",
        month="7",
        year="2025",
        time="9:15",
        categories=["physical"],
        description="Bruise",
        immediate_danger="no",
        fgm_discovered="yes",
    )
    assert draft.add_mark_from_list("back:upper_back", "cut", "thin") is None
    body, errors = draft.check()

    assert errors == {}
    assert body is not None
    assert body["occurred_at"] == "2025-07-10T09:15:00+01:00"  # BST
    assert body["fgm_discovered"] is True
    assert body["body_map"] == [
        {"view": "back", "x": 0.5, "y": 0.275, "area": "upper_back", "kind": "cut", "note": "thin"}
    ]


def test_the_services_errors_on_marks_name_the_mark():
    assert errors_from_service({"body_map.1.x": "less than or equal to 1"}) == {
        "body_map": "Mark 2: less than or equal to 1"
    }


def test_a_tap_on_the_outline_names_the_body_area():
    assert body_map.area_at("front", 156 / 200, 194 / 440) == "left_forearm"
    assert body_map.area_at("back", 156 / 200, 194 / 440) == "right_forearm"
    assert body_map.area_at("front", 0.02, 0.02) is None
    assert body_map.place("front", "face") is not None
    assert body_map.place("back", "face") is None


def test_the_inbox_puts_unacknowledged_urgent_first_then_newest():
    alerts = [
        {"alert_id": "new-normal", "priority": "normal", "acknowledged_at": None},
        {"alert_id": "old-urgent-done", "priority": "urgent", "acknowledged_at": "x"},
        {"alert_id": "urgent", "priority": "urgent", "acknowledged_at": None},
        {"alert_id": "police", "priority": "encompass", "acknowledged_at": None},
    ]
    order = [a["alert_id"] for a in inbox_order(alerts)]
    assert order == ["urgent", "police", "new-normal", "old-urgent-done"]


def test_the_rota_round_trips_through_its_text_form():
    text = (
        "1, dsl-1, Dee Sell, dsl@oak.example.org, 07911 123456, dsl\n"
        "2, head-1, Hedda, h@oak.example.org, 07911 123457, headteacher\n"
    )
    rota, problem = text_to_rota(text, 15)
    assert problem is None and rota is not None
    assert rota["escalation"] == {"normal_step_seconds": 900}
    assert [t["members"][0]["user_id"] for t in rota["tiers"]] == ["dsl-1", "head-1"]
    assert "head-1" in rota_to_text(rota)
    assert text_to_rota("dsl-1, Dee", 15)[1] == (
        "Line 1: write tier, user ID, name, e-mail, mobile and role (role may be empty)"
    )
