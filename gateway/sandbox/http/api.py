"""The /api/v1 ASGI app: route, auth, permission, limit, schema, handler."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.requests import Request

from ..compat.ajv import ValidationError, validate
from ..compat.qs import parse_query, split_query
from ..endpoints.auth import authenticate
from ..rules.permissions import has_any_permission, has_permission
from .errors import INTERNAL, ApiError, forbidden, invalid_params, not_found_route
from .faults import Faults
from .latency import Latency
from .ratelimit import Verdict, client_address
from .request import ApiRequest
from .requestlog import RequestLog
from .responses import json_response
from .routing import match

if TYPE_CHECKING:
    from starlette.responses import JSONResponse
    from starlette.types import ASGIApp, Receive, Scope, Send

    from ..state import Sandbox

logger = logging.getLogger("gateway.sandbox")


class ApiApp:
    """Answers every request under /api/v1 the way Rocket.Chat 8.x does.

    Latency, faults and the request log wrap it as middleware (`api_stack`).
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        response = await self.handle(request, raw_path.decode("latin-1"))
        await response(scope, receive, send)

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


def api_stack(sandbox: Sandbox) -> ASGIApp:
    """The /api/v1 app behind its knobs: log, then latency, then faults."""
    return RequestLog(Latency(Faults(ApiApp(sandbox), sandbox), sandbox), sandbox)
