"""Operator endpoints: `/readyz` (can we reach Rocket.Chat?) and `/metrics`.

`/healthz` (in app.py) is liveness only: the process answers. `/readyz` asks
Rocket.Chat's unauthenticated `GET /api/info` and keeps the answer for
GATEWAY_READINESS_CACHE_SECONDS, so a busy probe does not load the upstream;
concurrent probes share one check.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response

from gateway.errors import GatewayError

if TYPE_CHECKING:
    from starlette.requests import Request

    from gateway.telemetry.metrics import Metrics
    from gateway.upstream.client import Upstream


@dataclass(frozen=True)
class Verdict:
    ready: bool
    body: dict[str, Any]
    checked: float


class Readiness:
    """The cached answer to "does Rocket.Chat answer /api/info?"."""

    def __init__(self, cache_seconds: float) -> None:
        self.cache_seconds = cache_seconds
        self._verdict: Verdict | None = None
        self._lock = asyncio.Lock()

    async def check(self, upstream: Upstream) -> Verdict:
        verdict = self._verdict
        if verdict is not None and self._fresh(verdict):
            return verdict
        async with self._lock:
            verdict = self._verdict
            if verdict is not None and self._fresh(verdict):
                return verdict
            self._verdict = verdict = await self._ask(upstream)
            return verdict

    def _fresh(self, verdict: Verdict) -> bool:
        return time.monotonic() - verdict.checked < self.cache_seconds

    async def _ask(self, upstream: Upstream) -> Verdict:
        try:
            info = await upstream.get_info()
        except GatewayError as exc:
            body: dict[str, Any] = {
                "status": "unavailable",
                "reason": exc.message,
                "code": exc.code,
            }
            return Verdict(False, body, time.monotonic())
        version = info.get("version")
        upstream_info = {"version": version} if isinstance(version, str) else {}
        body = {"status": "ready", "upstream": upstream_info}
        return Verdict(True, body, time.monotonic())


async def readyz(request: Request) -> JSONResponse:
    """Readiness: 200 when Rocket.Chat answers, else 503 with the reason."""
    readiness: Readiness = request.app.state.readiness
    verdict = await readiness.check(request.state.upstream)
    return JSONResponse(
        verdict.body,
        status_code=200 if verdict.ready else 503,
        headers={"Cache-Control": "no-store"},
    )


async def metrics(request: Request) -> Response:
    """Prometheus' text exposition of every metric (all workers')."""
    collected: Metrics = request.app.state.metrics
    body, media_type = collected.exposition()
    return Response(body, media_type=media_type)
