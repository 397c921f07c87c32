"""HTTP/1.1 on the wire: an httpx transport over asyncio sockets and httptools.

`WireTransport` is what `Upstream` gives its `httpx.AsyncClient`: the
gateway keeps httpx's client API (requests, headers, timeouts, error types),
and a call costs one socket write and one C parse of the answer. Each
connection is an `asyncio.Protocol` fed straight into httptools (llhttp, the
parser uvicorn serves with); there are no streams, no tasks and no
per-call objects beyond the request, its answer and one timer.
`bench/transport.py` measures it against httpcore and aiohttp.

What it does:

- sends the request target exactly as httpx encoded it (`url.raw_path`): no
  re-quoting, no dot-segment normalisation, so a `%2E%2E` or `%2F` in an id
  stays inside its segment;
- keeps one pool of connections per origin, at most `max_connections` open
  in all (None: no bound), idle ones for `keepalive_expiry` seconds;
  requests waiting for a connection are served first come, first served;
- bounds the pool wait, the connect and the answer by the request's
  `timeout` extension (httpx's `Timeout`: `pool`, `connect`, `read`);
- reads the whole answer (Content-Length, chunked, or up to the close), and
  reuses the connection only when the answer allows it (`Connection: close`
  and HTTP/1.0 answers end it);
- maps every failure onto the httpx exception httpcore raises for it:
  `PoolTimeout`, `ConnectTimeout`, `ReadTimeout`; `ConnectError` (refused,
  unknown host, TLS handshake); `RemoteProtocolError` when the peer closed
  or sent something that is not HTTP before the answer's head was complete;
  `ReadError` when the socket failed then; and `BodyInterruptedError` (a
  `RemoteProtocolError`) when the head arrived and the body did not, which
  `Upstream` does not send again;
- reads at most `max_answer_bytes` of a body (32 MiB unless told) and 64
  KB of headers: more ends the connection with `AnswerTooLargeError`.

What it does not do, on purpose: follow redirects, keep cookies or read
proxy settings (the httpx client above decides, and `Upstream` keeps
none), decompress (httpx decodes `Content-Encoding` when the answer is
read), HTTP/2, `Expect: 100-continue`, or stream bodies: Rocket.Chat's
answers are JSON documents, read whole.
"""

from __future__ import annotations

import asyncio
import collections
import http.cookiejar
import re
import ssl
import time
from typing import cast

import httptools
import httpx

# httpx's default keep-alive expiry, in seconds.
KEEPALIVE_EXPIRY = 5.0
# The largest answer body read (a page of 100 rooms is about 150 KB).
MAX_ANSWER_BYTES = 32 * 2**20
# The most header bytes an answer may have (Node's own bound is 16 KB).
MAX_HEAD_BYTES = 64 * 2**10

_Origin = tuple[bytes, bytes, int]
_LINE_BREAK = re.compile(rb"[\r\n\0]")
_DEFAULT_PORTS = {b"http": 80, b"https": 443}


class BodyInterruptedError(httpx.RemoteProtocolError):
    """The answer's head arrived, its body did not: not safe to send again."""


class AnswerTooLargeError(BodyInterruptedError):
    """The answer's body outgrew `max_answer_bytes`; the rest was not read."""


def no_cookies() -> http.cookiejar.CookieJar:
    """A cookie jar that keeps nothing, for the shared `httpx.AsyncClient`.

    httpx's client stores every `Set-Cookie` it sees and sends it with later
    requests; one client serves every caller, so it must store none.
    """
    return http.cookiejar.CookieJar(
        policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
    )


class _Answer:
    """What the parser has read of one answer so far."""

    __slots__ = ("body", "complete", "headers", "reason", "size", "status", "version")

    def __init__(self) -> None:
        self.status = 0
        self.size = 0
        self.version = b"HTTP/1.1"
        self.headers: list[tuple[bytes, bytes]] = []
        self.reason = b""
        self.body: list[bytes] = []
        self.complete = False


