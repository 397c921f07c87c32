"""Context: what one GraphQL request carries — its credentials and fresh loaders."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import strawberry
from starlette.responses import Response

from gateway.loaders import Loaders
from gateway.upstream.budget import Budget
from gateway.upstream.client import Credentials

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket

    from gateway.config import Settings
    from gateway.upstream.client import Upstream

REQUEST_ID_HEADER = "X-Request-Id"
# A request carrying this header (any value but "0"/"false") gets its upstream
# cost in the response: `extensions.cost {estimated, used, max}`.
COST_HEADER = "X-Gateway-Cost"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
# What a header value may hold to travel upstream: visible ASCII and spaces.
_HEADER_VALUE = re.compile(r"[\x20-\x7e]{1,4096}")


@dataclass
class Context:
    """Per-request state; nothing in it outlives the request."""

    settings: Settings
    upstream: Upstream
    credentials: Credentials
    loaders: Loaders
    budget: Budget


Info: TypeAlias = strawberry.Info[Context, None]


def request_id(incoming: str | None) -> str:
    """The caller's `X-Request-Id` when it is a sane token, else a new one."""
    if incoming and _REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def credentials_of(request: Request | WebSocket) -> Credentials:
    """Only what may travel upstream: auth headers, forwarding chain, request id."""
    headers = request.headers
    chain = [
        hop.strip()
        for hop in headers.get("x-forwarded-for", "").split(",")
        if hop.strip() and _HEADER_VALUE.fullmatch(hop.strip())
    ]
    peer = request.client.host if request.client is not None else None
    # uvicorn's proxy-header support may already have made the last hop the
    # client; `rc-gateway serve` turns it off, this guards other servers.
    if peer and (not chain or chain[-1] != peer):
        chain.append(peer)
    auth_token = headers.get("x-auth-token") or None
    user_id = headers.get("x-user-id") or None
    problem = None
    if any(
        v is not None and not _HEADER_VALUE.fullmatch(v) for v in (auth_token, user_id)
    ):
        auth_token = user_id = None
        problem = (
            "The X-Auth-Token and X-User-Id headers must be printable ASCII, "
            "as Rocket.Chat issues them."
        )
    return Credentials(
        auth_token=auth_token,
        user_id=user_id,
        forwarded_for=", ".join(chain) or None,
        request_id=request_id(headers.get("x-request-id")),
        problem=problem,
    )


def wants_cost(request: Request | WebSocket) -> bool:
    value = request.headers.get(COST_HEADER.lower())
    return value is not None and value.strip().lower() not in ("0", "false", "no")


async def build_context(
    request: Request | WebSocket, response: Response | WebSocket
) -> Context:
    """Build the context for one request from the app's shared state."""
    settings: Settings = request.app.state.settings
    upstream: Upstream = request.state.upstream
    credentials = credentials_of(request)
    if credentials.request_id and isinstance(response, Response):
        response.headers[REQUEST_ID_HEADER] = credentials.request_id
    budget = Budget(
        max_calls=settings.max_upstream_calls,
        fan_out=settings.max_fan_out,
        timeout=settings.request_timeout,
        gate=upstream.gate,
        report=wants_cost(request),
    )
    bound = upstream.for_request(budget)
    return Context(
        settings=settings,
        upstream=bound,
        credentials=credentials,
        loaders=Loaders(bound, credentials),
        budget=budget,
    )
