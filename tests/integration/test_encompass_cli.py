"""A DSL hands a batch file that arrived by e-mail to `harbour encompass import`."""

import asyncio

from services.cli.main import main
from tests.integration.encompass_world import SAMPLES, Trust

OVERNIGHT = SAMPLES / "encompass" / "batch_overnight.csv"


async def run_cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def test_the_cli_signs_and_sends_a_file_and_prints_each_outcome(
    clients, tmp_path, monkeypatch, capsys
):
    trust = await Trust.create(clients.intake)
    secret_file = tmp_path / "west-mercia.secret"
    secret_file.write_text(trust.sender.secret + "\n")
    monkeypatch.setenv("HARBOUR_INTAKE_URL", clients.stack.url("intake"))

    status = await run_cli(
        "encompass",
        "import",
        str(OVERNIGHT),
        "--sender",
        trust.sender.sender_id,
        "--secret-file",
        str(secret_file),
    )

    printed = capsys.readouterr().out
    assert status == 2  # accepted, but three rows are invalid
    assert "6 matched, 3 unmatched, 0 duplicate, 0 amended, 3 invalid" in printed
    assert "line 12: invalid: force: required" in printed
    assert "Lily" not in printed  # no child's name on the terminal


async def test_the_secret_may_come_from_the_environment(clients, tmp_path, monkeypatch, capsys):
    trust = await Trust.create(clients.intake)
    clean = tmp_path / "clean.csv"
    lines = (SAMPLES / "encompass" / "batch_mixed.csv").read_text(encoding="utf-8").splitlines()
    clean.write_text("\n".join(lines[:5] + lines[9:]) + "\n", encoding="utf-8")
    monkeypatch.setenv("HARBOUR_INTAKE_URL", clients.stack.url("intake"))
    monkeypatch.setenv("HARBOUR_ENCOMPASS_SECRET", trust.sender.secret)

    status = await run_cli("encompass", "import", str(clean), "--sender", trust.sender.sender_id)

    assert status == 0, capsys.readouterr()
    assert "5 matched" in capsys.readouterr().out


async def test_a_refused_file_fails(clients, tmp_path, monkeypatch, capsys):
    trust = await Trust.create(clients.intake, rosters=False)
    monkeypatch.setenv("HARBOUR_INTAKE_URL", clients.stack.url("intake"))
    monkeypatch.setenv("HARBOUR_ENCOMPASS_SECRET", "not-the-secret-" + "x" * 30)

    wrong_secret = await run_cli(
        "encompass", "import", str(OVERNIGHT), "--sender", trust.sender.sender_id
    )
    monkeypatch.delenv("HARBOUR_ENCOMPASS_SECRET")
    no_secret = await run_cli(
        "encompass", "import", str(OVERNIGHT), "--sender", trust.sender.sender_id
    )

    errors = capsys.readouterr().err
    assert wrong_secret == no_secret == 1
    assert "refused (401)" in errors
    assert "no secret" in errors
