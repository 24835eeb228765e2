"""The body bound reads a request's body before the app, and must then leave the client's
own messages to the app: a streamed answer (a file, a script) waits on them for a real
disconnect, and a made-up one cut the web's page scripts short."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

from services.common.json_depth import JsonDepthLimit
from services.common.web import BodySizeLimit


async def chunks():
    for n in range(5):
        await asyncio.sleep(0.01)
        yield f"part {n};".encode()


async def streamed(_request) -> StreamingResponse:
    return StreamingResponse(chunks(), media_type="text/plain")


def app(middleware) -> httpx.AsyncClient:
    inner = Starlette(routes=[Route("/file", streamed, methods=["GET", "POST"])])
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=middleware(inner)), base_url="http://test"
    )


async def test_a_streamed_answer_arrives_whole_through_the_body_bound():
    async with app(lambda inner: BodySizeLimit(inner, limit=1024)) as http:
        answer = await http.get("/file")

    assert answer.text == "".join(f"part {n};" for n in range(5))


async def test_and_through_the_json_depth_bound():
    async with app(lambda inner: JsonDepthLimit(inner, limit=4)) as http:
        answer = await http.post("/file", json={"a": [1]})

    assert answer.text.endswith("part 4;")


async def test_a_body_over_the_bound_is_refused_before_the_app_sees_it():
    async with app(lambda inner: BodySizeLimit(inner, limit=1024)) as http:
        answer = await http.post("/file", content=b"x" * 2048)

    assert answer.status_code == 413
