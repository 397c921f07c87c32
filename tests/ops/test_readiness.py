"""/readyz asks GET /api/info and caches the verdict; /healthz is liveness."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.app import create_app
from gateway.config import Settings
from gateway.serving import serve_in_thread
from tests.test_serve import free_port

if TYPE_CHECKING:
    from starlette.requests import Request

    from tests.conftest import Upstream


def test_sandbox_answers_api_info_without_credentials(upstream: Upstream) -> None:
    response = httpx.get(f"{upstream.url}/api/info")
    assert response.status_code == 200
    assert response.json() == {"version": "8.8.0", "success": True}


def test_ready_when_rocketchat_answers(gateway_url: str) -> None:
    response = httpx.get(f"{gateway_url}/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "upstream": {"version": "8.8.0"}}
    assert response.headers["cache-control"] == "no-store"


def test_unreachable_upstream_is_503_with_reason_and_liveness_stays_ok() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    with serve_in_thread(create_app(Settings(), nowhere)) as url:
        ready = httpx.get(f"{url}/readyz")
        alive = httpx.get(f"{url}/healthz")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "reason": "Rocket.Chat could not be reached.",
        "code": "UPSTREAM_UNAVAILABLE",
    }
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})


class Flaky:
    """A stand-in Rocket.Chat whose /api/info can be made to fail; counts calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.failing = False
        self.app = Starlette(routes=[Route("/api/info", self.info)])

    async def info(self, request: Request) -> JSONResponse:
        self.calls += 1
        if self.failing:
            return JSONResponse(
                {"success": False, "error": "Internal server error"}, status_code=500
            )
        return JSONResponse({"version": "7.4.1", "success": True})


def test_verdict_is_cached_then_rechecked() -> None:
    flaky = Flaky()
    with serve_in_thread(flaky.app) as upstream_url:
        cached = create_app(Settings(readiness_cache_seconds=60), upstream_url)
        uncached = create_app(Settings(readiness_cache_seconds=0), upstream_url)
        with serve_in_thread(cached) as url, serve_in_thread(uncached) as fresh:
            first = httpx.get(f"{url}/readyz")
            flaky.failing = True
            second = httpx.get(f"{url}/readyz")
            assert flaky.calls == 1
            down = httpx.get(f"{fresh}/readyz")
            flaky.failing = False
            up = httpx.get(f"{fresh}/readyz")
            assert flaky.calls == 3
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == {"status": "ready", "upstream": {"version": "7.4.1"}}
    assert down.status_code == 503
    assert down.json() == {
        "status": "unavailable",
        "reason": "Internal server error",
        "code": "UPSTREAM_ERROR",
    }
    assert up.status_code == 200
