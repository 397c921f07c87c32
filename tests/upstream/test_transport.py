"""WireTransport: httpx's client API over our HTTP/1.1 pool, against real servers.

Every test runs on asyncio's own event loop and on uvloop (what `rc-gateway
serve` runs on when it is installed): their transports differ.

The sandbox (over loopback) shows what is sent and how a slow, dropping or
absent upstream fails; a small raw-socket server makes the answers the
sandbox cannot (cookies, gzip, a body cut short, garbage instead of HTTP).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.upstream.client import segment
from gateway.upstream.wire import WireTransport, no_cookies
from tests.support import EVENT_LOOPS, max_in_flight

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from tests.conftest import Stack, Upstream


pytestmark = pytest.mark.parametrize("anyio_backend", EVENT_LOOPS)


def client(
    base_url: str, *, timeout: float = 5, max_connections: int = 10
) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max_connections)
    return httpx.AsyncClient(
        base_url=base_url,
        transport=WireTransport(limits=limits),
        cookies=no_cookies(),
        timeout=timeout,
        trust_env=False,
    )


@pytest.mark.anyio
async def test_path_and_query_arrive_exactly_as_encoded(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    async with client(f"{upstream.url}/api/v1/") as http:
        for token in ("..", "a/b?c=d#e", "%2F"):
            response = await http.get(
                f"livechat/visitor/{segment(token)}", params={"x": "a&b=c d"}
            )
            assert response.status_code == 400
            assert response.json()["success"] is False
    assert [(c.path, c.query) for c in upstream.calls()] == [
        ("/api/v1/livechat/visitor/%2E%2E", [("x", "a&b=c d")]),
        ("/api/v1/livechat/visitor/a%2Fb%3Fc%3Dd%23e", [("x", "a&b=c d")]),
        ("/api/v1/livechat/visitor/%252F", [("x", "a&b=c d")]),
    ]


@pytest.mark.anyio
async def test_headers_and_json_body_are_sent(
    writable: Stack, writable_knobs: Any
) -> None:
    upstream, users = writable.upstream, writable.users
    async with client(f"{upstream.url}/api/v1/") as http:
        rooms = await http.get(
            "livechat/rooms",
            params={"count": 2},
            headers={**users["admin"], "X-Request-Id": "transport-1"},
        )
        registered = await http.post(
            "livechat/visitor", json={"visitor": {"token": "transport-test-token"}}
        )
    assert rooms.status_code == 200
    assert len(rooms.json()["rooms"]) == 2
    assert registered.json()["visitor"]["token"] == "transport-test-token"
    first, second = upstream.calls()
    assert (first.request_id, first.auth_token) == (
        "transport-1",
        users["admin"]["X-Auth-Token"],
    )
    assert (second.method, second.path) == ("POST", "/api/v1/livechat/visitor")


@pytest.mark.anyio
async def test_the_pool_bounds_connections_in_flight(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"latency_ms": 100})
    async with client(f"{upstream.url}/api/v1/", max_connections=2) as http:
        answers = await asyncio.gather(
            *(
                http.get("livechat/rooms", params={"count": 1}, headers=users["admin"])
                for _ in range(6)
            )
        )
    assert [a.status_code for a in answers] == [200] * 6
    calls = upstream.wait_for(6)
    assert len(calls) == 6
    assert max_in_flight(calls) == 2


@pytest.mark.faults
@pytest.mark.anyio
async def test_no_answer_in_time_is_a_read_timeout(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"latency_ms": 500})
    async with client(f"{upstream.url}/api/v1/", timeout=0.1) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get("livechat/rooms", headers=users["admin"])
    upstream.wait_for(1)


@pytest.mark.faults
@pytest.mark.anyio
async def test_a_dropped_connection_is_a_protocol_error(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "drop"})
    async with client(f"{upstream.url}/api/v1/") as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("livechat/rooms", headers=users["admin"])


@pytest.mark.faults
@pytest.mark.anyio
async def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with client(f"http://127.0.0.1:{port}/") as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("anything")


@contextlib.asynccontextmanager
async def raw_server(
    answer: Callable[[bytes, int], bytes | None], *, close_after: bool = False
) -> AsyncIterator[tuple[str, list[bytes]]]:
    """A loopback server: `answer(request head, n)` gives the bytes to send
    for the n-th request (None: close at once; `close_after`: close after
    sending). Yields its URL and the request heads it read."""
    heads: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                heads.append(head)
                reply = answer(head, len(heads))
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
                if close_after:
                    break
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/", heads


def http_answer(body: bytes, *extra: str, length: int | None = None) -> bytes:
    head = [
        "HTTP/1.1 200 OK",
        "Content-Type: application/json",
        f"Content-Length: {len(body) if length is None else length}",
        *extra,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@pytest.mark.faults
@pytest.mark.anyio
async def test_cookies_are_never_kept_and_gzip_is_decoded() -> None:
    payload = json.dumps({"success": True}).encode()
    answers = [
        http_answer(
            gzip.compress(payload), "Content-Encoding: gzip", "Set-Cookie: s=1"
        ),
        http_answer(payload),
    ]
    async with (
        raw_server(lambda head, n: answers[n - 1]) as (url, heads),
        client(url) as http,
    ):
        first = await http.get("first")
        second = await http.get("second")
    assert first.json() == second.json() == {"success": True}
    assert all(b"cookie:" not in head.lower() for head in heads)
    assert heads[0].startswith(b"GET /first HTTP/1.1\r\n")


@pytest.mark.faults
@pytest.mark.anyio
@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(http_answer(b'{"succ', length=100), id="body-cut-short"),
        pytest.param(b"NOT HTTP AT ALL\r\n\r\n", id="garbage"),
        pytest.param(None, id="closed-before-answer"),
    ],
)
async def test_broken_answers_are_protocol_errors(reply: bytes | None) -> None:
    def answer(head: bytes, n: int) -> bytes | None:
        return reply

    async with (
        raw_server(answer, close_after=True) as (url, _),
        client(url) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("x")
