"""A school's data manager uploads the roll as CSV; intake keeps the pupils for matching."""

from datetime import date, timedelta

from services.intake.domain.roster import ROSTER_COLUMNS
from tests.integration.encompass_world import SAMPLES, import_roster, register_school
from tests.support.api import School, bearer, eventually, token, unique

HEADER = ",".join(ROSTER_COLUMNS)
OAKFIELD = (SAMPLES / "roster" / "oakfield_primary.csv").read_bytes()


def roster(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


async def test_an_import_creates_the_pupils_and_says_what_it_did(clients, school: School):
    response = await import_roster(school, OAKFIELD)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "school_id": school.school_id,
        "created": 10,
        "updated": 0,
        "unchanged": 0,
        "leavers_published": 1,  # Jayden Clarke left on 18 July 2025
        "rejected": [],
    }


async def test_bad_rows_are_rejected_with_line_and_reason_and_good_rows_kept(
    clients, school: School
):
    response = await import_roster(
        school, (SAMPLES / "roster" / "roster_with_errors.csv").read_bytes()
    )

    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["created"] == 2
    assert summary["rejected"] == [
        {"line": 3, "reason": "surname: required"},
        {"line": 4, "reason": "date_of_birth: not a date in YYYY-MM-DD form"},
        {"line": 5, "reason": "on_roll_to: before on_roll_from"},
        {"line": 6, "reason": "pupil_id: duplicate of line 2"},
        {"line": 7, "reason": "forename: longer than 100 characters"},
        {"line": 8, "reason": "upn: must be 13 letters or digits starting with a letter"},
        {"line": 9, "reason": "date_of_birth: not a real calendar date"},
        {"line": 10, "reason": "row has 10 fields but the header has 9"},
    ]


async def test_a_later_import_updates_changed_pupils_and_keeps_missing_ones(
    clients, school: School, mongo
):
    await import_roster(school, OAKFIELD)
    pupils = mongo("intake").pupils
    before = await pupils.find_one({"_id": f"{school.school_id}/OAK-0009"})

    later = await import_roster(
        school,
        roster(
            "OAK-0001,A123456789012,Zoë,O'Brien-Hughes,,2018-05-02,WR1 1AA,2022-09-01,",
            "OAK-0009,G678901234567,Ruby,Patel,,2018-10-10,WR2 6PL,2022-09-01,",
            "OAK-0011,,Nell,Foster,,2019-03-03,WR1 4GG,2025-09-03,",
        ),
    )

    assert later.status_code == 200, later.text
    summary = later.json()
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 1, 1)
    assert summary["leavers_published"] == 0
    zoe = await pupils.find_one({"_id": f"{school.school_id}/OAK-0001"})
    assert zoe["surname"] == "O'Brien-Hughes"
    assert zoe["surname_key"] == "obrienhughes"
    assert await pupils.count_documents({"school_id": school.school_id}) == 11  # none deleted
    ruby = await pupils.find_one({"_id": f"{school.school_id}/OAK-0009"})
    assert ruby["outbox_count"] == before["outbox_count"]  # unchanged: nothing published


async def test_a_leaver_is_published_once(clients, school: School):
    # Whether the departure starts a file transfer is records' business (a leaver with a
    # child protection file): tests/integration/test_file_transfer.py.
    first = await import_roster(school, OAKFIELD)
    again = await import_roster(school, OAKFIELD)

    assert first.json()["leavers_published"] == 1
    assert again.json()["leavers_published"] == 0
    assert again.json()["unchanged"] == 10


async def test_a_leaving_date_still_to_come_is_not_a_departure_yet(clients, school: School):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    response = await import_roster(
        school, roster(f"OAK-0201,,Ada,Moss,,2017-01-01,,2021-09-01,{tomorrow}")
    )

    assert response.json()["leavers_published"] == 0


