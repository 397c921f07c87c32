"""The /api/v1 ASGI app: knobs, log, auth, permission, limit, schema, handler."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..compat.ajv import ValidationError, validate
from ..compat.qs import parse_query, split_query
from ..endpoints.auth import authenticate
from ..rules.permissions import has_any_permission, has_permission
from .errors import INTERNAL, ApiError, forbidden, invalid_params, not_found_route
from .log import LoggedRequest
from .ratelimit import Verdict, client_address
from .request import ApiRequest
from .routing import match

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from ..state import Sandbox

logger = logging.getLogger("gateway.sandbox")
NO_CACHE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        body, status_code=status, headers={**NO_CACHE, **(headers or {})}
    )


class ApiApp:
    """Answers every request under /api/v1 the way Rocket.Chat 8.x does."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.monotonic()
        request = Request(scope, receive)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        try:
            options = self.sandbox.options
            delay = options.latency_ms
            if options.jitter_ms > 0:
                delay += self.sandbox.random.uniform(0, options.jitter_ms)
            if delay > 0:
                await asyncio.sleep(delay / 1000)
            fault = (
                options.fault_rate > 0
                and self.sandbox.random.random() < options.fault_rate
            )
            if fault and options.fault_kind == "drop":
                self._record(scope, request, started, 0)
                await _drop(send)
                return
            if fault:
                response = json_response(500, dict(INTERNAL))
            else:
                response = await self.handle(request, raw_path.decode("latin-1"))
        except BaseException:
            self._record(scope, request, started, 0)
            raise
        # Logged before the answer leaves, so a client that got its response
        # always finds the request in the log.
        self._record(scope, request, started, response.status_code)
        await response(scope, receive, send)

    def _record(
        self, scope: Scope, request: Request, started: float, status: int
    ) -> None:
        raw_path = scope.get("raw_path") or scope["path"].encode()
        headers = request.headers
        self.sandbox.record(
            LoggedRequest(
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
        )

    async def handle(self, request: Request, raw_path: str) -> JSONResponse:
        found = match(request.method, raw_path)
        if found is None:
            error = not_found_route()
            return json_response(error.status, error.body)
        route, params = found
        headers = request.headers
        peer = request.client.host if request.client else None
        body = b"" if request.method in ("GET", "HEAD") else await request.body()
        req = ApiRequest(
            sandbox=self.sandbox,
            method=request.method,
            params=params,
            query=parse_query(split_query(request.scope.get("query_string", b""))),
            headers=headers,
            body=body,
            client=client_address(headers.get("x-forwarded-for"), peer),
        )
        verdict: Verdict | None = None
        store = self.sandbox.store
        try:
            if route.auth:
                req.user = authenticate(
                    store, headers.get("x-user-id"), headers.get("x-auth-token")
                )
            required = route.permission
            if isinstance(required, str):
                required = (required,)
            if required and not all(
                has_permission(store, req.user, name) for name in required
            ):
                raise forbidden()
            if route.any_permission and not has_any_permission(
                store, req.user, route.any_permission
            ):
                raise forbidden()
            exempt = route.auth and has_permission(
                store, req.user, "api-bypass-rate-limit"
            )
            if self.sandbox.options.rate_limit and not exempt:
                verdict = self.sandbox.limiter.hit(
                    req.client, f"{route.method} {route.path}", route.limit
                )
                if not verdict.allowed:
                    raise verdict.error()
            if route.query is not None:
                try:
                    req.query = validate(route.query, req.query)
                except ValidationError as exc:
                    raise invalid_params(exc.messages) from None
            payload = await route.handler(req)
        except ApiError as error:
            extra = verdict.headers() if verdict else {}
            return json_response(error.status, error.body, {**extra, **error.headers})
        except Exception:
            logger.exception("sandbox handler failed: %s %s", request.method, raw_path)
            return json_response(500, dict(INTERNAL))
        return json_response(
            200, {**payload, "success": True}, verdict.headers() if verdict else None
        )


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
