"""Transports measured against the gateway's own `WireTransport`.

`AiohttpTransport` is an `httpx.AsyncBaseTransport` over one
`aiohttp.ClientSession`: what the gateway used before `WireTransport`
(`gateway/upstream/wire.py`), kept here so `bench/transport.py` and
`bench/floor.py --transport aiohttp` can compare the two in one run. It
sends the URL exactly as httpx encoded it (`yarl.URL(..., encoded=True)`)
and maps aiohttp's errors onto httpx's. aiohttp is a `bench` extra, not a
dependency of the gateway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import httpx
import yarl

from gateway.upstream.wire import BodyInterruptedError

if TYPE_CHECKING:
    import ssl

# httpx's default keep-alive expiry, in seconds.
KEEPALIVE_EXPIRY = 5.0
# aiohttp timeouts kept for reuse (one per distinct httpx timeout setting).
MAX_TIMEOUTS = 16


def httpx_error(exc: Exception, request: httpx.Request) -> httpx.TransportError:
    """The httpx exception of the same meaning as aiohttp's failure `exc`."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(str(exc) or "connect", request=request)
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return httpx.ReadTimeout(str(exc) or "read", request=request)
    if isinstance(exc, (TimeoutError, aiohttp.ServerTimeoutError)):
        return httpx.PoolTimeout(str(exc) or "timeout", request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(str(exc), request=request)
    if isinstance(
        exc,
        # The peer closed; the parser refused the answer, or the body ended
        # before its length: what h11 (httpcore's parser) reports as a
        # protocol error too.
        (
            aiohttp.ServerDisconnectedError,
            aiohttp.ClientResponseError,
            aiohttp.ClientPayloadError,
        ),
    ):
        return httpx.RemoteProtocolError(str(exc), request=request)
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(str(exc), request=request)
    # ClientOSError (reset, broken pipe) and any other connection failure.
    return httpx.ReadError(str(exc), request=request)


# What aiohttp raises for a failed exchange; `httpx_error` maps each.
AIOHTTP_FAILURES = (aiohttp.ClientError, TimeoutError)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport sending each request through one aiohttp session.

    `limits.max_connections` bounds the pool (None: unbounded),
    `limits.keepalive_expiry` how long an idle connection is kept. The
    session is opened on first use, inside the event loop that uses it, and
    closed by `aclose` (which `httpx.AsyncClient.aclose` calls).
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        limits = limits or httpx.Limits()
        self._limit = limits.max_connections or 0
        self._keepalive = (
            limits.keepalive_expiry
            if limits.keepalive_expiry is not None
            else KEEPALIVE_EXPIRY
        )
        self._ssl: ssl.SSLContext | bool = (
            ssl_context if ssl_context is not None else True
        )
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._limit,
            limit_per_host=0,
            keepalive_timeout=self._keepalive,
            ssl=self._ssl,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,
            # httpx's client sets every header it means to send; add none.
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
        )
        return self._session

    def _timeout(self, seconds: dict[str, float | None]) -> aiohttp.ClientTimeout:
        key = (seconds.get("pool"), seconds.get("connect"), seconds.get("read"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            timeout = aiohttp.ClientTimeout(
                total=None, connect=key[0], sock_connect=key[1], sock_read=key[2]
            )
            if len(self._timeouts) < MAX_TIMEOUTS:
                self._timeouts[key] = timeout
        return timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session or self._open()
        body = await request.aread()
        try:
            async with session.request(
                request.method,
                # Exactly the bytes httpx encoded: no re-quoting, no dot-segment
                # normalisation (a `%2E%2E` or `%2F` in an id stays inside it).
                yarl.URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(),
                data=body or None,
                allow_redirects=False,
                timeout=self._timeout(request.extensions.get("timeout", {})),
            ) as response:
                try:
                    content = await response.read()
                except AIOHTTP_FAILURES as exc:
                    error = httpx_error(exc, request)
                    if isinstance(error, httpx.TimeoutException):
                        raise error from exc
                    raise BodyInterruptedError(str(exc), request=request) from exc
                reason = response.reason
                return httpx.Response(
                    response.status,
                    headers=list(response.raw_headers),
                    stream=httpx.ByteStream(content),
                    request=request,
                    extensions={
                        "http_version": b"HTTP/1.1",
                        **({"reason_phrase": reason.encode()} if reason else {}),
                    },
                )
        except AIOHTTP_FAILURES as exc:
            raise httpx_error(exc, request) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
