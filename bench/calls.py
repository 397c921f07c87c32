"""Upstream calls, round trips and latency of the N+1-prone room queries.

The console page (25 rooms with visitor, agent and department name, plus the
last 20 messages of the open room) is measured against its optimal call
plan: `livechat/rooms` and `livechat/:rid/messages` made at once by a client
that already knows the open room (2 calls, 1 round trip), reading the
visitor's name from the room's copy (`v.name`).

Run by hand: `.venv/bin/python bench/calls.py [--iterations 20] [--latency-ms 50]`.
Starts the sandbox (demo data, 50 ms latency by default) and gateways with
several fan-out bounds, each in its own process, so one interpreter's GIL does
not skew the timings; counts calls and round trips from the sandbox's request
log; and compares with a naive client that fetches the same data with
sequential REST calls.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from gateway.sandbox import login

if TYPE_CHECKING:
    from collections.abc import Iterator

LATENCY_MS = 50
CHEAP = "{ rooms(first: 50) { nodes { visitor { rocketChatId username } } } }"
DEEP = "{ rooms(first: 50) { nodes { visitor { name emails { address } } } } }"
CONSOLE = """
query Console($room: ID!) {
  rooms(first: 25) {
    nodes {
      id name state lastMessageAt
      visitor { id username VISITOR_NAME }
      servedBy { username }
      department { name }
    }
  }
  open: node(id: $room) {
    ... on Room {
      messages(first: 20) {
        nodes { rocketChatId text createdAt kind byVisitor author { username } }
      }
    }
  }
}
"""
RC_GATEWAY = [sys.executable, "-m", "gateway"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=1)
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


@contextlib.contextmanager
def process(args: list[str], url: str, env: dict[str, str]) -> Iterator[str]:
    child = subprocess.Popen(
        args,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(url, child)
        yield url.rsplit("/", 1)[0] if url.endswith("/healthz") else url
    finally:
        child.terminate()
        child.wait(10)


def sandbox() -> contextlib.AbstractContextManager[str]:
    port = free_port()
    args = [*RC_GATEWAY, "sandbox", "--port", str(port), "--db", ":memory:"]
    return process(args, f"http://127.0.0.1:{port}", {})


def gateway(upstream: str, fan_out: int) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    env = {"ROCKETCHAT_URL": upstream, "GATEWAY_MAX_FAN_OUT": str(fan_out)}
    args = [*RC_GATEWAY, "serve", "--port", str(port)]
    return process(args, f"http://127.0.0.1:{port}/healthz", env)


@dataclass
class Call:
    started: float
    finished: float


def round_trips(calls: list[Call]) -> int:
    """Longest chain of calls each started after the previous one finished."""
    ordered = sorted(calls, key=lambda c: c.started)
    depth: list[int] = []
    for i, call in enumerate(ordered):
        before = [depth[j] for j in range(i) if ordered[j].finished <= call.started]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)


def logged(upstream: str, request_id: str | None = None) -> list[Call]:
    entries = httpx.get(f"{upstream}/_sandbox/requests").json()["requests"]
    return [
        Call(e["started"], e["finished"])
        for e in entries
        if request_id is None or e["request_id"] == request_id
    ]


@dataclass
class Row:
    name: str
    calls: int
    trips: int
    p50_ms: float
    p90_ms: float


def measure(name: str, upstream: str, run: Any, iterations: int) -> Row:
    """`run()` performs one fetch and returns its request id (or None)."""
    run()  # warm up connections and caches
    times, calls, trips = [], set(), set()
    for _ in range(iterations):
        httpx.delete(f"{upstream}/_sandbox/requests")
        started = time.perf_counter()
        request_id = run()
        times.append((time.perf_counter() - started) * 1000)
        log = logged(upstream, request_id)
        calls.add(len(log))
        trips.add(round_trips(log))
    times.sort()
    return Row(
        name,
        calls=max(calls),
        trips=max(trips),
        p50_ms=statistics.median(times),
        p90_ms=times[math.ceil(0.9 * len(times)) - 1],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument(
        "--latency-ms", type=float, default=LATENCY_MS, help="per REST call"
    )
    args = parser.parse_args()

    rows: list[Row] = []
    with sandbox() as upstream:
        headers = login(upstream)
        httpx.patch(
            f"{upstream}/_sandbox/options", json={"latency_ms": args.latency_ms}
        )
        rest = httpx.Client(base_url=f"{upstream}/api/v1/", headers=headers, timeout=60)
        rooms = rest.get("livechat/rooms", params={"count": 50}).json()["rooms"]
        distinct = len({r["v"]["_id"] for r in rooms})

        def naive(deep: bool) -> Any:
            def run() -> None:
                page = rest.get("livechat/rooms", params={"count": 50}).json()
                if deep:
                    for room in page["rooms"]:
                        rest.get(
                            "livechat/visitors.info",
                            params={"visitorId": room["v"]["_id"]},
                        )

            return run

        open_room = rooms[0]["_id"]
        open_id = base64.b64encode(f"Room:{open_room}".encode()).decode()
        pool = concurrent.futures.ThreadPoolExecutor(2)

        def console_plan() -> None:
            listing = pool.submit(rest.get, "livechat/rooms", params={"count": 25})
            transcript = pool.submit(
                rest.get, f"livechat/{open_room}/messages", params={"count": 20}
            )
            listing.result().raise_for_status()
            transcript.result().raise_for_status()

        rows.append(
            measure(
                "console page, optimal REST plan",
                upstream,
                console_plan,
                args.iterations,
            )
        )
        rows.append(
            measure("REST naive, cheap fields", upstream, naive(False), args.iterations)
        )
        rows.append(
            measure(
                "REST naive sequential, deep", upstream, naive(True), args.iterations
            )
        )

        for fan_out in (1, 4, 10, distinct):
            with (
                gateway(upstream, fan_out) as url,
                httpx.Client(timeout=60) as client,
            ):

                def query(
                    text: str,
                    url: str = url,
                    client: httpx.Client = client,
                    variables: dict[str, Any] | None = None,
                ) -> Any:
                    def run() -> str:
                        request_id = uuid.uuid4().hex
                        response = client.post(
                            f"{url}/graphql",
                            json={"query": text, "variables": variables or {}},
                            headers={
                                **headers,
                                "X-Request-Id": request_id,
                                "Accept": "application/json",
                            },
                        )
                        assert "errors" not in response.json(), response.text
                        return request_id

                    return run

                if fan_out == distinct:
                    for with_names in (False, True):
                        label = "names" if with_names else "usernames"
                        rows.append(
                            measure(
                                f"gateway console page, visitor {label}",
                                upstream,
                                query(
                                    CONSOLE.replace(
                                        "VISITOR_NAME", "name" if with_names else ""
                                    ),
                                    variables={"room": open_id},
                                ),
                                args.iterations,
                            )
                        )
                if fan_out == 1:
                    rows.append(
                        measure(
                            "gateway, cheap fields",
                            upstream,
                            query(CHEAP),
                            args.iterations,
                        )
                    )
                rows.append(
                    measure(
                        f"gateway, deep, fan-out {fan_out}",
                        upstream,
                        query(DEEP),
                        args.iterations,
                    )
                )

    print(
        f"sandbox latency {args.latency_ms:g} ms per call; 50 rooms, "
        f"{distinct} distinct visitors; {args.iterations} runs each"
    )
    print(f"{'fetch':40} {'calls':>5} {'round trips':>11} {'p50 ms':>8} {'p90 ms':>8}")
    for row in rows:
        print(
            f"{row.name:40} {row.calls:>5} {row.trips:>11} {row.p50_ms:>8.1f} "
            f"{row.p90_ms:>8.1f}"
        )


if __name__ == "__main__":
    main()
