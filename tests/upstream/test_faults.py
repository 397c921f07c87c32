"""Upstream.request under faults the sandbox cannot make, over real loopback sockets.

A tiny raw TCP server plays a broken Rocket.Chat: it drops the connection
before answering, drips a body byte by byte, or cuts it after the headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.config import Settings
from gateway.errors import (
    BadUserInputError,
    CostActualTooExpensiveError,
    RateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from gateway.upstream.budget import Budget, CallGate
from gateway.upstream.client import MAX_URL_LENGTH, Credentials, Upstream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

CREDS = Credentials(auth_token="tok", user_id="uid")
OK = b'{"success":true,"rooms":[]}'


def head(status: int = 200, length: int = len(OK), **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {length}"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    lines.append("Content-Type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@contextlib.asynccontextmanager
async def raw_server(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[tuple[str, list[int]]]:
    """Serve `handler` on loopback; yields the URL and a list of connection numbers."""
    connections: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections) + 1)
        try:
            await reader.readuntil(b"\r\n\r\n")
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", connections
        server.close()


@contextlib.asynccontextmanager
async def upstream_for(url: str, **settings: Any) -> AsyncIterator[Upstream]:
    async with Upstream.open(url, Settings(**settings)) as upstream:
        yield upstream


@pytest.mark.faults
@pytest.mark.anyio
async def test_a_get_is_retried_when_the_connection_failed_before_any_answer() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        if len(connections) == 1:
            writer.transport.abort()
            return
        writer.write(head() + OK)
        await writer.drain()

    async with raw_server(handler) as (url, connections), upstream_for(url) as client:
        body = await client.request("GET", "livechat/rooms", CREDS)
    assert body == {"success": True, "rooms": []}
    assert len(connections) == 2


@pytest.mark.faults
@pytest.mark.anyio
async def test_an_answer_cut_after_the_headers_is_not_retried() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(head(length=100) + OK[:5])
        await writer.drain()

    async with raw_server(handler) as (url, connections), upstream_for(url) as client:
        with pytest.raises(UpstreamUnavailableError):
            await client.request("GET", "livechat/rooms", CREDS)
    assert connections == [1]


@pytest.mark.faults
@pytest.mark.anyio
async def test_a_post_is_never_retried() -> None:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.transport.abort()

    async with raw_server(handler) as (url, connections), upstream_for(url) as client:
        with pytest.raises(UpstreamUnavailableError):
            await client.request("POST", "livechat/visitor", CREDS, json={}, auth=False)
    assert connections == [1]


@pytest.mark.faults
@pytest.mark.anyio
async def test_the_timeout_covers_the_whole_call_not_each_read() -> None:
    # Each byte comes within the timeout, the whole body does not.
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(head())
        for byte in OK:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.05)

    async with (
        raw_server(handler) as (url, _),
        upstream_for(url, upstream_timeout=0.3) as client,
    ):
        started = time.monotonic()
        with pytest.raises(UpstreamTimeoutError):
            await client.request("GET", "livechat/rooms", CREDS)
        elapsed = time.monotonic() - started
    assert elapsed < len(OK) * 0.05  # it gave up well before the body ended


async def rate_limited(headers: dict[str, str]) -> RateLimitedError:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        payload = b'{"success":false,"error":"Too many requests."}'
        writer.write(head(429, len(payload), **headers) + payload)
        await writer.drain()

    async with raw_server(handler) as (url, _), upstream_for(url) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.request("GET", "livechat/rooms", CREDS)
    return caught.value


@pytest.mark.faults
@pytest.mark.anyio
async def test_retry_after_from_headers() -> None:
    in_90 = email.utils.formatdate(time.time() + 90, usegmt=True)
    reset_in_30 = str(int((time.time() + 30) * 1000))
    seconds = await rate_limited({"Retry_After": "7", "X_RateLimit_Reset": reset_in_30})
    date = await rate_limited({"Retry_After": in_90})
    reset = await rate_limited({"X_RateLimit_Reset": reset_in_30})
    assert seconds.extensions == {"code": "RATE_LIMITED", "retryAfter": 7}
    assert 88 <= date.extensions["retryAfter"] <= 91
    assert 28 <= reset.extensions["retryAfter"] <= 31


@pytest.mark.anyio
@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"term": "\ud800"}, id="lone-surrogate"),
        pytest.param({"term": "x" * MAX_URL_LENGTH}, id="url-too-long"),
    ],
)
async def test_values_that_cannot_make_a_sane_request_are_refused_before_the_call(
    params: dict[str, str],
) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    client = httpx.AsyncClient(
        base_url="http://rc.invalid/api/v1/", transport=httpx.MockTransport(record)
    )
    with pytest.raises(BadUserInputError):
        await Upstream([client]).request(
            "GET", "livechat/visitors.search", CREDS, params=params
        )
    assert seen == []


def counting_upstream(delay: float = 0) -> tuple[Upstream, list[float]]:
    starts: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        starts.append(time.monotonic())
        await asyncio.sleep(delay)
        return httpx.Response(200, json={"success": True})

    client = httpx.AsyncClient(
        base_url="http://rc.invalid/api/v1/", transport=httpx.MockTransport(handler)
    )
    return Upstream([client]), starts


@pytest.mark.anyio
async def test_budget_stops_calls_beyond_its_maximum() -> None:
    upstream, starts = counting_upstream()
    budget = Budget(max_calls=3, fan_out=2, timeout=5)
    bound = upstream.for_request(budget)
    results = await asyncio.gather(
        *(bound.request("GET", "me", CREDS) for _ in range(5)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, CostActualTooExpensiveError)]
    assert (len(starts), len(refused), budget.used) == (3, 2, 3)
    assert refused[0].extensions == {
        "code": "COST_ACTUAL_TOO_EXPENSIVE",
        "cost": {"used": 3, "max": 3},
    }


@pytest.mark.anyio
async def test_budget_deadline_fails_waiting_calls_with_upstream_timeout() -> None:
    upstream, starts = counting_upstream(delay=0.2)
    budget = Budget(max_calls=100, fan_out=1, timeout=0.3)
    bound = upstream.for_request(budget)
    results = await asyncio.gather(
        *(bound.request("GET", "me", CREDS) for _ in range(4)), return_exceptions=True
    )
    kinds = [type(r).__name__ for r in results]
    # One finished, one was cut by the deadline, the rest never started.
    assert kinds[0] == "dict"
    assert set(kinds[1:]) == {"UpstreamTimeoutError"}
    assert len(starts) == 2


@pytest.mark.anyio
async def test_fair_share_of_the_pool_between_busy_requests() -> None:
    gate = CallGate(capacity=4)
    first = Budget(max_calls=100, fan_out=4, timeout=5, gate=gate)
    second = Budget(max_calls=100, fan_out=4, timeout=5, gate=gate)
    peaks = {id(first): 0, id(second): 0}

    async def one(budget: Budget) -> None:
        async with budget.slot():
            peaks[id(budget)] = max(peaks[id(budget)], budget.in_flight)
            await asyncio.sleep(0.02)

    await asyncio.gather(*(one(b) for b in [first, second] * 8))
    # Alone a request could hold all 4 slots; with two busy, 2 each.
    assert peaks == {id(first): 2, id(second): 2}
    assert gate.in_flight == 0
    assert gate.busy_requests == 0
