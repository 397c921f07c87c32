"""Session-wide servers on loopback: the read-only demo sandbox, a writable one,
gateways in front of them; demo logins; the `--run-slow` opt-in."""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import FEATURED_USERS, SandboxOptions, create_sandbox_app, login
from gateway.serving import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

    from starlette.applications import Starlette

# Login tokens are the one thing reads may add: they live in `users`.
STATELESS_COLLECTIONS = {"users"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow", action="store_true", help="also run tests marked `slow`"
    )


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: opt in with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Upstream:
    """The sandbox as the gateway's tests see it: its URL, state and logins."""

    url: str
    app: Starlette
    logins: dict[str, dict[str, str]] = field(default_factory=dict)

    def login(self, user: str) -> dict[str, str]:
        """The demo user's `X-Auth-Token` / `X-User-Id`, logging in once."""
        if user not in self.logins:
            self.logins[user] = login(self.url, user)
        return self.logins[user]

    def documents(self) -> dict[tuple[str, str], str]:
        """Every stored document but login state, by (collection, `_id`)."""
        store = self.sandbox.store
        with store.lock:
            tables = [
                row[0]
                for row in store.db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {
                (table, doc_id): doc
                for table in tables
                if table not in STATELESS_COLLECTIONS
                for doc_id, doc in store.db.execute(f'SELECT _id, doc FROM "{table}"')
            }

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


@contextlib.contextmanager
def served_sandbox(options: SandboxOptions | None = None) -> Iterator[Upstream]:
    """A fresh in-memory sandbox (demo data by default) served on loopback."""
    app = create_sandbox_app(options or SandboxOptions(db=":memory:"))
    with serve_in_thread(app) as url:
        yield Upstream(url=url, app=app)


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    """The session's one demo sandbox, shared by every test that only reads.

    Its knobs may be turned (the `knobs` fixture restores them); its data may
    not change: teardown fails if a test wrote to it. Tests that write use
    `writable`.
    """
    with served_sandbox() as demo:
        before = demo.documents()
        yield demo
        after = demo.documents()
        changed = sorted(
            key
            for key in before.keys() | after.keys()
            if before.get(key) != after.get(key)
        )
        assert changed == [], (
            "tests changed the read-only demo sandbox's data (tests that write "
            f"use the `writable` fixture): {[after.get(key) for key in changed[:5]]}"
        )


@pytest.fixture(scope="session")
def users(upstream: Upstream) -> dict[str, dict[str, str]]:
    """Auth headers of the demo users admin, agent and viewer."""
    return {name: upstream.login(name) for name in FEATURED_USERS}


def start_gateway(upstream_url: str, **settings: Any) -> AbstractContextManager[str]:
    """Serve a gateway with these settings on loopback; yields its URL."""
    return serve_in_thread(
        create_app(Settings(**settings), upstream_url), proxy_headers=False
    )


@pytest.fixture(scope="session")
def gateway_url(upstream: Upstream) -> Iterator[str]:
    with start_gateway(upstream.url) as url:
        yield url


@dataclass
class Stack:
    """A sandbox tests may write to, the gateway in front of it, demo logins."""

    upstream: Upstream
    gateway_url: str

    @property
    def users(self) -> dict[str, dict[str, str]]:
        return {name: self.upstream.login(name) for name in FEATURED_USERS}

    def gql(self) -> GraphQLClient:
        return GraphQLClient(self.gateway_url)


@pytest.fixture(scope="session")
def writable() -> Iterator[Stack]:
    """A second demo sandbox, for tests that register visitors or record pages."""
    with served_sandbox() as sandbox, start_gateway(sandbox.url) as url:
        stack = Stack(upstream=sandbox, gateway_url=url)
        # Logged in now, so a test's first `users` adds no call to its log.
        assert set(stack.users) == set(FEATURED_USERS)
        yield stack


@contextlib.contextmanager
def restored_knobs(upstream: Upstream) -> Iterator[Any]:
    options = upstream.sandbox.options
    saved = options.knobs()
    upstream.clear()
    yield options
    options.update_knobs(saved)


@pytest.fixture
def knobs(upstream: Upstream) -> Iterator[Any]:
    """The demo sandbox's runtime knobs, restored after the test; log cleared."""
    with restored_knobs(upstream) as options:
        yield options


@pytest.fixture
def writable_knobs(writable: Stack) -> Iterator[Any]:
    """The writable sandbox's runtime knobs, restored after the test."""
    with restored_knobs(writable.upstream) as options:
        yield options


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
