from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.support.api import School
from tests.support.stack import ROOT, TestStack


@pytest.fixture(scope="session")
def stack() -> Iterator[TestStack]:
    """The four real services against the real broker and store, in a private vhost/db."""
    test_stack = TestStack(log_dir=ROOT / ".data" / "test-logs")
    test_stack.create()
    try:
        test_stack.start_all()
        yield test_stack
    finally:
        test_stack.destroy()


class Clients:
    def __init__(self, stack: TestStack) -> None:
        self.stack = stack
        self.intake = httpx.AsyncClient(base_url=stack.url("intake"), timeout=30)
        self.case = httpx.AsyncClient(base_url=stack.url("case"), timeout=30)
        self.notification = httpx.AsyncClient(base_url=stack.url("notification"), timeout=30)
        self.records = httpx.AsyncClient(base_url=stack.url("records"), timeout=30)

    async def aclose(self) -> None:
        for client in (self.intake, self.case, self.notification, self.records):
            await client.aclose()


@pytest.fixture
async def clients(stack: TestStack) -> AsyncIterator[Clients]:
    result = Clients(stack)
    yield result
    await result.aclose()


@pytest.fixture
async def school(clients: Clients) -> School:
    return await School.register(clients.intake)


@pytest.fixture
async def mongo(stack: TestStack) -> AsyncIterator[Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        "mongodb://127.0.0.1:27017/", tz_aware=True
    )
    yield lambda service: client[f"{stack.db_prefix}{service}"]
    await client.close()


@pytest.fixture(scope="session")
def samples() -> Path:
    return ROOT / "tests" / "samples"
