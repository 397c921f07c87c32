"""WireTransport's own HTTP/1.1: framing, keep-alive, the pool, cancellation.

A loopback server written here answers each request with chosen bytes and
records which connection every request came on, so connection reuse is
seen, not assumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import trustme

from gateway.errors import UpstreamError
from gateway.upstream.client import Credentials, Upstream
from gateway.upstream.wire import (
    AnswerTooLargeError,
    BodyInterruptedError,
    WireTransport,
)
from tests.support import EVENT_LOOPS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

OK = b'{"success":true}'


pytestmark = pytest.mark.parametrize("anyio_backend", EVENT_LOOPS)


class Server:
    """What the loopback server saw: (connection number, request head) per request."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: list[tuple[int, bytes]] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []

    @property
    def connection_of_each(self) -> list[int]:
        return [number for number, _ in self.requests]


@contextlib.asynccontextmanager
async def server(
    answer: Callable[[int], bytes | None],
    *,
    close_after: frozenset[int] | set[int] = frozenset(),
) -> AsyncIterator[Server]:
    """`answer(n)` gives the bytes for the n-th request (None: close at once);
    after the requests numbered in `close_after`, the server closes."""
    seen = Server()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.connections += 1
        number = seen.connections
        seen.writers.append(writer)
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                seen.requests.append((number, head))
                reply = answer(len(seen.requests))
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
                if len(seen.requests) in close_after:
                    break
        writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0)
    seen.url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}/"
    async with listening:
        yield seen


def reply(body: bytes = OK, *head: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *head]
    if not any(
        h.lower().startswith(("content-length", "transfer-encoding")) for h in head
    ):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def client(url: str, **limits: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url,
        transport=WireTransport(limits=httpx.Limits(**limits)),
        timeout=2,
        trust_env=False,
    )


@pytest.mark.anyio
async def test_one_connection_serves_calls_one_after_another() -> None:
    async with (
        server(lambda n: reply(b'{"n":%d}' % n)) as seen,
        client(seen.url) as http,
    ):
        answers = [(await http.get(f"call/{i}")).json() for i in range(1, 4)]
    assert answers == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert seen.connection_of_each == [1, 1, 1]


@pytest.mark.anyio
async def test_connection_close_and_http_1_0_end_the_connection() -> None:
    answers = {
        1: reply(OK, "Connection: close"),
        2: b"HTTP/1.0 200 OK\r\nContent-Length: 16\r\n\r\n" + OK,
        3: reply(),
    }
    async with (
        server(answers.__getitem__, close_after={1, 2}) as seen,
        client(seen.url) as http,
    ):
        versions = [(await http.get("x")).http_version for _ in range(3)]
    assert versions == ["HTTP/1.1", "HTTP/1.0", "HTTP/1.1"]
    assert seen.connection_of_each == [1, 2, 3]


@pytest.mark.anyio
async def test_chunked_and_read_to_close_bodies_arrive_whole() -> None:
    chunked = reply(
        b'7\r\n{"succe\r\n9\r\nss":true}\r\n0\r\n\r\n', "Transfer-Encoding: chunked"
    )
    to_close = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + OK
    answers = {1: chunked, 2: to_close}
    async with (
        server(answers.__getitem__, close_after={2}) as seen,
        client(seen.url) as http,
    ):
        first = await http.get("chunked")
        second = await http.get("to-close")
    assert first.json() == second.json() == {"success": True}
    assert first.headers["transfer-encoding"] == "chunked"


@pytest.mark.anyio
async def test_an_interim_answer_is_skipped() -> None:
    answer = b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + reply(OK)
    async with server(lambda n: answer) as seen, client(seen.url) as http:
        response = await http.get("x")
    assert (response.status_code, response.json()) == (200, {"success": True})


@pytest.mark.anyio
async def test_reason_phrase_headers_and_status_are_kept() -> None:
    answer = reply(b'{"error":"no"}', "X-Thing: a", "X-Thing: b", status="418 Teapot")
    async with server(lambda n: answer) as seen, client(seen.url) as http:
        response = await http.get("x")
    assert response.status_code == 418
    assert response.reason_phrase == "Teapot"
    assert response.headers.get_list("x-thing") == ["a", "b"]


@pytest.mark.anyio
async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async with (
        server(lambda n: reply(), close_after={1}) as seen,
        client(seen.url) as http,
    ):
        await http.get("first")
        await asyncio.sleep(0.05)  # the close reaches the idle connection
        second = await http.get("second")
    assert second.status_code == 200
    assert seen.connection_of_each == [1, 2]


@pytest.mark.anyio
async def test_idle_connections_expire() -> None:
    async with (
        server(lambda n: reply()) as seen,
        client(seen.url, keepalive_expiry=0.05) as http,
    ):
        await http.get("first")
        await asyncio.sleep(0.1)
        await http.get("second")
    assert seen.connection_of_each == [1, 2]


@pytest.mark.anyio
async def test_unasked_bytes_on_an_idle_connection_end_it() -> None:
    async with server(lambda n: reply()) as seen, client(seen.url) as http:
        await http.get("first")
        seen.writers[0].write(reply())  # nobody asked for this answer
        await asyncio.sleep(0.05)
        second = await http.get("second")
    assert second.json() == {"success": True}
    assert seen.connection_of_each == [1, 2]


