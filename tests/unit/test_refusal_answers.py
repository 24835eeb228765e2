"""How a refusal naming fields reads over HTTP: one 422 shape, whether FastAPI found the
problems in the body or a use case did."""

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from services.common.errors import InvalidFields
from services.common.web import install_error_handlers


class Body(BaseModel):
    name: str


def client() -> httpx.AsyncClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/parsed")
    async def parsed(body: Body) -> dict[str, str]:
        return {"name": body.name}

    @app.post("/refused")
    async def refused() -> None:
        raise InvalidFields([("tiers[0].members", "a tier needs at least one member"), ("x", "y")])

    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


async def test_a_use_case_naming_several_fields_answers_like_a_body_that_failed_to_parse():
    async with client() as http:
        refused = await http.post("/refused")
        parsed = await http.post("/parsed", json={})

    assert refused.status_code == parsed.status_code == 422
    assert refused.json() == {
        "error": "validation_failed",
        "message": "tiers[0].members: a tier needs at least one member; x: y",
        "detail": [
            {
                "loc": ["body", "tiers[0].members"],
                "field": "tiers[0].members",
                "msg": "a tier needs at least one member",
                "type": "value_error",
            },
            {"loc": ["body", "x"], "field": "x", "msg": "y", "type": "value_error"},
        ],
    }
    assert set(parsed.json()) == {"error", "message", "detail"}
    assert [d["field"] for d in parsed.json()["detail"]] == ["name"]
