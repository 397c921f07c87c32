"""Shared sandbox fixtures: one demo-data sandbox on loopback, and logins to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from gateway.sandbox import Sandbox, SandboxOptions, create_sandbox_app
from gateway.sandbox.server import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from starlette.applications import Starlette

DEMO_PASSWORD = "demo"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def _demo_served() -> Iterator[tuple[Starlette, str]]:
    app = create_sandbox_app(SandboxOptions(db=":memory:", password=DEMO_PASSWORD))
    with serve_in_thread(app) as url:
        yield app, url


@pytest.fixture(scope="session")
def demo_sandbox_url(_demo_served: tuple[Starlette, str]) -> str:
    """Base URL (no trailing slash) of the session's demo-data sandbox."""
    return _demo_served[1]


@pytest.fixture(scope="session")
def demo_sandbox(_demo_served: tuple[Starlette, str]) -> Sandbox:
    """The session's demo sandbox state: options (knobs), log, store."""
    sandbox: Sandbox = _demo_served[0].state.sandbox
    return sandbox


@pytest.fixture(scope="session")
def login(demo_sandbox_url: str) -> Callable[[str], dict[str, str]]:
    """`login("admin")` → `{"X-User-Id": ..., "X-Auth-Token": ...}` (cached)."""
    cache: dict[str, dict[str, str]] = {}

    def log_in(username: str) -> dict[str, str]:
        if username not in cache:
            response = httpx.post(
                f"{demo_sandbox_url}/api/v1/login",
                json={"user": username, "password": DEMO_PASSWORD},
            )
            assert response.status_code == 200, response.text
            data = response.json()["data"]
            cache[username] = {
                "X-User-Id": data["userId"],
                "X-Auth-Token": data["authToken"],
            }
        return cache[username]

    return log_in
