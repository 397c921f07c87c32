"""Session-wide servers: the sandbox and the gateway, both on loopback."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import SandboxOptions, create_sandbox_app
from gateway.sandbox.server import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

    from starlette.applications import Starlette

DEMO_PASSWORD = "demo"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Upstream:
    """The sandbox as the gateway's tests see it: its URL and its state."""

    url: str
    app: Starlette

    @property
    def sandbox(self) -> Any:
        return self.app.state.sandbox

    def calls(self, request_id: str | None = None) -> list[Any]:
        """The REST calls logged since the last `clear()`, in arrival order.

        The sandbox logs a call just after answering it, so this waits for the
        log to settle first; `request_id` keeps only one gateway request's calls.
        """
        seen = -1
        deadline = time.monotonic() + 2
        while len(self.sandbox.log) != seen and time.monotonic() < deadline:
            seen = len(self.sandbox.log)
            time.sleep(0.05)
        calls = sorted(self.sandbox.log, key=lambda call: call.started)
        if request_id is None:
            return calls
        return [call for call in calls if call.request_id == request_id]

    def wait_for(self, count: int, timeout: float = 5) -> list[Any]:
        """The logged calls once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while len(self.sandbox.log) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.calls()

    def clear(self) -> None:
        self.calls()  # let calls still being logged land before clearing
        self.sandbox.clear_log()


def login(base_url: str, user: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in to the sandbox as to Rocket.Chat; the two auth headers."""
    response = httpx.post(
        f"{base_url}/api/v1/login", json={"user": user, "password": password}
    )
    response.raise_for_status()
    data = response.json()["data"]
    return {"X-Auth-Token": data["authToken"], "X-User-Id": data["userId"]}


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    app = create_sandbox_app(SandboxOptions(db=":memory:"))
    with serve_in_thread(app) as url:
        yield Upstream(url=url, app=app)


@pytest.fixture(scope="session")
def users(upstream: Upstream) -> dict[str, dict[str, str]]:
    """Auth headers of the demo users admin, agent and viewer."""
    return {name: login(upstream.url, name) for name in ("admin", "agent", "viewer")}


def start_gateway(upstream_url: str, **settings: Any) -> AbstractContextManager[str]:
    """Serve a gateway with these settings on loopback; yields its URL."""
    return serve_in_thread(
        create_app(Settings(**settings), upstream_url), proxy_headers=False
    )


@pytest.fixture(scope="session")
def gateway_url(upstream: Upstream) -> Iterator[str]:
    with start_gateway(upstream.url) as url:
        yield url


@pytest.fixture
def knobs(upstream: Upstream) -> Iterator[Any]:
    """The sandbox's runtime knobs, restored after the test; log cleared."""
    options = upstream.sandbox.options
    saved = options.knobs()
    upstream.clear()
    yield options
    options.update_knobs(saved)


class GraphQLClient:
    """Posts GraphQL to a gateway the way a frontend would."""

    def __init__(self, url: str) -> None:
        self.url = f"{url}/graphql"
        self.request_id = ""

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        self.request_id = uuid.uuid4().hex
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                self.url,
                json={"query": query, "variables": variables or {}},
                headers={
                    "Accept": "application/json",
                    "X-Request-Id": self.request_id,
                    **(headers or {}),
                },
            )
        assert response.status_code < 500, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(gateway_url: str) -> GraphQLClient:
    return GraphQLClient(gateway_url)
