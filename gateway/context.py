"""Context: what one GraphQL request carries — its credentials and fresh loaders."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import strawberry
from starlette.responses import Response

from gateway.loaders import Loaders
from gateway.upstream.client import Credentials

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket

    from gateway.config import Settings
    from gateway.upstream.client import Upstream

REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


@dataclass
class Context:
    """Per-request state; nothing in it outlives the request."""

    settings: Settings
    upstream: Upstream
    credentials: Credentials
    loaders: Loaders


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
        if hop.strip()
    ]
    peer = request.client.host if request.client is not None else None
    # uvicorn's proxy-header support may already have made the last hop the
    # client; `rc-gateway serve` turns it off, this guards other servers.
    if peer and (not chain or chain[-1] != peer):
        chain.append(peer)
    return Credentials(
        auth_token=headers.get("x-auth-token") or None,
        user_id=headers.get("x-user-id") or None,
        forwarded_for=", ".join(chain) or None,
        request_id=request_id(headers.get("x-request-id")),
    )


async def build_context(
    request: Request | WebSocket, response: Response | WebSocket
) -> Context:
    """Build the context for one request from the app's shared state."""
    settings: Settings = request.app.state.settings
    upstream: Upstream = request.state.upstream
    credentials = credentials_of(request)
    if credentials.request_id and isinstance(response, Response):
        response.headers[REQUEST_ID_HEADER] = credentials.request_id
    return Context(
        settings=settings,
        upstream=upstream,
        credentials=credentials,
        loaders=Loaders(upstream, credentials, max_fan_out=settings.max_fan_out),
    )
