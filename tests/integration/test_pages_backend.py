"""The intake endpoints the web pages need: pupil search by name, a member of staff's own
receipts, the schools a user may see, and body maps on concerns."""

from tests.support.api import School, bearer, eventually, token, unique


async def test_staff_find_pupils_of_their_own_school_by_name(clients, school: School):
    hart = await school.add_pupil(forename="Amelia", surname="Hart")
    await school.add_pupil(forename="Zoë", surname="O'Brien-Smith", date_of_birth="2015-01-02")
    await school.add_pupil(forename="Amir", surname="Khan", preferred_forename="Ami")
    other = await School.register(clients.intake)
    await other.add_pupil(forename="Amelia", surname="Hart")

    async def search(name: str, headers=school.staff) -> list[str]:
        response = await clients.intake.post(
            "/v1/pupils/search", json={"name": name}, headers=headers
        )
        assert response.status_code == 200, response.text
        return [f"{p['forename']} {p['surname']}" for p in response.json()["pupils"]]

    assert await search("amelia hart") == ["Amelia Hart"]
    assert await search("hart") == ["Amelia Hart"]
    assert await search("zoe obrien") == ["Zoë O'Brien-Smith"]
    assert sorted(await search("am")) == ["Amelia Hart", "Amir Khan"]
    assert await search("nobody") == []
    assert await search("hart", other.staff) == ["Amelia Hart"]  # their own Amelia only
    found = await clients.intake.post(
        "/v1/pupils/search", json={"name": "Hart"}, headers=school.staff
    )
    assert found.json()["pupils"][0]["pupil_id"] == hart


async def test_pupil_search_is_refused_to_trust_wide_users_and_bounded(clients, school: School):
    lead = bearer(token("lead-1", "trust_safeguarding_lead", trust=school.trust_id))
    trust_wide = await clients.intake.post("/v1/pupils/search", json={"name": "Hart"}, headers=lead)
    too_many = await clients.intake.post(
        "/v1/pupils/search", json={"name": "Hart", "limit": 500}, headers=school.staff
    )
    assert trust_wide.status_code == 404
    assert too_many.status_code == 422


async def test_staff_see_their_own_receipts_newest_first_and_nothing_else(clients, school: School):
    pupil = await school.add_pupil(forename="Amelia", surname="Hart")
    first = (await school.raise_concern(pupil)).json()["concern_id"]
    second = (await school.raise_concern(pupil)).json()["concern_id"]
    colleague = bearer(token("teacher-2", "staff", school=school.school_id))
    await clients.intake.post(
        "/v1/concerns",
        json={
            "school_id": school.school_id,
            "pupil_id": pupil,
            "occurred_at": "2026-03-10T09:15:00+00:00",
            "categories": ["neglect"],
            "description": "Hungry again.",
            "child_words": "",
            "actions_taken": "",
            "immediate_danger": False,
            "fgm_discovered": False,
        },
        headers={**colleague, "Idempotency-Key": unique("key")},
    )
    other = await School.register(clients.intake, trust_id=school.trust_id)
    same_user_elsewhere = bearer(token("teacher-1", "staff", school=other.school_id))

    mine = await clients.intake.get("/v1/my/concerns", headers=school.staff)
    page = await clients.intake.get("/v1/my/concerns", headers=school.staff, params={"limit": 1})
    elsewhere = await clients.intake.get("/v1/my/concerns", headers=same_user_elsewhere)

    receipts = mine.json()["concerns"]
    assert [r["concern_id"] for r in receipts] == [second, first]
    assert receipts[0]["pupil_name"] == "Amelia Hart"
    assert set(receipts[0]) == {"concern_id", "status", "received_at", "pupil_id", "pupil_name"}
    assert [r["concern_id"] for r in page.json()["concerns"]] == [second]
    assert elsewhere.json()["concerns"] == []


async def test_a_user_sees_their_school_and_a_trust_lead_every_school_of_the_trust(
    clients, school: School
):
    sister = await School.register(clients.intake, trust_id=school.trust_id, name="Ash Academy")
    stranger = await School.register(clients.intake)
    lead = bearer(token("lead-1", "trust_safeguarding_lead", trust=school.trust_id))

    own = await clients.intake.get("/v1/schools", headers=school.dsl)
    trust = await clients.intake.get("/v1/schools", headers=lead)

    assert [s["school_id"] for s in own.json()["schools"]] == [school.school_id]
    listed = [s["school_id"] for s in trust.json()["schools"]]
    assert listed == [sister.school_id, school.school_id]  # by name: Ash, Oak
    assert stranger.school_id not in listed


async def test_a_body_map_is_carried_to_the_chronology(clients, school: School):
    pupil = await school.add_pupil()
    marks = [
        {
            "view": "front",
            "x": 0.31,
            "y": 0.42,
            "area": "left_forearm",
            "kind": "bruise",
            "note": "Yellowish, size of a 50p coin.",
        },
        {"view": "back", "x": 0.5, "y": 0.3, "area": "upper_back", "kind": "mark", "note": ""},
    ]
    posted = await school.raise_concern(pupil, body_map=marks)
    assert posted.status_code == 202, posted.text

    async def chronology():
        response = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.dsl)
        return response.json().get("entries", []) if response.status_code == 200 else []

    entries = await eventually(chronology, lambda e: len(e) == 1)
    assert entries[0]["content"]["body_map"] == marks


async def test_a_bad_mark_is_refused_naming_the_mark(clients, school: School):
    pupil = await school.add_pupil()
    marks = [
        {"view": "front", "x": 0.3, "y": 0.4, "area": "face", "kind": "cut"},
        {"view": "front", "x": 1.7, "y": 0.4, "area": "face", "kind": "cut"},
        {"view": "side", "x": 0.2, "y": 0.4, "area": "elbow", "kind": "bite"},
    ]
    too_many = [{"view": "back", "x": 0.5, "y": 0.5, "area": "head", "kind": "mark"}] * 31

    bad = await school.raise_concern(pupil, body_map=marks)
    crowded = await school.raise_concern(pupil, body_map=too_many)

    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["detail"]}
    assert {"body_map.1.x", "body_map.2.view", "body_map.2.area", "body_map.2.kind"} <= fields
    assert "body_map.0" not in " ".join(fields)
    assert crowded.status_code == 422
    assert crowded.json()["detail"][0]["field"] == "body_map"