class _TooLargeError(Exception):
    """Raised inside the parser to stop reading an answer over the bound."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request at a time, its answer parsed in C."""

    def __init__(self, pool: _Pool, origin: _Origin) -> None:
        self.pool = pool
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.answer: _Answer | None = None
        # Set while a request waits for its answer: done with the answer, or
        # with the failure (an httpx exception) that ended the connection.
        self.waiter: asyncio.Future[_Answer] | None = None
        self.request: httpx.Request | None = None
        self.idle_since = 0.0
        self.lost: asyncio.Future[None] = pool.loop.create_future()
        self.closed = False
        # Its place in the pool was freed (it is closed or closing).
        self.forgotten = False
        self.head_complete = False
        self.keep_alive = True

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # asyncio's and uvloop's TCP transports (uvloop's is no subclass).
        self.transport = cast("asyncio.Transport", transport)

    def data_received(self, data: bytes) -> None:
        if self.answer is None:  # bytes nobody asked for: the connection is unusable
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if isinstance(exc.__context__, _TooLargeError):
                message = str(exc.__context__)
                self._fail(AnswerTooLargeError(message, request=self.request))
                return
            self._fail(
                httpx.RemoteProtocolError(
                    f"Rocket.Chat's answer is not HTTP: {exc}", request=self.request
                )
            )

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.pool.closing.discard(self)
        if not self.lost.done():
            self.lost.set_result(None)
        answer = self.answer
        if answer is not None and not answer.complete:
            if self.head_complete and self._reads_to_close():
                self._done()  # an answer whose end is the close itself
            elif self.head_complete:
                self._fail(
                    BodyInterruptedError(
                        "The connection closed before the answer's body ended.",
                        request=self.request,
                    )
                )
            elif exc is not None:
                self._fail(httpx.ReadError(str(exc), request=self.request))
            else:
                self._fail(
                    httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.",
                        request=self.request,
                    )
                )
        self.pool.forget(self)

    # httptools callbacks

    def on_status(self, status: bytes) -> None:
        assert self.answer is not None
        self.answer.reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        answer = self.answer
        assert answer is not None
        answer.size += len(name) + len(value)
        if answer.size > MAX_HEAD_BYTES:
            raise _TooLargeError(
                f"Rocket.Chat's answer has over {MAX_HEAD_BYTES} bytes of headers."
            )
        answer.headers.append((name, value))

    def on_headers_complete(self) -> None:
        assert self.answer is not None
        self.head_complete = True
        self.answer.status = self.parser.get_status_code()
        self.answer.version = b"HTTP/" + self.parser.get_http_version().encode()

    def on_body(self, body: bytes) -> None:
        answer = self.answer
        assert answer is not None
        answer.size += len(body)
        if answer.size > self.pool.max_answer_bytes:
            # Stops the parser; `data_received` fails the call.
            raise _TooLargeError(
                f"Rocket.Chat's answer is larger than "
                f"{self.pool.max_answer_bytes} bytes."
            )
        answer.body.append(body)

    def on_message_complete(self) -> None:
        assert self.answer is not None
        if 100 <= self.answer.status < 200:  # an interim answer: the real one follows
            self.answer = _Answer()
            self.head_complete = False
            return
        self.keep_alive = self.parser.should_keep_alive()
        self._done()

    # the exchange

    async def exchange(
        self, request: httpx.Request, head: bytes, read: float | None
    ) -> _Answer:
        """Send `request` (its encoded `head` and body), wait at most `read`
        seconds for its whole answer."""
        assert self.transport is not None
        self.request = request
        self.answer = _Answer()
        self.head_complete = False
        loop = self.pool.loop
        waiter: asyncio.Future[_Answer] = loop.create_future()
        self.waiter = waiter
        self.transport.write(head + request.content)
        timer = None if read is None else loop.call_later(read, self._read_timeout)
        try:
            return await waiter
        finally:
            if timer is not None:
                timer.cancel()
            self.waiter = None
            self.request = None

    def _read_timeout(self) -> None:
        self._fail(httpx.ReadTimeout("read", request=self.request))

    def _reads_to_close(self) -> bool:
        assert self.answer is not None
        names = {name.lower() for name, _ in self.answer.headers}
        return b"content-length" not in names and b"transfer-encoding" not in names

    def _done(self) -> None:
        answer = self.answer
        assert answer is not None
        answer.complete = True
        self.answer = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(answer)

    def _fail(self, error: httpx.TransportError) -> None:
        self.keep_alive = False
        self.answer = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(error)
        self.close()

    def close(self) -> None:
        self.keep_alive = False
        if self.transport is not None and not self.closed:
            self.closed = True
            self.pool.closing.add(self)
            self.transport.close()

    @property
    def reusable(self) -> bool:
        return self.keep_alive and not self.closed


def _head(request: httpx.Request) -> bytes:
    """The request line and headers of `request`, as sent."""
    lines = [b"%s %s HTTP/1.1\r\n" % (request.method.encode(), request.url.raw_path)]
    for name, value in request.headers.raw:
        if _LINE_BREAK.search(name) or _LINE_BREAK.search(value):
            # What h11 refuses too: it would end the header, or the head.
            raise httpx.LocalProtocolError(
                f"Header {name!r} holds a line break or NUL.", request=request
            )
        lines.append(b"%s: %s\r\n" % (name, value))
    lines.append(b"\r\n")
    return b"".join(lines)