@pytest.mark.anyio
async def test_waiting_for_the_pool_is_bounded_by_the_pool_timeout() -> None:
    # The first request is never answered: it holds the only connection.
    async with server(lambda n: b"" if n == 1 else reply()) as seen:
        http = httpx.AsyncClient(
            base_url=seen.url,
            transport=WireTransport(limits=httpx.Limits(max_connections=1)),
            timeout=httpx.Timeout(2, pool=0.05),
        )
        async with http:
            held = asyncio.ensure_future(http.get("held"))
            await asyncio.sleep(0.02)
            with pytest.raises(httpx.PoolTimeout):
                await http.get("waits")
            held.cancel()
            with pytest.raises(asyncio.CancelledError):
                await held
            # The cancelled call's connection was closed, not handed on.
            after = await asyncio.wait_for(http.get("after"), 1)
    assert after.status_code == 200
    assert seen.connection_of_each == [1, 2]


@pytest.mark.anyio
async def test_many_calls_share_a_bounded_pool_and_none_is_lost() -> None:
    async with (
        server(lambda n: reply(json.dumps({"n": n}).encode())) as seen,
        client(seen.url, max_connections=2) as http,
    ):
        answers = await asyncio.gather(*(http.get(f"c/{i}") for i in range(20)))
    assert sorted(a.json()["n"] for a in answers) == list(range(1, 21))
    assert seen.connections == 2


@pytest.mark.anyio
async def test_a_body_cut_short_is_not_a_missing_answer() -> None:
    async with (
        server(
            lambda n: reply(b'{"succ', "Content-Length: 50"), close_after={1}
        ) as seen,
        client(seen.url) as http,
    ):
        with pytest.raises(BodyInterruptedError):
            await http.get("x")


@pytest.mark.anyio
async def test_unsupported_schemes_are_refused() -> None:
    async with client("http://127.0.0.1:1/") as http:
        with pytest.raises(httpx.UnsupportedProtocol):
            await http.get("ftp://127.0.0.1:1/x")


@contextlib.asynccontextmanager
async def tls_server(ca: trustme.CA, hostname: str) -> AsyncIterator[str]:
    """An HTTPS server on loopback with a certificate `ca` issued for `hostname`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(hostname).configure_cert(context)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(reply())
                await writer.drain()
        writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=context)
    async with listening:
        yield f"https://127.0.0.1:{listening.sockets[0].getsockname()[1]}/"


def tls_client(url: str, ca: trustme.CA) -> httpx.AsyncClient:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return httpx.AsyncClient(
        base_url=url,
        transport=WireTransport(ssl_context=context),
        timeout=2,
        trust_env=False,
    )


@pytest.mark.anyio
async def test_https_with_a_trusted_certificate() -> None:
    ca = trustme.CA()
    async with tls_server(ca, "127.0.0.1") as url, tls_client(url, ca) as http:
        answers = [(await http.get("x")).json() for _ in range(2)]
    assert answers == [{"success": True}] * 2


@pytest.mark.anyio
async def test_https_refuses_a_certificate_for_another_host_or_ca() -> None:
    ca = trustme.CA()
    async with tls_server(ca, "rocket.example") as url, tls_client(url, ca) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("x")
    async with (
        tls_server(trustme.CA(), "127.0.0.1") as url,
        tls_client(url, ca) as http,
    ):
        with pytest.raises(httpx.ConnectError):
            await http.get("x")


@pytest.mark.anyio
@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\x00b"])
async def test_a_header_that_would_break_the_head_is_never_sent(value: str) -> None:
    async with server(lambda n: reply()) as seen, client(seen.url) as http:
        with pytest.raises(httpx.LocalProtocolError):
            await http.get("x", headers={"X-Thing": value})
    assert seen.requests == []


@pytest.mark.anyio
async def test_an_answer_over_the_bound_is_refused_and_ends_its_connection() -> None:
    big = reply(b'{"success":true,"pad":"' + b"x" * 4000 + b'"}')
    async with server(lambda n: big if n == 1 else reply()) as seen:
        transport = WireTransport(max_answer_bytes=1000)
        async with httpx.AsyncClient(base_url=seen.url, transport=transport) as http:
            with pytest.raises(AnswerTooLargeError):
                await http.get("big")
            small = await http.get("small")
    assert small.json() == {"success": True}
    assert seen.connection_of_each == [1, 2]


@pytest.mark.anyio
async def test_upstream_reports_an_answer_over_the_bound_as_upstream_error() -> None:
    big = reply(b'{"success":true,"pad":"' + b"x" * 4000 + b'"}')
    async with server(lambda n: big) as seen:
        transport = WireTransport(max_answer_bytes=1000)
        async with httpx.AsyncClient(base_url=seen.url, transport=transport) as http:
            upstream = Upstream([http])
            with pytest.raises(UpstreamError) as raised:
                await upstream.request("GET", "big", Credentials("t", "u"))
    assert raised.value.code == "UPSTREAM_ERROR"
    assert "larger than 1000 bytes" in str(raised.value)
    assert len(seen.requests) == 1  # not sent again


@pytest.mark.anyio
async def test_an_answer_with_endless_headers_is_refused() -> None:
    answer = reply(OK, *(f"X-Pad-{i}: {'y' * 1000}" for i in range(80)))
    async with server(lambda n: answer) as seen, client(seen.url) as http:
        with pytest.raises(AnswerTooLargeError, match="bytes of headers"):
            await http.get("x")
