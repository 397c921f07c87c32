"""Upstream: the shared httpx.AsyncClient and the one request() path.

Every REST call the gateway makes goes through `Upstream.request`, which
attaches the caller's credentials per call, unwraps Rocket.Chat's `success`
envelope and turns every failure into a `GatewayError`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from gateway.errors import (
    BadUserInputError,
    ForbiddenError,
    GatewayError,
    NotFoundError,
    RateLimitedError,
    RefusedError,
    UnauthenticatedError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from gateway.telemetry.hub import UpstreamCall
from gateway.upstream.routes import INFO_ROUTE, route_of
from gateway.upstream.transport import AiohttpTransport, no_cookies

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Mapping, Sequence

    from gateway.config import Settings
    from gateway.telemetry.hub import Telemetry

API_PREFIX = "/api/v1/"
DEFAULT_RETRY_AFTER = 60
USER_AGENT = "rc-gateway"

# Rocket.Chat reports "no such record" as 400s (or one 404); these bodies are
# translated to NOT_FOUND instead of leaking as BAD_USER_INPUT.
NOT_FOUND_ERRORS = frozenset(
    {"visitor-not-found", "[invalid-token]", "invalid-room", "Resource not found"}
)
NOT_FOUND_ERROR_TYPES = frozenset({"invalid-token", "error-room-not-found"})
# Per-record refusals that arrive as 400s (rooms.info, chatHistory).
FORBIDDEN_ERRORS = frozenset({"not-allowed", "error-not-allowed"})
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
_WAIT_SECONDS = re.compile(r"wait (\d+) seconds")


@dataclass(frozen=True)
class Credentials:
    """What one GraphQL request may send upstream: its own, and nothing else."""

    auth_token: str | None = None
    user_id: str | None = None
    forwarded_for: str | None = None
    request_id: str | None = None

    @property
    def authenticated(self) -> bool:
        return bool(self.auth_token and self.user_id)

    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.auth_token:
            headers["X-Auth-Token"] = self.auth_token
        if self.user_id:
            headers["X-User-Id"] = self.user_id
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.request_id:
            headers["X-Request-Id"] = self.request_id
        return headers


def segment(value: str) -> str:
    """Percent-encode `value` as exactly one path segment.

    Every reserved character is encoded (`/`, `?`, `#`, `%`, ...); a segment
    that is only dots is encoded too, so URL normalisation cannot turn it into
    a step up the path.
    """
    encoded = quote(value, safe="")
    if encoded.strip(".") == "":
        return encoded.replace(".", "%2E")
    return encoded


def paging(
    offset: int, count: int, sort: Mapping[str, int] | None = None
) -> dict[str, str | int | list[str]]:
    """Query parameters of a listing; `sort` is JSON-encoded, never spliced."""
    params: dict[str, str | int | list[str]] = {"offset": offset, "count": count}
    if sort:
        params["sort"] = json.dumps(dict(sort), separators=(",", ":"))
    return params


class Upstream:
    """The Rocket.Chat REST API over shared, pooled httpx clients (usually one).

    `open` gives the client `AiohttpTransport` (see `transport.py`): httpx's
    API, aiohttp's C-parsed HTTP and pool underneath.
    """

    def __init__(
        self,
        clients: Sequence[httpx.AsyncClient],
        *,
        retry_reads: bool = True,
        telemetry: Telemetry | None = None,
    ) -> None:
        if not clients:
            raise ValueError("Upstream needs at least one client")
        self._clients = itertools.cycle(clients)
        self._retry_reads = retry_reads
        self._telemetry = telemetry

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, base_url: str, settings: Settings, telemetry: Telemetry | None = None
    ) -> AsyncIterator[Upstream]:
        """Open the shared client for `base_url` (the server root, no /api/v1).

        `telemetry`, when given, logs, counts and traces every REST call.
        """
        limits = httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_connections,
        )
        transport = AiohttpTransport(
            limits=limits, ssl_context=httpx.create_ssl_context()
        )
        async with httpx.AsyncClient(
            base_url=base_url.rstrip("/") + API_PREFIX,
            transport=transport,
            cookies=no_cookies(),
            timeout=httpx.Timeout(settings.upstream_timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            trust_env=False,
        ) as client:
            yield cls([client], retry_reads=settings.retry_reads, telemetry=telemetry)

    async def request(
        self,
        method: str,
        path: str,
        credentials: Credentials,
        *,
        params: Mapping[str, str | int | list[str]] | None = None,
        json: Any = None,
        auth: bool = True,
        retry: bool = True,
    ) -> dict[str, Any]:
        """Call `path` (relative to /api/v1/, segments already encoded).

        Returns the decoded success body. Raises UnauthenticatedError without
        calling when `auth` is needed and the caller sent no credentials; any
        other failure becomes the matching GatewayError. Only GETs are
        retried, once, and only when the connection failed before an answer;
        `retry=False` is for the GETs that write (`livechat/room` opens one).
        """
        if auth and not credentials.authenticated:
            raise UnauthenticatedError(
                "Send the X-Auth-Token and X-User-Id headers of a Rocket.Chat login."
            )
        attempts = 2 if method == "GET" and retry and self._retry_reads else 1
        for attempt in range(attempts):
            try:
                with self._observe(method, route_of(path)) as call:
                    return await self._exchange(
                        method, path, credentials, params, json, call
                    )
            except UpstreamUnavailableError as exc:
                retryable = isinstance(
                    exc.__cause__, httpx.ConnectError | httpx.RemoteProtocolError
                )
                if retryable and attempt + 1 < attempts:
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def get_info(self) -> dict[str, Any]:
        """`GET /api/info`, outside /api/v1 and without credentials.

        Rocket.Chat's unauthenticated server information; raises the
        GatewayError matching the failure when it is unreachable or refuses.
        """
        with self._observe("GET", INFO_ROUTE) as call:
            client = next(self._clients)
            with _map_transport_errors():
                response = await client.get(
                    client.base_url.join("../info"), headers=call.headers
                )
            call.status = response.status_code
            return _unwrap(response)

    def _observe(
        self, method: str, route: str
    ) -> contextlib.AbstractContextManager[UpstreamCall]:
        """The one place each REST exchange is measured (per call, never per field)."""
        if self._telemetry is None:
            return contextlib.nullcontext(UpstreamCall())
        return self._telemetry.upstream_call(method, route)

    async def _exchange(
        self,
        method: str,
        path: str,
        credentials: Credentials,
        params: Mapping[str, str | int | list[str]] | None,
        json: Any,
        call: UpstreamCall,
    ) -> dict[str, Any]:
        headers = credentials.headers()
        if call.headers:
            headers.update(call.headers)
        with _map_transport_errors():
            response = await next(self._clients).request(
                method, path, params=params, json=json, headers=headers
            )
        call.status = response.status_code
        return _unwrap(response)


@contextlib.contextmanager
def refusals(table: Mapping[str, tuple[str, str]]) -> Iterator[None]:
    """Turn the upstream refusals named in `table` into RefusedErrors.

    `table` maps Rocket.Chat's `errorType`, or else its `error` text, to
    `(reason, message)`. Other errors pass through unchanged.
    """
    try:
        yield
    except (BadUserInputError, NotFoundError, ForbiddenError) as exc:
        keys = (exc.details.get("errorType"), exc.details.get("upstreamMessage"))
        found = next(
            (table[k] for k in keys if isinstance(k, str) and k in table), None
        )
        if found is None:
            raise
        reason, message = found
        raise RefusedError(
            message, reason=reason, upstreamMessage=exc.details.get("upstreamMessage")
        ) from exc


@contextlib.contextmanager
def _map_transport_errors() -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        raise UpstreamTimeoutError("Rocket.Chat did not answer in time.") from exc
    except httpx.TransportError as exc:
        raise UpstreamUnavailableError("Rocket.Chat could not be reached.") from exc


def _decode(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _unwrap(response: httpx.Response) -> dict[str, Any]:
    body = _decode(response)
    if response.is_success:
        if body is None or body.get("success") is False:
            raise UpstreamError(
                "Rocket.Chat sent an answer that is not a JSON object.",
                upstreamStatus=response.status_code,
            )
        return body
    raise _error_for(response, body or {})


def _error_for(response: httpx.Response, body: dict[str, Any]) -> GatewayError:
    status = response.status_code
    error = body.get("error") if isinstance(body.get("error"), str) else None
    message = error or (
        body.get("message") if isinstance(body.get("message"), str) else None
    )
    error_type = body.get("errorType")
    error_type = error_type if isinstance(error_type, str) else None
    text = message or f"Rocket.Chat answered HTTP {status}."
    if status == 401:
        return UnauthenticatedError(text)
    if status == 403:
        return ForbiddenError(
            "Rocket.Chat refused this to your user.", upstreamMessage=message
        )
    if status == 404 or (
        status == 400
        and (error in NOT_FOUND_ERRORS or error_type in NOT_FOUND_ERROR_TYPES)
    ):
        return NotFoundError("No such record.", upstreamMessage=message)
    if status == 400 and error in FORBIDDEN_ERRORS:
        return ForbiddenError("You may not read this record.", upstreamMessage=message)
    if status == 400:
        return BadUserInputError(text, upstreamMessage=message, errorType=error_type)
    if status == 429:
        return RateLimitedError(text, retryAfter=_retry_after(response, text))
    if status in UNAVAILABLE_STATUSES:
        return UpstreamUnavailableError(text, upstreamStatus=status)
    return UpstreamError(text, upstreamStatus=status)


def _retry_after(response: httpx.Response, message: str) -> int:
    if match := _WAIT_SECONDS.search(message):
        return int(match.group(1))
    reset = response.headers.get("X-RateLimit-Reset", "")
    try:
        return max(1, math.ceil(float(reset) / 1000 - time.time()))
    except ValueError:
        return DEFAULT_RETRY_AFTER