class _Pool:
    """Connections by origin, at most `limit` open in all (0: no bound)."""

    def __init__(
        self,
        limit: int,
        keepalive: float,
        ssl_context: ssl.SSLContext,
        max_answer_bytes: int,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.max_answer_bytes = max_answer_bytes
        self.limit = limit
        self.keepalive = keepalive
        self.ssl = ssl_context
        self.idle: dict[_Origin, collections.deque[_Connection]] = {}
        # Open or opening connections, idle ones included.
        self.open = 0
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        # Closed by us, their sockets not yet released by the event loop.
        self.closing: set[_Connection] = set()

    async def acquire(
        self, origin: _Origin, request: httpx.Request, timeout: dict[str, float | None]
    ) -> _Connection:
        deadline = None
        while True:
            connection = self._idle_connection(origin)
            if connection is not None:
                return connection
            if not self.limit or self.open < self.limit or self._close_other_idle():
                return await self._connect(origin, request, timeout.get("connect"))
            if deadline is None:
                pool = timeout.get("pool")
                deadline = None if pool is None else self.loop.time() + pool
            await self._wait(request, deadline)

    def _idle_connection(self, origin: _Origin) -> _Connection | None:
        idle = self.idle.get(origin)
        if not idle:
            return None
        oldest = time.monotonic() - self.keepalive
        while idle:
            connection = idle.pop()  # the most recently used: warmest
            if connection.reusable and connection.idle_since > oldest:
                return connection
            self._drop(connection)
        return None

    def _close_other_idle(self) -> bool:
        """Close an idle connection to another origin, to open one to this one."""
        for idle in self.idle.values():
            if idle:
                self._drop(idle.popleft())
                return True
        return False

    async def _wait(self, request: httpx.Request, deadline: float | None) -> None:
        waiter = self.loop.create_future()
        self.waiters.append(waiter)
        try:
            if deadline is None:
                await waiter
            else:
                async with asyncio.timeout_at(deadline):
                    await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                self._wake()  # woken as it gave up: pass the turn on
            else:
                waiter.cancel()
            if isinstance(exc, TimeoutError):
                raise httpx.PoolTimeout("pool", request=request) from exc
            raise

    async def _connect(
        self, origin: _Origin, request: httpx.Request, timeout: float | None
    ) -> _Connection:
        scheme, host, port = origin
        self.open += 1
        connection = _Connection(self, origin)
        try:
            async with asyncio.timeout(timeout):
                await self.loop.create_connection(
                    lambda: connection,
                    host.decode("ascii"),
                    port,
                    ssl=self.ssl if scheme == b"https" else None,
                )
        except TimeoutError as exc:
            self._lost()
            raise httpx.ConnectTimeout("connect", request=request) from exc
        except OSError as exc:  # refused, unknown host, TLS (ssl.SSLError)
            self._lost()
            raise httpx.ConnectError(str(exc), request=request) from exc
        except BaseException:
            self._lost()
            raise
        return connection

    def release(self, connection: _Connection) -> None:
        """Give `connection` back after its exchange (closed unless reusable)."""
        if connection.reusable:
            connection.idle_since = time.monotonic()
            self.idle.setdefault(connection.origin, collections.deque()).append(
                connection
            )
            self._wake()
        else:
            self._drop(connection)

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        self.forget(connection)

    def forget(self, connection: _Connection) -> None:
        """`connection` is closed: free its place (once)."""
        if connection.forgotten:
            return
        connection.forgotten = True
        idle = self.idle.get(connection.origin)
        if idle and connection in idle:
            idle.remove(connection)
        self._lost()

    def _lost(self) -> None:
        self.open -= 1
        self._wake()

    def _wake(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close_all(self) -> None:
        """Close the idle connections; wait until every closed socket is released."""
        for idle in list(self.idle.values()):
            while idle:
                self._drop(idle.pop())
        closing = [connection.lost for connection in self.closing]
        if closing:
            await asyncio.wait(closing, timeout=1.0)


class WireTransport(httpx.AsyncBaseTransport):
    """An httpx transport speaking HTTP/1.1 itself, over pooled asyncio sockets.

    `limits.max_connections` bounds the connections open at once (None: no
    bound), `limits.keepalive_expiry` how long an idle one is kept. The pool
    is made on first use, in the event loop that uses it; `aclose` (which
    `httpx.AsyncClient.aclose` calls) closes every connection.
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        limits = limits or httpx.Limits()
        self._max_answer = max_answer_bytes
        self._limit = limits.max_connections or 0
        self._keepalive = (
            limits.keepalive_expiry
            if limits.keepalive_expiry is not None
            else KEEPALIVE_EXPIRY
        )
        self._ssl = ssl_context or ssl.create_default_context()
        self._pool: _Pool | None = None

    @property
    def keepalive_expiry(self) -> float:
        """Seconds an idle connection is kept for reuse."""
        return self._keepalive

    @property
    def pool(self) -> _Pool:
        if self._pool is None:
            self._pool = _Pool(
                self._limit, self._keepalive, self._ssl, self._max_answer
            )
        return self._pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.raw_scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(
                f"Request URL has an unsupported protocol '{scheme.decode()}://'.",
                request=request,
            )
        origin = (scheme, url.raw_host, url.port or _DEFAULT_PORTS[scheme])
        timeout: dict[str, float | None] = request.extensions.get("timeout", {})
        await request.aread()
        head = _head(request)
        pool = self.pool
        connection = await pool.acquire(origin, request, timeout)
        try:
            answer = await connection.exchange(request, head, timeout.get("read"))
        except BaseException:
            connection.close()  # mid-exchange: the connection's state is unknown
            pool.forget(connection)
            raise
        pool.release(connection)
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            stream=httpx.ByteStream(b"".join(answer.body)),
            request=request,
            extensions={"http_version": answer.version, "reason_phrase": answer.reason},
        )

    async def aclose(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close_all()
