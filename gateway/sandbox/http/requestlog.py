"""RequestLog: every /api/v1 call and its answer in the log, as ASGI middleware."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from starlette.datastructures import Headers

from ..compat.qs import split_query
from .faults import DROPPED
from .log import LoggedRequest

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from ..state import Sandbox


class RequestLog:
    """Logs a request just before its answer starts, so a client that got its
    response always finds it in the log; status 0 for a dropped connection or
    a request that failed before answering."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        logged = False

        def record(status: int) -> None:
            nonlocal logged
            logged = True
            self.sandbox.record(entry(scope, started, status))

        async def logging_send(message: Message) -> None:
            if message["type"] == "http.response.start" and not logged:
                record(0 if scope.get(DROPPED) else message["status"])
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        except BaseException:
            if not logged:
                record(0)
            raise


def entry(scope: Scope, started: float, status: int) -> LoggedRequest:
    raw_path = scope.get("raw_path") or scope["path"].encode()
    headers = Headers(scope=scope)
    return LoggedRequest(
        method=scope["method"],
        path=raw_path.decode("latin-1"),
        query=split_query(scope.get("query_string", b"")),
        auth_token=headers.get("x-auth-token"),
        user_id=headers.get("x-user-id"),
        forwarded_for=headers.get("x-forwarded-for"),
        request_id=headers.get("x-request-id"),
        started=started,
        finished=time.monotonic(),
        status=status,
    )
