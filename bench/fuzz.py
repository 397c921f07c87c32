"""The long fuzz run, by hand: many cases, figures in a table.

Run: `.venv/bin/python bench/fuzz.py [--cases 10000]`. Serves a sandbox and a
gateway on loopback, each in a process of its own as deployed (`rc-gateway
sandbox`, `rc-gateway serve`), sends schema-driven queries (valid and invalid)
and malformed bodies from tests/fuzz/cases.py, and prints how many answers
were 5xx, not JSON or INTERNAL_SERVER_ERROR, and the slowest cases (`--dump`
keeps them to replay).

`--in-process` serves both in this process instead, in threads, so that
`--stalls` can write every thread's stack whenever an answer takes over
STALL_SECONDS; the collector pauses it reports are then those of the fuzzer,
the sandbox and the gateway together, which hypothesis's garbage makes long.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import faulthandler
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import Mode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway.sandbox.demo.users import login
from tests.cluster.servers import GatewayProcess, free_port, stop, wait_until
from tests.fuzz.cases import Case, cases, problems, send
from tests.http.stack import serve_stack

if TYPE_CHECKING:
    from collections.abc import Iterator

STALL_SECONDS = 2.0
SLOWEST = 10  # cases kept (and printed) per mode, slowest first


GC_PAUSES: list[float] = []
_gc_started: list[float] = []


def _time_gc(phase: str, info: dict[str, int]) -> None:
    """Collector pauses in this process (gateway, sandbox and fuzzer alike)."""
    if phase == "start":
        _gc_started[:] = [time.perf_counter()]
    elif _gc_started:
        GC_PAUSES.append((time.perf_counter() - _gc_started[0]) * 1000)


@contextlib.contextmanager
def serve_apart() -> Iterator[dict[str, Any]]:
    """The sandbox and a gateway in front of it, each its own process."""
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    command = ["sandbox", "--port", str(port), "--db", ":memory:"]
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "gateway", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        with contextlib.suppress(httpx.TransportError):
            return httpx.get(f"{sandbox_url}/api/info", timeout=1).is_success
        return False

    with tempfile.TemporaryDirectory() as logs:
        try:
            wait_until(answers, "the sandbox", sandbox)
            environment = {"ROCKETCHAT_URL": sandbox_url, "GATEWAY_LOG_LEVEL": "error"}
            gateway = GatewayProcess(Path(logs), environment)
            try:
                gateway.wait_ready()
                yield {"gateway": gateway.url, "headers": login(sandbox_url)}
            finally:
                gateway.stop()
        finally:
            stop(sandbox)


def run(
    count: int,
    mode: Mode,
    client: httpx.Client,
    headers: Any,
    stalls: TextIO | None = None,
) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "cases": 0,
        "statuses": collections.Counter(),
        "problems": [],
        "slowest_ms": 0.0,
        "times": [],
        "slow": [],
    }

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(mode))
    def one(case: Case) -> None:
        started = time.perf_counter()
        if stalls is not None:
            # From a C thread, without the GIL: whatever holds the process up.
            stalls.write(f"\n--- case: {case.body[:500]!r}\n")
            stalls.flush()
            faulthandler.dump_traceback_later(STALL_SECONDS, file=stalls)
        response = send(client, case, headers)
        if stalls is not None:
            faulthandler.cancel_dump_traceback_later()
        elapsed = (time.perf_counter() - started) * 1000
        figures["cases"] += 1
        figures["statuses"][response.status_code] += 1
        figures["times"].append(elapsed)
        figures["slowest_ms"] = max(figures["slowest_ms"], elapsed)
        figures["slow"] = sorted(
            [*figures["slow"], (elapsed, case)], key=lambda s: -s[0]
        )[:SLOWEST]
        found = problems(response)
        if found:
            figures["problems"].append((case, found))

    one()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="per mode")
    parser.add_argument(
        "--modes", default="positive,negative", help="hypothesis-graphql modes"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="serve the sandbox and the gateway in this process (threads)",
    )
    parser.add_argument(
        "--stalls",
        type=Path,
        help=f"write every thread's stack here when an answer takes {STALL_SECONDS} s",
    )
    parser.add_argument(
        "--dump", type=Path, help="write the slowest cases here, one JSON line each"
    )
    args = parser.parse_args()
    if args.stalls and not args.in_process:
        parser.error("--stalls needs --in-process")
    gc.callbacks.append(_time_gc)
    with (
        serve_stack() if args.in_process else serve_apart() as urls,
        httpx.Client(base_url=str(urls["gateway"]), timeout=60) as client,
        args.stalls.open("w") if args.stalls else contextlib.nullcontext() as stalls,
    ):
        results = {
            mode.name.lower(): run(args.cases, mode, client, urls["headers"], stalls)
            for mode in (Mode[m.strip().upper()] for m in args.modes.split(","))
        }
    print(
        f"{'mode':9} {'cases':>6} {'5xx':>4} {'problems':>8} {'p99 ms':>7} "
        f"{'slowest ms':>10}  statuses"
    )
    for mode, f in results.items():
        times = sorted(f["times"]) or [0.0]
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        fives = sum(n for s, n in f["statuses"].items() if s >= 500)
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(f["statuses"].items()))
        print(
            f"{mode:9} {f['cases']:>6} {fives:>4} {len(f['problems']):>8} "
            f"{p99:>7.1f} {f['slowest_ms']:>10.1f}  {statuses}"
        )
    where = (
        "this process (fuzzer, sandbox, gateway)" if args.in_process else "the fuzzer"
    )
    print(
        f"garbage collections in {where}: {len(GC_PAUSES)}, longest pause "
        f"{max(GC_PAUSES, default=0):.1f} ms, all pauses {sum(GC_PAUSES):.0f} ms"
    )
    for mode, f in results.items():
        for case, found in f["problems"][:20]:
            print(mode, found, case.body[:300])
    for mode, f in results.items():
        for elapsed, case in f["slow"]:
            print(f"slow {mode} {elapsed:.0f} ms", case.headers, case.body[:300])
    if args.dump:
        with args.dump.open("w") as out:
            for mode, f in results.items():
                for elapsed, case in f["slow"]:
                    line = {
                        "mode": mode,
                        "ms": round(elapsed),
                        "headers": case.headers,
                        "body": case.body.decode("utf-8", "replace"),
                    }
                    out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
