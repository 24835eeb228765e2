"""A force without a webhook sends the night's notifications as one signed CSV file."""

from tests.integration.encompass_world import SAMPLES, Trust
from tests.support.api import eventually
from tests.support.effects import alerts_for, entries_for

OVERNIGHT = (SAMPLES / "encompass" / "batch_overnight.csv").read_bytes()
HEADER = (
    "police_reference,force,incident_at,notified_at,child_forename,child_surname,"
    "child_date_of_birth,child_upn,school_urn,school_name,child_present,voice_of_child,"
    "circumstances,police_action"
)


def outcomes(response) -> dict[int, str]:
    return {row["line"]: row["outcome"] for row in response.json()["rows"]}


async def test_every_row_gets_its_own_outcome(clients):
    trust = await Trust.create(clients.intake)

    response = await trust.sender.send_batch(OVERNIGHT)

    assert response.status_code == 202, response.text
    assert outcomes(response) == {
        2: "matched",  # Zoe OBrien, DD/MM/YYYY: Zoë O'Brien at Oakfield
        3: "matched",  # Alfie O’Brien (curly apostrophe), YYYY-MM-DD
        4: "matched",  # Millie is Amelia's preferred forename
        6: "matched",  # Jayden has moved to Riverside (line 5 is inside line 4's quotes)
        7: "unmatched",  # nobody of that name
        8: "unmatched",  # Ruby Patel, but a different date of birth
        9: "matched",  # Kai by UPN
        10: "unmatched",  # a URN the trust does not have
        11: "invalid",
        12: "invalid",
        13: "invalid",
        14: "matched",
    }
    rows = {row["line"]: row for row in response.json()["rows"]}
    assert rows[11]["reason"] == "child_date_of_birth: not a real calendar date"
    assert rows[12]["reason"] == "force: required"
    assert rows[13]["reason"] == "child_date_of_birth: not a real calendar date"  # US form
    assert rows[2]["incident_id"] == rows[3]["incident_id"] != rows[4]["incident_id"]
    assert response.json()["summary"] == {
        "matched": 6,
        "unmatched": 3,
        "duplicate": 0,
        "amended": 0,
        "invalid": 3,
    }


async def test_matched_rows_reach_the_school_the_child_is_at_now(clients):
    trust = await Trust.create(clients.intake)

    response = await trust.sender.send_batch(OVERNIGHT)

    rows = {row["line"]: row for row in response.json()["rows"]}
    jayden = rows[6]["notification_id"]
    alerts = await eventually(
        lambda: alerts_for(clients.notification, trust.riverside, jayden), bool, timeout=90
    )
    assert alerts[0]["pupil_id"] == "RIV-1001"
    entries = await eventually(
        lambda: entries_for(clients.records, trust.riverside, "RIV-1001", jayden),
        bool,
        timeout=90,
    )
    assert entries[0]["content"]["matched_by"] == "trust"
    assert entries[0]["content"]["circumstances"] == "Neighbour heard a disturbance."
    assert await alerts_for(clients.notification, trust.oakfield, jayden) == []


async def test_the_sample_file_with_both_date_forms(clients):
    trust = await Trust.create(clients.intake)

    response = await trust.sender.send_batch(
        (SAMPLES / "encompass" / "batch_mixed.csv").read_bytes()
    )

    assert response.status_code == 202, response.text
    assert outcomes(response) == {
        2: "matched",
        3: "matched",  # 31/01/2016
        4: "matched",  # 14/11/2017, "Smith Jones"
        5: "matched",
        6: "invalid",  # 2019.12.24
        7: "invalid",  # a time without an offset
        8: "invalid",  # present: maybe
        9: "invalid",  # no surname
        10: "matched",  # Seun is Oluwaseun's preferred forename, 20/02/2019
    }


async def test_sending_the_file_again_changes_nothing(clients):
    trust = await Trust.create(clients.intake)
    first = await trust.sender.send_batch(OVERNIGHT)

    again = await trust.sender.send_batch(OVERNIGHT)

    assert again.status_code == 202
    expected = {
        line: "invalid" if outcome == "invalid" else "duplicate"
        for line, outcome in outcomes(first).items()
    }
    assert outcomes(again) == expected


async def test_a_corrected_row_is_an_amendment(clients):
    trust = await Trust.create(clients.intake)
    await trust.sender.send_batch(OVERNIGHT)
    corrected = OVERNIGHT.replace(
        b"Kai said he looked after his sister.", b"Kai said he looked after his sister all night."
    )

    response = await trust.sender.send_batch(corrected)

    assert outcomes(response)[9] == "amended"
    assert outcomes(response)[2] == "duplicate"


async def test_an_unsigned_or_wrongly_signed_batch_is_refused(clients, mongo):
    trust = await Trust.create(clients.intake, rosters=False)

    unsigned = await clients.intake.post(
        "/v1/encompass/batches", content=OVERNIGHT, headers={"Content-Type": "text/csv"}
    )
    wrong = await trust.sender.send_batch(OVERNIGHT, secret="z" * 40)

    assert unsigned.status_code == wrong.status_code == 401
    stored = await mongo("intake").encompass_notifications.count_documents(
        {"sender_id": trust.sender.sender_id}
    )
    assert stored == 0


async def test_a_file_with_the_wrong_columns_is_refused_whole(clients):
    trust = await Trust.create(clients.intake, rosters=False)

    response = await trust.sender.send_batch(
        (SAMPLES / "encompass" / "batch_missing_columns.csv").read_bytes()
    )

    assert response.status_code == 422
    assert "child_date_of_birth" in response.json()["detail"][0]["msg"]


async def test_more_than_10000_rows_is_too_large(clients):
    trust = await Trust.create(clients.intake, rosters=False)
    row = (
        "22/{n}/26,West Mercia Police,2026-03-11T21:10:00+00:00,2026-03-12T06:40:00+00:00,"
        "Child,Surname{n},2018-05-02,,116789,Oakfield,,,,"
    )
    data = "\n".join([HEADER, *(row.format(n=n) for n in range(10_001))]).encode()
    assert len(data) < 5 * 1024 * 1024

    response = await trust.sender.send_batch(data)

    assert response.status_code == 413
    assert "10000" in response.json()["detail"]


async def test_more_than_5_mib_is_too_large(clients):
    trust = await Trust.create(clients.intake, rosters=False)
    data = HEADER.encode() + b"\n" + b"x" * (5 * 1024 * 1024)

    response = await trust.sender.send_batch(data)

    assert response.status_code == 413
