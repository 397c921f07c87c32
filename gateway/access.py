"""AccessMiddleware: one access line, metrics and a span for every HTTP request.

Pure ASGI, around the whole app. The line carries the request id, method,
path (never the query string: GET queries carry tokens and literals),
status, duration, the client, and for GraphQL the operation's name and type,
the REST calls it made and its error codes — never a header value, a
document or its variables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import Headers

from gateway.context import forwarding_chain, request_id
from gateway.telemetry.hub import Exchange
from gateway.telemetry.requests import CURRENT, RequestRecord

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from gateway.telemetry.hub import Telemetry


def route_path(scope: Scope) -> str:
    """The path below the root path (what the app routes on)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


class AccessMiddleware:
    """Wraps the app; `forwarded_allow_ips` as in GATEWAY_FORWARDED_ALLOW_IPS."""

    def __init__(
        self, app: ASGIApp, telemetry: Telemetry, forwarded_allow_ips: str = ""
    ) -> None:
        self.app = app
        self.telemetry = telemetry
        self.forwarded_allow_ips = forwarded_allow_ips

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        peer = scope.get("client")
        chain = forwarding_chain(
            headers.get("x-forwarded-for"),
            peer[0] if peer else None,
            self.forwarded_allow_ips,
        )
        record = RequestRecord(request_id=request_id(headers.get("x-request-id")))
        exchange = Exchange(
            method=scope["method"],
            path=route_path(scope),
            client=chain[-1] if chain else None,
            record=record,
        )

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
            await send(message)

        token = CURRENT.set(record)
        try:
            with self.telemetry.start_request(exchange, headers):
                await self.app(scope, receive, send_and_note)
        except BaseException:
            if not exchange.status:
                exchange.status = 500
            raise
        finally:
            CURRENT.reset(token)
            self.telemetry.finish_request(exchange)
