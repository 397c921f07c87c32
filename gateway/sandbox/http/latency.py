"""Latency: the `latency_ms` + uniform(0, `jitter_ms`) knob as ASGI middleware."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from ..state import Sandbox


class Latency:
    """Waits the configured delay (an async sleep) before passing a request on."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        options = self.sandbox.options
        delay = options.latency_ms
        if scope["type"] == "http" and options.jitter_ms > 0:
            delay += self.sandbox.random.uniform(0, options.jitter_ms)
        if scope["type"] == "http" and delay > 0:
            await asyncio.sleep(delay / 1000)
        await self.app(scope, receive, send)
