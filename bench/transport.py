"""The HTTP client alone: CPU per upstream call, one transport after another.

Run by hand (needs Debian's `nginx`; aiohttp comes with the `bench` extra):

    .venv/bin/python bench/transport.py [--calls 4000] [--wave 25]

nginx serves one visitor body (`livechat/visitors.info`, about 1 KB of JSON)
on loopback; each row makes `--calls` GETs of it with one client, first one
after another, then in waves of `--wave` at once (what a page of distinct
visitors costs the gateway), decodes each JSON body, and reports this
process's CPU time per call (nginx runs in its own process). Rows:

- `Upstream.request + wire`: the gateway's own path (`gateway/upstream/
  client.py` over `WireTransport`), credentials, URL building and the
  success envelope included;
- `AsyncClient + wire|aiohttp|httpcore|httpx-aiohttp`: httpx's plain
  `AsyncClient.get` over each transport (`httpx-aiohttp` only when that
  package is installed);
- `aiohttp, no httpx`: aiohttp's own client, for what its C parser costs
  without httpx's objects.

Every row runs on uvloop, as `rc-gateway serve` does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import canned
from bench.floor import httpx_transport
from bench.perf import free_port
from gateway.config import Settings
from gateway.upstream.client import Credentials, Upstream

VISITOR_ID = "bench-visitor"
PATH = "livechat/visitors.info"
CREDENTIALS = Credentials(auth_token="bench-token", user_id="bench-user")
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


def write_bodies(directory: Path) -> None:
    visitor = {
        "_id": VISITOR_ID,
        "token": "t" * 20,
        "username": "guest-1",
        "name": "Bench Visitor",
        "status": "online",
        "visitorEmails": [{"address": "bench@example.com"}],
        "phone": [{"phoneNumber": "+15555550100"}],
        "lastChat": {"_id": "r" * 17, "ts": "2026-01-15T06:06:20.775Z"},
        "livechatData": {"plan": "gold", "note": "x" * 400},
        "ts": "2026-01-15T06:06:20.775Z",
        "_updatedAt": "2026-01-15T07:04:34.806Z",
    }
    (directory / "visitors").mkdir(parents=True)
    body = {"visitor": visitor, "success": True}
    (directory / "visitors" / f"{VISITOR_ID}.json").write_text(json.dumps(body))
    (directory / "rooms.json").write_text(json.dumps({"rooms": [], "success": True}))
    (directory / "visitor.json").write_text(json.dumps(body))


def httpx_client(base: str, transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=f"{base}/api/v1/", transport=transport, timeout=5, trust_env=False
    )


@contextlib.asynccontextmanager
async def client_for(name: str, base: str) -> Any:
    """A `fetch()` making one call and decoding its body, for the row `name`."""
    params = {"visitorId": VISITOR_ID}
    if name == "Upstream.request + wire":
        async with Upstream.open(base, Settings(max_connections=100)) as upstream:

            async def through_upstream() -> Any:
                return await upstream.request("GET", PATH, CREDENTIALS, params=params)

            yield through_upstream
        return
    if name == "aiohttp, no httpx":
        import aiohttp

        async with aiohttp.ClientSession(
            f"{base}/api/v1/", connector=aiohttp.TCPConnector(limit=100)
        ) as session:

            async def through_aiohttp() -> Any:
                async with session.get(PATH, params=params) as response:
                    return json.loads(await response.read())

            yield through_aiohttp
        return
    transport = httpx_transport(name.removeprefix("AsyncClient + "), LIMITS)
    async with httpx_client(base, transport) as client:

        async def through_httpx() -> Any:
            return (await client.get(PATH, params=params)).json()

        yield through_httpx


async def measure(name: str, base: str, calls: int, wave: int) -> tuple[float, ...]:
    async with client_for(name, base) as fetch:
        for _ in range(50):  # warm: connections open, caches filled
            await fetch()
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            await fetch()
        one_by_one = (time.process_time() - cpu) / calls
        one_wall = calls / (time.perf_counter() - started)
        await asyncio.gather(*(fetch() for _ in range(wave)))
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls // wave):
            await asyncio.gather(*(fetch() for _ in range(wave)))
        done = calls // wave * wave
        in_waves = (time.process_time() - cpu) / done
        wave_wall = done / (time.perf_counter() - started)
    return one_by_one * 1e6, one_wall, in_waves * 1e6, wave_wall


def rows() -> list[str]:
    names = [
        "Upstream.request + wire",
        "AsyncClient + wire",
        "AsyncClient + aiohttp",
        "AsyncClient + httpx-aiohttp",
        "AsyncClient + httpcore",
        "aiohttp, no httpx",
    ]
    with contextlib.suppress(ImportError):
        import httpx_aiohttp  # noqa: F401

        return names
    return [n for n in names if n != "AsyncClient + httpx-aiohttp"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--wave", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rcg-transport-") as work:
        directory = Path(work)
        write_bodies(directory)
        with canned.nginx_upstream(directory, free_port()) as base:
            results = []
            for name in rows():
                result = uvloop.run(measure(name, base, args.calls, args.wave))
                results.append((name, *result))
    floor = results[0][1]
    print(f"{args.calls} GETs of one ~1 KB JSON body from nginx on loopback, uvloop")
    heading = f"CPU us/call, waves of {args.wave}"
    print(
        f"{'client':30} {'CPU us/call':>12} {'calls/s':>9} "
        f"{heading:>28} {'calls/s':>9} {'CPU vs first':>13}"
    )
    print("-" * 106)
    for name, one, one_wall, waves, wave_wall in results:
        print(
            f"{name:30} {one:12.1f} {one_wall:9.0f} {waves:28.1f} "
            f"{wave_wall:9.0f} {one / floor:12.2f}x"
        )


if __name__ == "__main__":
    main()
