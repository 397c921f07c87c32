"""Context: what one GraphQL request carries — its credentials and fresh loaders."""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

import strawberry
from starlette.responses import Response

from gateway.config import split_list
from gateway.loaders import Loaders
from gateway.telemetry.requests import current
from gateway.upstream.budget import Budget
from gateway.upstream.client import Credentials

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket

    from gateway.config import Settings
    from gateway.upstream.client import Upstream

REQUEST_ID_HEADER = "X-Request-Id"
# A request carrying this header (any value but "0"/"false"/"no") gets its
# upstream cost in the response: `extensions.cost {estimated, used, max}`.
COST_HEADER = "X-Gateway-Cost"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
# What a credential header may hold to travel upstream: visible ASCII.
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


@lru_cache(maxsize=16)
def trusted_networks(
    forwarded_allow_ips: str,
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None:
    """The proxies of GATEWAY_FORWARDED_ALLOW_IPS; None means any (`*`)."""
    items = split_list(forwarded_allow_ips)
    if "*" in items:
        return None
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _trusted(hop: str, forwarded_allow_ips: str) -> bool:
    networks = trusted_networks(forwarded_allow_ips)
    if networks is None:
        return True
    try:
        address = ipaddress.ip_address(hop)
    except ValueError:
        return False
    return any(address in network for network in networks)


def forwarding_chain(
    forwarded_for: str | None, peer: str | None, forwarded_allow_ips: str = ""
) -> list[str]:
    """The X-Forwarded-For chain to send upstream, ending with the client.

    The socket peer is appended. When trusted proxies are configured, hops
    they added are dropped from the right, so the last element is the first
    address no trusted proxy vouches for: the real client.
    """
    chain = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    # uvicorn's proxy-header support may already have made the last hop the
    # client; `rc-gateway serve` turns it off, this guards other servers.
    if peer and (not chain or chain[-1] != peer):
        chain.append(peer)
    if forwarded_allow_ips:
        while len(chain) > 1 and _trusted(chain[-1], forwarded_allow_ips):
            chain.pop()
    return chain


def credentials_of(
    request: Request | WebSocket,
    forwarded_allow_ips: str = "",
    chosen_request_id: str | None = None,
) -> Credentials:
    """Only what may travel upstream: auth headers, forwarding chain, request id.

    `chosen_request_id`: the id the access middleware already gave the
    request (it logs it), else one is chosen here.
    """
    headers = request.headers
    peer = request.client.host if request.client is not None else None
    chain = forwarding_chain(headers.get("x-forwarded-for"), peer, forwarded_allow_ips)
    chain = [hop for hop in chain if _HEADER_VALUE.fullmatch(hop)]
    auth_token = headers.get("x-auth-token") or None
    user_id = headers.get("x-user-id") or None
    problem = None
    sent = [value for value in (auth_token, user_id) if value is not None]
    if any(not _HEADER_VALUE.fullmatch(value) for value in sent):
        auth_token = user_id = None
        problem = (
            "The X-Auth-Token and X-User-Id headers must be printable ASCII, "
            "as Rocket.Chat issues them."
        )
    return Credentials(
        auth_token=auth_token,
        user_id=user_id,
        forwarded_for=", ".join(chain) or None,
        request_id=chosen_request_id or request_id(headers.get("x-request-id")),
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
    record = current()
    credentials = credentials_of(
        request, settings.forwarded_allow_ips, record.request_id if record else None
    )
    if record is not None:
        record.user_id = credentials.user_id
    if credentials.request_id and isinstance(response, Response):
        response.headers[REQUEST_ID_HEADER] = credentials.request_id
    budget = Budget(
        max_calls=settings.max_upstream_calls,
        fan_out=settings.max_fan_out,
        timeout=settings.request_timeout,
        gate=upstream.gate,
        report=wants_cost(request),
    )
    if record is not None:
        record.budget = budget  # the access line and metrics report its counts
    bound = upstream.for_request(budget)
    return Context(
        settings=settings,
        upstream=bound,
        credentials=credentials,
        loaders=Loaders(bound, credentials),
        budget=budget,
    )
