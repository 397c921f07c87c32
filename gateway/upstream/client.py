"""Upstream: the shared httpx.AsyncClient and the one request() path.

Every REST call the gateway makes goes through `Upstream.request`, which
attaches the caller's credentials per call, unwraps Rocket.Chat's `success`
envelope and turns every failure into a `GatewayError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.utils
import itertools
import json
import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from gateway.config import DEFAULT_UPSTREAM_TIMEOUT, MAX_CONNECTIONS
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
from gateway.upstream.budget import CallGate
from gateway.upstream.routes import INFO_ROUTE, route_of
from gateway.upstream.transport import (
    AiohttpTransport,
    BodyInterruptedError,
    no_cookies,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence

    from gateway.config import Settings
    from gateway.telemetry.hub import Telemetry
    from gateway.upstream.budget import Budget

API_PREFIX = "/api/v1/"
DEFAULT_RETRY_AFTER = 60
USER_AGENT = "rc-gateway"
# Rocket.Chat (Node) refuses request heads over 16 KB; stay well below.
MAX_URL_LENGTH = 8192

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
    # Why the caller's credentials were dropped (e.g. not ASCII), if they were.
    problem: str | None = None

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
    a step up the path. Text that is not Unicode (a lone surrogate) is
    BAD_USER_INPUT.
    """
    try:
        encoded = quote(value, safe="")
    except UnicodeEncodeError as exc:  # a lone surrogate
        raise BadUserInputError(
            "A value in this request is not valid Unicode text."
        ) from exc
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

    `for_request(budget)` gives the same clients bound to one GraphQL
    request's `Budget`: every call then takes a fan-out slot (a fair share of
    the process-wide `gate`), counts against the request's call allowance and
    ends by its deadline.
    """

    def __init__(
        self,
        clients: Sequence[httpx.AsyncClient],
        *,
        retry_reads: bool = True,
        telemetry: Telemetry | None = None,
        timeout: float = DEFAULT_UPSTREAM_TIMEOUT,
        gate: CallGate | None = None,
    ) -> None:
        if not clients:
            raise ValueError("Upstream needs at least one client")
        self._clients = itertools.cycle(clients)
        self._retry_reads = retry_reads
        self._telemetry = telemetry
        self.timeout = timeout
        self.gate = gate or CallGate(MAX_CONNECTIONS)
        self.budget: Budget | None = None

    def for_request(self, budget: Budget) -> Upstream:
        """These clients, every call of which goes through `budget`."""
        bound = copy.copy(self)
        bound.budget = budget
        return bound

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
            yield cls(
                [client],
                retry_reads=settings.retry_reads,
                telemetry=telemetry,
                timeout=settings.upstream_timeout,
                gate=CallGate(settings.max_connections),
            )

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
        calling when `auth` is needed and the caller sent no usable
        credentials, BadUserInputError without calling when the values cannot
        make a sane request (not encodable, URL over MAX_URL_LENGTH); any
        other failure becomes the matching GatewayError.

        One call is bounded as a whole (connect, send, headers and body) by
        the upstream timeout, and by the request's deadline when bound to a
        budget. Only GETs are retried, once, and only when the connection
        failed before any of an answer arrived; an answer cut off afterwards
        is not retried. `retry=False` is for the GETs that write
        (`livechat/room` opens one).
        """
        if auth and not credentials.authenticated:
            raise UnauthenticatedError(
                credentials.problem
                or "Send the X-Auth-Token and X-User-Id headers of a Rocket.Chat login."
            )
        client = next(self._clients)
        outgoing = _build(client, method, path, credentials, params, json)
        if self.budget is None:
            return await self._send(
                client, outgoing, path, lambda: self.timeout, retry=retry
            )
        budget = self.budget
        async with budget.slot():
            return await self._send(
                client,
                outgoing,
                path,
                lambda: min(self.timeout, budget.remaining()),
                budget,
                retry=retry,
            )

    async def _send(
        self,
        client: httpx.AsyncClient,
        outgoing: httpx.Request,
        path: str,
        timeout: Callable[[], float],
        budget: Budget | None = None,
        *,
        retry: bool = True,
    ) -> dict[str, Any]:
        attempts = 2 if outgoing.method == "GET" and retry and self._retry_reads else 1
        for attempt in range(attempts):
            seconds = timeout()
            if budget is not None:
                if seconds <= 0:
                    raise budget.deadline_error()
                budget.spend()
            no_answer = False
            try:
                with self._observe(outgoing.method, route_of(path)) as call:
                    if call.headers:
                        outgoing.headers.update(call.headers)
                    try:
                        response = await _exchange(client, outgoing, seconds)
                    except _NoAnswerError as exc:
                        no_answer = True
                        raise UpstreamUnavailableError(
                            "Rocket.Chat could not be reached."
                        ) from exc.__cause__
                    call.status = response.status_code
                    return _unwrap(response)
            except UpstreamUnavailableError:
                if no_answer and attempt + 1 < attempts:
                    continue  # nothing of an answer came: safe to send again
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


class _NoAnswerError(Exception):
    """The connection failed before any of an answer arrived (retryable)."""


def _build(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    credentials: Credentials,
    params: Mapping[str, str | int | list[str]] | None,
    json: Any,
) -> httpx.Request:
    try:
        request = client.build_request(
            method, path, params=params, json=json, headers=credentials.headers()
        )
    except (UnicodeError, ValueError) as exc:
        # Lone surrogates, non-ASCII header values, numbers JSON cannot carry.
        raise BadUserInputError(
            "A value in this request cannot be sent to Rocket.Chat "
            "(it is not valid Unicode text)."
        ) from exc
    except httpx.InvalidURL:  # httpx refuses URLs over 64 KB itself
        request = None
    if request is None or len(request.url.raw_path) > MAX_URL_LENGTH:
        raise BadUserInputError(
            f"The values of this request make an upstream URL longer than "
            f"{MAX_URL_LENGTH} bytes; send shorter ones."
        )
    return request


async def _exchange(
    client: httpx.AsyncClient, request: httpx.Request, seconds: float
) -> httpx.Response:
    """Send `request` and read its whole answer within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            try:
                response = await client.send(request, stream=True)
            except httpx.TimeoutException:
                raise
            except BodyInterruptedError as exc:  # read eagerly by the transport
                raise UpstreamUnavailableError(
                    "Rocket.Chat's answer was cut off."
                ) from exc
            except httpx.TransportError as exc:
                raise _NoAnswerError() from exc
            try:
                with _map_transport_errors():
                    await response.aread()
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise UpstreamTimeoutError("Rocket.Chat did not answer in time.") from exc
    return response


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
    except (ValueError, RecursionError):
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
    """Seconds to wait: `Retry-After` (seconds or an HTTP date), else
    Rocket.Chat's `X-RateLimit-Reset` (epoch ms), else its message."""
    now = time.time()
    retry_after = response.headers.get("Retry-After", "").strip()
    if retry_after.isdigit() and len(retry_after) <= 9:
        return max(1, int(retry_after))
    if retry_after:
        with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
            when = email.utils.parsedate_to_datetime(retry_after)
            return max(1, math.ceil(when.timestamp() - now))
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset.isdigit() and len(reset) <= 16:
        return max(1, math.ceil(int(reset) / 1000 - now))
    if match := _WAIT_SECONDS.search(message):
        return max(1, int(match.group(1)[:9]))
    return DEFAULT_RETRY_AFTER
