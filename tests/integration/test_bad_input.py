"""Bad input gets a clear error naming the problem, and nothing is stored."""

import time

import pytest

from tests.support.api import School, bearer, concern_body, token, unique


async def _nothing_stored(mongo, school: School) -> None:
    assert await mongo("intake").concerns.count_documents({"school_id": school.school_id}) == 0


async def test_an_unknown_field_is_named(clients, school: School, mongo):
    pupil = await school.add_pupil()

    response = await school.raise_concern(pupil, mood="sad")

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "mood"
    assert "mood" in response.json()["message"]
    await _nothing_stored(mongo, school)


async def test_a_missing_field_is_named(clients, school: School, mongo):
    pupil = await school.add_pupil()
    body = concern_body(school.school_id, pupil)
    del body["child_words"]

    response = await clients.intake.post(
        "/v1/concerns", json=body, headers={**school.staff, "Idempotency-Key": unique("k")}
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["child_words"]
    await _nothing_stored(mongo, school)


async def test_an_unknown_category_is_refused(clients, school: School, mongo):
    pupil = await school.add_pupil()

    response = await school.raise_concern(pupil, categories=["physical", "witchcraft"])

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "categories.1"
    await _nothing_stored(mongo, school)


async def test_the_idempotency_key_is_required(clients, school: School, mongo):
    pupil = await school.add_pupil()

    response = await clients.intake.post(
        "/v1/concerns", json=concern_body(school.school_id, pupil), headers=school.staff
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "Idempotency-Key"
    await _nothing_stored(mongo, school)


async def test_a_body_over_64_kib_is_too_large(clients, school: School, mongo):
    pupil = await school.add_pupil()

    response = await school.raise_concern(pupil, description="x" * (65 * 1024))

    assert response.status_code == 413
    assert "64" in response.json()["message"] or "65536" in response.json()["message"]
    await _nothing_stored(mongo, school)


async def test_a_chunked_body_over_the_limit_is_too_large(clients, school: School, mongo):
    async def chunks():
        yield b'{"school_id": "' + school.school_id.encode() + b'", "description": "'
        for _ in range(80):
            yield b"y" * 1024
        yield b'"}'

    response = await clients.intake.post(
        "/v1/concerns",
        content=chunks(),
        headers={**school.staff, "Idempotency-Key": "chunked", "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    await _nothing_stored(mongo, school)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["no token", "garbage token", "not bearer"],
)
async def test_without_a_valid_token_the_answer_is_401(clients, school: School, headers):
    pupil = await school.add_pupil()

    response = await clients.intake.post(
        "/v1/concerns",
        json=concern_body(school.school_id, pupil),
        headers={**headers, "Idempotency-Key": unique("k")},
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_an_expired_token_is_refused(clients, school: School):
    expired = bearer(token("t", "staff", school=school.school_id, now=time.time() - 7200, ttl=60))

    response = await clients.notification.get("/v1/alerts", headers=expired)

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_a_token_for_another_audience_is_refused(clients, school: School):
    import jwt

    from services.common.dev_keys import ensure_key_pair
    from tests.support.stack import ROOT

    private, _ = ensure_key_pair(ROOT / ".data" / "keys")
    claims = {
        "sub": "x",
        "roles": ["dsl"],
        "school_id": school.school_id,
        "aud": "other",
        "iss": "harbour-dev",
        "exp": int(time.time()) + 60,
    }
    forged = jwt.encode(claims, private.read_bytes(), algorithm="RS256")

    response = await clients.records.get("/v1/children/p/chronology", headers=bearer(forged))

    assert response.status_code == 401


async def test_a_token_signed_with_another_key_is_refused(clients, school: School):
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {
        "sub": "x",
        "roles": ["dsl"],
        "school_id": school.school_id,
        "aud": "harbour",
        "iss": "harbour-dev",
        "exp": int(time.time()) + 60,
    }
    forged = jwt.encode(claims, other_key, algorithm="RS256")

    response = await clients.case.get("/v1/deadlines", headers=bearer(forged))

    assert response.status_code == 401


async def test_a_school_the_caller_does_not_belong_to_is_not_found(clients, school: School, mongo):
    other = await School.register(clients.intake)
    pupil = await school.add_pupil()

    response = await clients.intake.post(
        "/v1/concerns",
        json=concern_body(school.school_id, pupil),
        headers={**other.staff, "Idempotency-Key": unique("k")},
    )

    assert response.status_code == 404
    await _nothing_stored(mongo, school)


async def test_a_pupil_unknown_at_that_school_is_unprocessable(clients, school: School, mongo):
    other = await School.register(clients.intake)
    elsewhere = await other.add_pupil()

    response = await school.raise_concern(elsewhere)

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "pupil_id"
    await _nothing_stored(mongo, school)


async def test_only_admins_register_pupils(clients, school: School):
    response = await clients.intake.put(
        f"/v1/schools/{school.school_id}/pupils/p-1",
        json={"forename": "A", "surname": "B", "date_of_birth": "2015-01-01"},
        headers=school.staff,
    )

    assert response.status_code == 404


async def test_a_pupil_born_in_the_future_is_refused(clients, school: School):
    response = await clients.intake.put(
        f"/v1/schools/{school.school_id}/pupils/p-1",
        json={"forename": "A", "surname": "B", "date_of_birth": "2099-01-01"},
        headers=school.admin,
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "date_of_birth"


async def test_a_school_admin_cannot_move_a_school_to_another_trust(clients, school: School):
    response = await clients.intake.put(
        f"/v1/schools/{school.school_id}",
        json={"name": "Oak Primary", "trust_id": "some-other-trust"},
        headers=school.admin,
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "trust_id"
