"""Faults: the `fault_rate` / `fault_kind` knobs as ASGI middleware."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import INTERNAL
from .responses import json_response

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from ..state import Sandbox

# Set in the scope when the connection is dropped on purpose, for the log.
DROPPED = "sandbox.dropped"


class Faults:
    """Fails a share of requests: Rocket.Chat's 500 body, or a connection
    closed after the response has started."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        options = self.sandbox.options
        fault = (
            scope["type"] == "http"
            and options.fault_rate > 0
            and self.sandbox.random.random() < options.fault_rate
        )
        if not fault:
            await self.app(scope, receive, send)
        elif options.fault_kind == "drop":
            scope[DROPPED] = True
            await _drop(send)
        else:
            await json_response(500, dict(INTERNAL))(scope, receive, send)


async def _drop(send: Send) -> None:
    # Start a response and stop: the server closes the connection mid-answer.
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"64"),
            ],
        }
    )