async def test_a_roster_larger_than_an_ordinary_request_is_accepted(clients, school: School):
    # Long hyphenated names make a 320-pupil roll bigger than the 64 KiB request limit.
    rows = [
        f"BIG-{n:04},,{'Anna-Maria-' * 8}{n},{'Fitzgerald-Montgomery-' * 4}{n % 40},,"
        f"2015-0{1 + n % 9}-1{n % 10},,2021-09-01,"
        for n in range(320)
    ]
    data = roster(*rows)
    assert len(data) > 64 * 1024

    response = await import_roster(school, data)

    assert response.status_code == 200, response.text
    assert response.json()["created"] == 320
    assert response.json()["rejected"] == []


async def test_only_an_admin_of_the_school_or_its_trust_may_import(clients, school: School):
    other = await School.register(clients.intake)
    trust_admin = bearer(token("trust-admin", "admin", trust=school.trust_id))
    url = f"/v1/schools/{school.school_id}/roster"
    csv = {"Content-Type": "text/csv"}

    by_staff = await clients.intake.post(url, content=OAKFIELD, headers={**school.staff, **csv})
    by_dsl = await clients.intake.post(url, content=OAKFIELD, headers={**school.dsl, **csv})
    by_other = await clients.intake.post(url, content=OAKFIELD, headers={**other.admin, **csv})
    by_trust = await clients.intake.post(url, content=OAKFIELD, headers={**trust_admin, **csv})

    assert by_staff.status_code == by_dsl.status_code == by_other.status_code == 404
    assert by_trust.status_code == 200, by_trust.text


async def test_a_file_that_is_not_a_roster_is_refused_whole(clients, school: School, mongo):
    bad_header = await import_roster(
        school, (SAMPLES / "roster" / "roster_bad_header.csv").read_bytes()
    )
    not_csv = await clients.intake.post(
        f"/v1/schools/{school.school_id}/roster",
        content=OAKFIELD,
        headers={**school.admin, "Content-Type": "application/json"},
    )

    assert bad_header.status_code == 422
    assert bad_header.json()["detail"][0]["field"] == "file"
    assert "date_of_birth" in bad_header.json()["detail"][0]["msg"]
    assert not_csv.status_code == 415
    assert await mongo("intake").pupils.count_documents({"school_id": school.school_id}) == 0


async def test_a_school_carries_its_urn(clients):
    trust_id = unique("trust")
    school = await register_school(clients.intake, trust_id, "Oakfield Primary School", "116789")

    renamed = await clients.intake.put(
        f"/v1/schools/{school.school_id}",
        json={"name": "Oakfield Primary", "trust_id": trust_id, "urn": "116789"},
        headers=school.admin,
    )
    bad = await clients.intake.put(
        f"/v1/schools/{school.school_id}",
        json={"name": "Oakfield Primary", "trust_id": trust_id, "urn": "OAK"},
        headers=school.admin,
    )

    assert renamed.status_code == 200
    assert renamed.json()["urn"] == "116789"
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "urn"


async def test_case_and_records_learn_every_new_pupil_and_intake_marks_each_published(
    clients, school: School, mongo
):
    """A roster's new pupils go out as one event (intake.pupils.recorded.v1), not one
    each; each pupil's own event is then marked published, so none is sent again."""
    response = await import_roster(school, OAKFIELD)
    assert response.status_code == 200, response.text
    ids = [f"OAK-{n:04d}" for n in range(1, 11)]

    async def known() -> tuple[set[str], set[str]]:
        case = {
            d["pupil_id"]
            async for d in mongo("case")["children"].find({"school_id": school.school_id})
        }
        records = {
            d["pupil_id"]
            async for d in mongo("records")["children"].find({"school_id": school.school_id})
        }
        return case, records

    case, records = await eventually(known, lambda found: found == (set(ids), set(ids)), timeout=60)
    assert case == set(ids) and records == set(ids)
    assert {d["surname"] async for d in mongo("case")["children"].find({"pupil_id": "OAK-0001"})}

    async def pending() -> list[str]:
        cursor = mongo("intake")["pupils"].find(
            {"school_id": school.school_id, "outbox_pending": True}
        )
        return [d["pupil_id"] async for d in cursor]

    assert await eventually(pending, lambda left: not left, timeout=60) == []
    stored = await mongo("intake")["pupils"].find_one({"_id": f"{school.school_id}/OAK-0001"})
    assert stored is not None and stored["outbox"][0]["state"] == "published"
