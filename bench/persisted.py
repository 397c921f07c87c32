"""Bytes and latency of persisted queries against sending the full query.

Run by hand: `.venv/bin/python bench/persisted.py [--iterations 200]`.
Starts the sandbox (no added latency), a redis-server on a free port and
gateways in their own processes — APQ in process memory, APQ in Redis, and
Redis stopped — then sends one frontend-sized query sequentially as a full
`POST`, as a hash-only `POST` and as a hash-only `GET`, and prints the request
size and the latency of each, with the full query as the baseline (1.00).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import shutil
import statistics
import subprocess
import tempfile
import time
from typing import TYPE_CHECKING, Any

import httpx
from calls import RC_GATEWAY, free_port, process, sandbox

from gateway.sandbox import login

if TYPE_CHECKING:
    from collections.abc import Iterator

QUERY = """
query RoomList($first: Int!, $after: String) {
  rooms(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id rocketChatId name state createdAt lastMessageAt messageCount tags
        servedBy { rocketChatId username }
        department { rocketChatId name }
        visitor { id rocketChatId username status }
      }
    }
  }
}
"""
VARIABLES = {"first": 1, "after": None}
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()
EXTENSIONS = {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}


@contextlib.contextmanager
def redis_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        child = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", directory,
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(0.3)
        try:
            yield f"redis://127.0.0.1:{port}/0", child
        finally:
            child.terminate()
            child.wait(10)


def gateway(upstream: str, **env: str) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    args = [*RC_GATEWAY, "serve", "--port", str(port)]
    return process(
        args, f"http://127.0.0.1:{port}/healthz", {"ROCKETCHAT_URL": upstream, **env}
    )


def timed(send: Any, iterations: int) -> tuple[float, float]:
    send()  # warm up
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        send()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[math.ceil(0.9 * len(times)) - 1]


def senders(
    client: httpx.Client, url: str, expect: str = "data"
) -> dict[str, tuple[Any, int]]:
    """name → (send one request and check its answer, bytes of the request).

    `expect` is "data" (a hit) or the error code the hash-only requests get.
    """
    full = {"query": QUERY, "variables": VARIABLES}
    hashed = {"variables": VARIABLES, "extensions": EXTENSIONS}
    params = {key: json.dumps(value) for key, value in hashed.items()}
    # Register the document, as a client's first miss would.
    client.post(f"{url}/graphql", json={**full, "extensions": EXTENSIONS})

    def check(answer: Any, wanted: str) -> None:
        got = "data" if "data" in answer else answer["errors"][0]["extensions"]["code"]
        assert got == wanted, answer

    def post(body: dict[str, Any], wanted: str) -> Any:
        return lambda: check(client.post(f"{url}/graphql", json=body).json(), wanted)

    def get() -> None:
        check(client.get(f"{url}/graphql", params=params).json(), expect)

    get_size = len(str(httpx.URL(f"{url}/graphql", params=params).query))
    return {
        "full query, POST": (post(full, "data"), len(json.dumps(full))),
        "hash only, POST": (post(hashed, expect), len(json.dumps(hashed))),
        "hash only, GET": (get, get_size),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    rows = []
    with sandbox() as upstream, redis_server() as (redis_url, redis):
        headers = login(upstream)
        for store, env in (
            ("memory", {}),
            ("redis", {"GATEWAY_REDIS_URL": redis_url}),
        ):
            with gateway(upstream, **env) as url, httpx.Client(headers=headers) as c:
                for name, (send, size) in senders(c, url).items():
                    rows.append((store, name, size, *timed(send, args.iterations)))
        redis.terminate()
        redis.wait(10)
        with (
            gateway(upstream, GATEWAY_REDIS_URL=redis_url) as url,
            httpx.Client(headers=headers) as c,
        ):
            missing = senders(c, url, "PERSISTED_QUERY_NOT_FOUND")
            for name, (send, size) in missing.items():
                label = name if name.startswith("full") else f"{name} (miss)"
                rows.append(("redis down", label, size, *timed(send, args.iterations)))

    base_size, base_p50 = rows[0][2], rows[0][3]
    print(f"{'store':<11} {'request':<25} {'bytes':>6} {'ratio':>6} "
          f"{'p50 ms':>7} {'ratio':>6} {'p90 ms':>7}")  # fmt: skip
    for store, name, size, p50, p90 in rows:
        print(
            f"{store:<11} {name:<25} {size:>6} {size / base_size:>6.2f} "
            f"{p50:>7.2f} {p50 / base_p50:>6.2f} {p90:>7.2f}"
        )


if __name__ == "__main__":
    main()
