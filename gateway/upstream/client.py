"""Upstream: the shared httpx.AsyncClient and the one request() path.

Every REST call the gateway makes goes through `Upstream.request`, which
attaches the caller's credentials per call, unwraps Rocket.Chat's `success`
envelope and turns every failure into a `GatewayError` (the table is in
`answers.py`; this module only builds and sends).

A call is an `httpx.Request` handed straight to the client's transport:
what every call through one client shares (its base URL, default headers,
timeouts, transport) is read once into a `_Lane`, and a request's headers
are built once per caller, not merged per call. `AsyncClient.send` would add
nothing the gateway uses (no auth flow, no redirects, no cookies: one pool
serves every caller) and cost about as much as the transport itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import itertools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from gateway.config import DEFAULT_UPSTREAM_TIMEOUT, MAX_CONNECTIONS
from gateway.errors import (
    BadUserInputError,
    UnauthenticatedError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from gateway.telemetry.hub import UpstreamCall
from gateway.upstream.answers import refusals as refusals, transport_errors, unwrap
from gateway.upstream.budget import CallGate
from gateway.upstream.routes import INFO_ROUTE, route_of
from gateway.upstream.wire import (
    AnswerTooLargeError,
    BodyInterruptedError,
    WireTransport,
    no_cookies,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Mapping, Sequence

    from gateway.config import Settings
    from gateway.telemetry.hub import Telemetry
    from gateway.upstream.budget import Budget

API_PREFIX = "/api/v1/"
USER_AGENT = "rc-gateway"
# Idle connections are dropped before Node's own keep-alive timeout (5 s)
# closes them, so a request is not sent on a connection being closed.
KEEPALIVE_EXPIRY = 4.0
# Rocket.Chat (Node) refuses request heads over 16 KB; stay well below.
MAX_URL_LENGTH = 8192


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
        return dict(self.header_items)

    @functools.cached_property
    def header_items(self) -> tuple[tuple[str, str], ...]:
        """The headers every call of this caller carries, computed once."""
        items = (
            ("X-Auth-Token", self.auth_token),
            ("X-User-Id", self.user_id),
            ("X-Forwarded-For", self.forwarded_for),
            ("X-Request-Id", self.request_id),
        )
        return tuple((name, value) for name, value in items if value)


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


@dataclass(frozen=True)
class _Lane:
    """One httpx client and what every call through it shares, read once."""

    client: httpx.AsyncClient
    transport: httpx.AsyncBaseTransport
    # The client's base URL as text, ending in `/`.
    base: str
    # The base URL as httpx parsed it, and its path (ending in `/`).
    parsed: Any
    base_path: str
    # The client's default headers, Host included.
    headers: tuple[tuple[str, str], ...]
    timeout: dict[str, float | None]

    @classmethod
    def of(cls, client: httpx.AsyncClient) -> _Lane:
        base_url = client.base_url
        base = str(base_url)
        if not base.endswith("/"):
            base += "/"
        parsed = httpx.URL(base)._uri_reference
        # The transport `AsyncClient.send` would pick for the base URL
        # (`mounts` respected); httpx exposes no public accessor for it.
        transport = client._transport_for_url(base_url)
        headers = (
            ("Host", base_url.netloc.decode("ascii")),
            # As the client holds them: their names' case kept.
            *(
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in client.headers.raw
            ),
        )
        return cls(
            client=client,
            transport=transport,
            base=base,
            parsed=parsed,
            base_path=parsed.path,
            headers=headers,
            timeout=client.timeout.as_dict(),
        )

    def url(
        self, path: str, params: Mapping[str, str | int | list[str]] | None
    ) -> httpx.URL:
        """`path` (relative, segments already encoded) and `params` on the base.

        The URL `AsyncClient.build_request` makes; `httpx.QueryParams`
        encodes the query. A path and query made only of characters httpx
        would leave as they are, with no dot segment to remove, are set on
        the parsed base URL as they are; anything else is parsed by httpx.
        """
        path = path.lstrip("/")
        query: str | None = None
        if params is not None:  # as httpx does: they replace any query in `path`
            path = path.partition("?")[0]
            if params:
                query = str(httpx.QueryParams(params))
        elif "?" in path:
            path, _, query = path.partition("?")
        if (
            _UNCHANGED.fullmatch(path)
            and _UNCHANGED.fullmatch(query or "")
            and not ("." in path and _DOT_SEGMENT.search(path))
        ):
            return _url_of(
                self.parsed._replace(path=self.base_path + path, query=query)
            )
        return httpx.URL(self.base + path + ("" if query is None else f"?{query}"))


# Characters httpx keeps as they are in a path or query (RFC 3986's unreserved,
# sub-delims, ":", "@", "/", "?", and complete percent escapes).
_UNCHANGED = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")
# A `.` or `..` segment, which httpx would remove.
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)")


def _url_of(parsed: Any) -> httpx.URL:
    """An `httpx.URL` of an already valid, normalised parse result.

    httpx has no public constructor that skips parsing; `tests/upstream/
    test_client.py` holds every URL made this way to `build_request`'s.
    """
    url = httpx.URL.__new__(httpx.URL)
    url._uri_reference = parsed
    return url


class Upstream:
    """The Rocket.Chat REST API over shared, pooled httpx clients (usually one).

    `open` gives the client `WireTransport` (see `wire.py`): httpx's API,
    HTTP/1.1 parsed in C by httptools on pooled asyncio sockets underneath.

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
        self._lanes = itertools.cycle([_Lane.of(client) for client in clients])
        self._retry_reads = retry_reads
        self._telemetry = telemetry
        self.timeout = timeout
        self.gate = gate or CallGate(MAX_CONNECTIONS)
        self.budget: Budget | None = None
        # Per bound request: its caller's headers for each lane, built once.
        self._headers: dict[tuple[int, Credentials], httpx.Headers] | None = None

    def for_request(self, budget: Budget) -> Upstream:
        """These clients, every call of which goes through `budget`."""
        bound = copy.copy(self)
        bound.budget = budget
        bound._headers = {}
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
            keepalive_expiry=KEEPALIVE_EXPIRY,
        )
        transport = WireTransport(limits=limits, ssl_context=httpx.create_ssl_context())
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
        lane = next(self._lanes)
        outgoing = self._build(lane, method, path, credentials, params, json)
        if self.budget is None:
            return await self._send(
                lane, outgoing, path, lambda: self.timeout, retry=retry
            )
        budget = self.budget
        await budget.take_slot()
        try:
            return await self._send(
                lane,
                outgoing,
                path,
                lambda: min(self.timeout, budget.remaining()),
                budget,
                retry=retry,
            )
        finally:
            budget.free_slot()

    def _build(
        self,
        lane: _Lane,
        method: str,
        path: str,
        credentials: Credentials,
        params: Mapping[str, str | int | list[str]] | None,
        json: Any,
    ) -> httpx.Request:
        request: httpx.Request | None
        try:
            request = httpx.Request(
                method,
                lane.url(path, params),
                headers=self._headers_for(lane, credentials),
                json=json,
                extensions={"timeout": lane.timeout},
            )
        except httpx.InvalidURL:  # httpx refuses URLs over 64 KB itself
            request = None
        except (UnicodeError, ValueError) as exc:
            # Lone surrogates, non-ASCII header values, numbers JSON cannot carry.
            raise BadUserInputError(
                "A value in this request cannot be sent to Rocket.Chat "
                "(it is not valid Unicode text)."
            ) from exc
        if request is None or len(request.url.raw_path) > MAX_URL_LENGTH:
            raise BadUserInputError(
                f"The values of this request make an upstream URL longer than "
                f"{MAX_URL_LENGTH} bytes; send shorter ones."
            )
        return request

    def _headers_for(self, lane: _Lane, credentials: Credentials) -> httpx.Headers:
        """The lane's default headers and the caller's (each request copies them)."""
        if self._headers is None:
            return httpx.Headers([*lane.headers, *credentials.header_items])
        key = (id(lane), credentials)
        headers = self._headers.get(key)
        if headers is None:
            headers = httpx.Headers([*lane.headers, *credentials.header_items])
            self._headers[key] = headers
        return headers

    async def _send(
        self,
        lane: _Lane,
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
                        response = await _exchange(lane, outgoing, seconds)
                    except _NoAnswerError as exc:
                        no_answer = True
                        raise UpstreamUnavailableError(
                            "Rocket.Chat could not be reached."
                        ) from exc.__cause__
                    call.status = response.status_code
                    return unwrap(response)
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
            client = next(self._lanes).client
            with transport_errors():
                response = await client.get(
                    client.base_url.join("../info"), headers=call.headers
                )
            call.status = response.status_code
            return unwrap(response)

    def _observe(
        self, method: str, route: str
    ) -> contextlib.AbstractContextManager[UpstreamCall]:
        """The one place each REST exchange is measured (per call, never per field)."""
        if self._telemetry is None:
            return contextlib.nullcontext(UpstreamCall())
        return self._telemetry.upstream_call(method, route)


class _NoAnswerError(Exception):
    """The connection failed before any of an answer arrived (retryable)."""


async def _exchange(
    lane: _Lane, request: httpx.Request, seconds: float
) -> httpx.Response:
    """Send `request` through the lane's transport, read its answer within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            try:
                response = await lane.transport.handle_async_request(request)
            except httpx.TimeoutException:
                raise
            except AnswerTooLargeError as exc:
                raise UpstreamError(str(exc)) from exc
            except BodyInterruptedError as exc:  # read eagerly by the transport
                raise UpstreamUnavailableError(
                    "Rocket.Chat's answer was cut off."
                ) from exc
            except httpx.TransportError as exc:
                raise _NoAnswerError() from exc
            response.request = request
            with transport_errors():
                if isinstance(response.stream, httpx.ByteStream):
                    response.read()  # in memory already (WireTransport's answers)
                else:
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise UpstreamTimeoutError("Rocket.Chat did not answer in time.") from exc
    return response
