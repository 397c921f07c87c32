"""A bystander's latency while another client runs abusive-but-allowed queries.

Run by hand: `.venv/bin/python bench/fairness.py [--requests 60]
[--latency-ms 20] [--env GATEWAY_MAX_CONNECTIONS=16 ...]`. Starts the
sandbox and one gateway (default settings but for `--env`, each in its own
process). A bystander sends `{ rooms(first: 1) { totalCount } }` one after
another, first alone, then while abusers each keep sending an operation just
under the call budget (two aliased pages of 100 rooms with their visitors'
details: 202 estimated calls). Prints the bystander's p50 / p99 in both
cases and their ratio, and how many operations the abusers completed per
second meanwhile.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calls import free_port, process, sandbox

BYSTANDER = "{ rooms(first: 1) { totalCount } }"
ABUSIVE = (
    "{ a: rooms(first: 100) { nodes { visitor { name } } } "
    'b: rooms(first: 100, after: "b2Zmc2V0Ojk5") { nodes { visitor { name } } } }'
)


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[math.ceil(0.99 * len(ordered)) - 1]


def bystander(url: str, headers: dict[str, str], count: int) -> list[float]:
    times = []
    with httpx.Client(timeout=120) as client:
        for _ in range(count):
            started = time.perf_counter()
            body = client.post(
                f"{url}/graphql", json={"query": BYSTANDER}, headers=headers
            ).json()
            times.append((time.perf_counter() - started) * 1000)
            assert "errors" not in body, body
    return times


def abuse(
    url: str, headers: dict[str, str], stop: threading.Event, sent: list[int]
) -> None:
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            body = client.post(
                f"{url}/graphql", json={"query": ABUSIVE}, headers=headers
            ).json()
            # Demo data has a few disabled visitors: NOT_FOUND is expected.
            codes = {e["extensions"]["code"] for e in body.get("errors", [])}
            assert codes <= {"NOT_FOUND"}, body["errors"][:2]
            sent.append(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--abusers", type=int, default=4)
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for the gateway"
    )
    args = parser.parse_args()
    with sandbox() as upstream:
        login = httpx.post(
            f"{upstream}/api/v1/login", json={"user": "admin", "password": "demo"}
        ).json()["data"]
        headers = {"X-Auth-Token": login["authToken"], "X-User-Id": login["userId"]}
        httpx.patch(
            f"{upstream}/_sandbox/options", json={"latency_ms": args.latency_ms}
        )
        port = free_port()
        env = {"ROCKETCHAT_URL": upstream}
        env.update(item.split("=", 1) for item in args.env)
        serve = [sys.executable, "-m", "gateway", "serve", "--port", str(port)]
        with process(serve, f"http://127.0.0.1:{port}/healthz", env) as url:
            bystander(url, headers, 5)  # warm up
            alone = bystander(url, headers, args.requests)
            stop, sent = threading.Event(), []
            threads = [
                threading.Thread(target=abuse, args=(url, headers, stop, sent))
                for _ in range(args.abusers)
            ]
            for thread in threads:
                thread.start()
            time.sleep(1)
            started, before = time.perf_counter(), len(sent)
            loaded = bystander(url, headers, args.requests)
            rate = (len(sent) - before) / (time.perf_counter() - started)
            stop.set()
            for thread in threads:
                thread.join()
    (a50, a99), (l50, l99) = percentiles(alone), percentiles(loaded)
    print(
        f"sandbox latency {args.latency_ms:g} ms per call; {args.requests} bystander "
        f"requests; {args.abusers} abusers sent {len(sent)} operations of 202 "
        f"estimated calls ({rate:.1f} a second while measured); "
        f"gateway env: {' '.join(args.env) or 'defaults'}"
    )
    print(f"{'bystander':28} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'alone':28} {a50:>8.1f} {a99:>8.1f}")
    print(f"{'with abusers':28} {l50:>8.1f} {l99:>8.1f}")
    print(f"{'ratio':28} {l50 / a50:>8.2f} {l99 / a99:>8.2f}")


if __name__ == "__main__":
    main()
