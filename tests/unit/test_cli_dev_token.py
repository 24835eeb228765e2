"""`harbour dev-token --mfa`: a local token that says the user signed in with MFA."""

from __future__ import annotations

import jwt

from services.cli.main import main
from tests.support.api import ROOT


def minted(capsys, monkeypatch, *args: str) -> dict:
    monkeypatch.setenv("HARBOUR_DATA_DIR", str(ROOT / ".data"))
    assert main(["dev-token", "--user", "dsl-1", "--school", "oak", "--role", "dsl", *args]) == 0
    return jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})


def test_mfa_sets_the_amr_claim(capsys, monkeypatch):
    assert minted(capsys, monkeypatch, "--mfa")["amr"] == ["pwd", "mfa"]


def test_without_it_the_token_says_password_only(capsys, monkeypatch):
    assert minted(capsys, monkeypatch)["amr"] == ["pwd"]
