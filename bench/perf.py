"""The performance harness: rc-gateway against its floor, one table.

Run by hand (needs Debian's `nginx` and `wrk`):

    .venv/bin/python bench/perf.py [--duration 8] [--connections 16]
        [--baseline DIR] [--upstreams fast,sandbox,20ms] [--scenarios a,b,c,d,m]
        [--targets gateway,floor] [--floor-transport upstream]

Scenarios: (a) 25 rooms x 11 scalar fields, (b) one visitor by id, (c) 25
rooms each with its visitor's name and emails, (d) the agent console: 25
rooms + visitor + servedBy + department, (m) `registerVisitor`.

Targets, each its own process on loopback: `gateway` (this checkout,
`rc-gateway serve`), `main` (another checkout's gateway, `--baseline DIR`,
run with DIR/.venv), `floor` (bench/floor.py: Starlette + the same HTTP
client, no GraphQL, the optimal calls), `strawberry`
(bench/strawberry_floor.py: plain Strawberry over the same client; (a) and
(b) only). Upstreams: `fast` (nginx serving
bodies captured from the sandbox), `sandbox` (the Python sandbox, no
latency), `20ms` (the captured bodies after 20 ms, one client at a time).

Columns: throughput and wrk's p50/p99 latency; CPU ms per request (the
target process's user+system time over the run, from /proc, divided by the
requests wrk completed); upstream calls per query and round trips (from a
probe request, counted in the upstream's log; round trips need the 20ms
upstream's timestamps); `CPU/floor` and `req/s/floor`, and `req/s/main`
when a baseline is given. The optimal plan's calls and round trips are
printed per scenario. After the fast upstream's runs the RSS of each target
is printed with the requests it served.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import canned
from gateway.sandbox import login

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = 4096
RSS_REQUESTS = 10_000

A = (
    "{ rooms(first: 25) { nodes { id rocketChatId name state open onHold "
    "messageCount userCount createdAt updatedAt lastMessageAt } } }"
)
B = (
    'query { visitor(id: "%s") { id rocketChatId username name '
    "emails { address } phones { phoneNumber } status createdAt } }"
)
C = "{ rooms(first: 25) { nodes { visitor { name emails { address } } } } }"
D = (
    "{ rooms(first: 25) { totalCount nodes { id name state createdAt lastMessageAt "
    "tags visitor { id name username emails { address } phones { phoneNumber } } "
    "servedBy { username } department { name } } } }"
)
M = (
    'mutation { registerVisitor(input: {token: "%s", name: "Bench Visitor"}) '
    "{ visitor { id token username name } } }"
)
TITLES = {
    "a": "(a) 25 rooms x 11 scalars",
    "b": "(b) one visitor by id",
    "c": "(c) 25 rooms + visitor name, emails",
    "d": "(d) console: rooms+visitor+agent+dept",
    "m": "(m) registerVisitor mutation",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def process(
    args: list[str], health: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Iterator[subprocess.Popen[bytes]]:
    child = subprocess.Popen(
        args,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(health, timeout=1)
                break
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{args} did not start")
            time.sleep(0.1)
        yield child
    finally:
        child.terminate()
        child.wait(10)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_SIZE / 2**20


def round_trips(calls: list[tuple[float, float]]) -> int:
    """Longest chain of calls each started after the previous one finished."""
    ordered = sorted(calls)
    depth: list[int] = []
    for i, (started, _) in enumerate(ordered):
        before = [depth[j] for j in range(i) if ordered[j][1] <= started]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)


@dataclass
class Upstream:
    name: str
    url: str
    connections: int
    calls: Any  # request id -> (calls, round trips or None)


@dataclass
class Target:
    name: str
    url: str
    pid: int
    floor: bool
    served: int = 0


@dataclass
class Row:
    scenario: str
    upstream: str
    target: str
    rps: float
    p50: float
    p99: float
    cpu_ms: float
    calls: int | None
    trips: int | None
    errors: int
    extra: dict[str, float] = field(default_factory=dict)


def request_of(scenario: str, meta: dict[str, Any]) -> tuple[str, str]:
    """(GraphQL query, floor query string) of a scenario."""
    visitor = meta["visitor_ids"][0]
    return {
        "a": (A, ""),
        "b": (B % visitor, f"?id={visitor}"),
        "c": (C, ""),
        "d": (D, ""),
        "m": (M % meta["token"], f"?token={meta['token']}"),
    }[scenario]


def endpoint(target: Target, scenario: str, meta: dict[str, Any]) -> str:
    _, query = request_of(scenario, meta)
    return (
        f"{target.url}/{scenario}{query}" if target.floor else f"{target.url}/graphql"
    )


def post(url: str, body: str, headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(url, content=body, headers=headers, timeout=60)
    result: dict[str, Any] = response.json()
    return result


WRK_SCRIPT = """\
wrk.method = "POST"
wrk.body = [==[{body}]==]
{headers}
"""
WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_TOTAL = re.compile(r"(\d+) requests in")
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
WRK_SOCKET = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
WRK_PCT = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(
    url: str, body: str, headers: dict[str, str], connections: int, duration: float
) -> tuple[float, int, float, float, int]:
    """(req/s, requests, p50 ms, p99 ms, errors) of one wrk run."""
    lines = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(body=body, headers=lines))
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{int(duration)}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    pct = {p: float(v) * scale[u] for p, v, u in WRK_PCT.findall(out)}
    errors = int(m.group(1)) if (m := WRK_ERRORS.search(out)) else 0
    if m := WRK_SOCKET.search(out):
        errors += sum(int(g) for g in m.groups())
    rps = float(m.group(1)) if (m := WRK_RPS.search(out)) else 0.0
    total = int(m.group(1)) if (m := WRK_TOTAL.search(out)) else 0
    return rps, total, pct.get("50", 0.0), pct.get("99", 0.0), errors


def measure(
    scenario: str,
    upstream: Upstream,
    target: Target,
    meta: dict[str, Any],
    auth: dict[str, str],
    args: argparse.Namespace,
    expected: dict[str, Any],
) -> Row:
    query, _ = request_of(scenario, meta)
    body = json.dumps({"query": query})
    url = endpoint(target, scenario, meta)
    headers = {"Content-Type": "application/json", "Accept": "application/json", **auth}
    request_id = uuid.uuid4().hex
    answer = post(url, body, {**headers, "X-Request-Id": request_id})
    if answer.get("data") is None:
        raise RuntimeError(f"{target.name} {scenario}: {answer.get('errors')}")
    # Partial data is an answer too (the sandbox has rooms of removed
    # visitors); the floor nulls the same items.
    key = (upstream.name, scenario)
    if key in expected and expected[key] != answer["data"]:
        print(
            f"  ! {target.name} answers {scenario} unlike the first target: "
            f"{json.dumps(answer['data'])[:300]} vs "
            f"{json.dumps(expected[key])[:300]}"
        )
    expected.setdefault(key, answer["data"])
    calls, trips = upstream.calls(request_id)
    before = cpu_seconds(target.pid)
    rps, total, p50, p99, errors = wrk(
        url, body, headers, upstream.connections, args.duration
    )
    cpu = cpu_seconds(target.pid) - before
    target.served += total + 1
    return Row(
        scenario,
        upstream.name,
        target.name,
        rps,
        p50,
        p99,
        cpu * 1000 / max(total, 1),
        calls,
        trips,
        errors,
    )


OPTIMAL = {"a": (1, 1), "b": (1, 1), "c": (26, 2), "d": (26, 2), "m": (1, 1)}


def print_table(rows: list[Row], baseline: bool) -> None:
    floors = {(r.scenario, r.upstream): r for r in rows if r.target == "floor"}
    mains = {(r.scenario, r.upstream): r for r in rows if r.target == "main"}
    head = (
        f"{'scenario':38} {'upstream':8} {'target':10} {'req/s':>8} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'CPU ms/req':>10} {'calls':>5} {'trips':>5} {'optimal':>7} "
        f"{'CPU/floor':>9} {'req/s/floor':>11}"
    )
    if baseline:
        head += f" {'req/s/main':>10}"
    print(head)
    print("-" * len(head))
    for r in rows:
        floor = floors.get((r.scenario, r.upstream))
        main = mains.get((r.scenario, r.upstream))
        calls, trips = OPTIMAL[r.scenario]
        line = (
            f"{TITLES[r.scenario]:38} {r.upstream:8} {r.target:10} {r.rps:>8.1f} "
            f"{r.p50:>7.2f} {r.p99:>7.2f} {r.cpu_ms:>10.3f} "
            f"{r.calls if r.calls is not None else '-':>5} "
            f"{r.trips if r.trips is not None else '-':>5} "
            f"{f'{calls}/{trips}':>7} "
            f"{r.cpu_ms / floor.cpu_ms if floor else 0:>8.2f}x "
            f"{r.rps / floor.rps if floor and floor.rps else 0:>10.2f}x"
        )
        if baseline:
            line += f" {r.rps / main.rps if main and main.rps else 0:>9.2f}x"
        if r.errors:
            line += f"  ({r.errors} errors)"
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--baseline", type=Path, help="checkout of the gateway to compare"
    )
    parser.add_argument("--upstreams", default="fast,sandbox,20ms")
    parser.add_argument("--scenarios", default="a,b,c,d,m")
    parser.add_argument("--targets", default="gateway,floor")
    parser.add_argument("--floor-transport", default="upstream")
    args = parser.parse_args()
    scenarios = args.scenarios.split(",")
    targets = args.targets.split(",")
    if args.baseline and "main" not in targets:
        targets.insert(1, "main")

    python = sys.executable
    rows: list[Row] = []
    expected: dict[Any, Any] = {}
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rcg-")))
        sandbox_port = free_port()
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        stack.enter_context(
            process(
                [
                    python,
                    "-m",
                    "gateway",
                    "sandbox",
                    "--port",
                    str(sandbox_port),
                    "--db",
                    ":memory:",
                    "--visitors",
                    "2000",
                ],
                f"{sandbox_url}/_sandbox/options",
            )
        )
        auth = login(sandbox_url)
        meta = canned.capture(sandbox_url, auth, work)

        def sandbox_calls(request_id: str) -> tuple[int, int | None]:
            log = httpx.get(f"{sandbox_url}/_sandbox/requests").json()["requests"]
            # The sandbox answers one call after another without latency, so
            # its log cannot tell round trips apart: those come from `20ms`.
            return sum(1 for e in log if e["request_id"] == request_id), None

        for name in args.upstreams.split(","):
            if name == "fast":
                port = free_port()
                url = stack.enter_context(canned.nginx_upstream(work, port))
                upstream = Upstream(
                    name,
                    url,
                    args.connections,
                    lambda rid: (canned.nginx_calls(work, rid), None),
                )
            elif name == "sandbox":
                upstream = Upstream(name, sandbox_url, args.connections, sandbox_calls)
            else:
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                latency = float(name.removesuffix("ms"))
                stack.enter_context(
                    process(
                        [
                            python,
                            "-m",
                            "bench.canned",
                            "serve",
                            str(work),
                            str(port),
                            "--latency-ms",
                            str(latency),
                        ],
                        f"{url}/_log",
                    )
                )

                def delayed_calls(rid: str, url: str = url) -> tuple[int, int | None]:
                    time.sleep(0.05)
                    log = httpx.get(f"{url}/_log").json()["requests"]
                    mine = [(s, f) for r, s, f in log if r == rid]
                    httpx.delete(f"{url}/_log")
                    return len(mine), round_trips(mine)

                upstream = Upstream(name, url, 1, delayed_calls)
            for target_name in targets:
                port = free_port()
                target_url = f"http://127.0.0.1:{port}"
                if target_name == "floor":
                    args_ = [python, "bench/floor.py", "--upstream", upstream.url]
                    args_ += ["--port", str(port), "--transport", args.floor_transport]
                    cwd, env = ROOT, {}
                elif target_name == "strawberry":
                    args_ = [python, "bench/strawberry_floor.py"]
                    args_ += ["--upstream", upstream.url, "--port", str(port)]
                    cwd, env = ROOT, {}
                else:
                    checkout = args.baseline if target_name == "main" else ROOT
                    exe = (
                        str(checkout / ".venv/bin/python")
                        if target_name == "main"
                        else python
                    )
                    args_ = [exe, "-m", "gateway", "serve", "--port", str(port)]
                    cwd, env = checkout, {"ROCKETCHAT_URL": upstream.url}
                with process(args_, f"{target_url}/healthz", env, cwd) as child:
                    target = Target(
                        target_name, target_url, child.pid, target_name == "floor"
                    )
                    idle = rss_mib(child.pid)
                    for scenario in scenarios:
                        if target_name == "strawberry" and scenario not in "ab":
                            continue  # it answers (a) and (b) only
                        row = measure(
                            scenario, upstream, target, meta, auth, args, expected
                        )
                        rows.append(row)
                        print(
                            f"  {row.scenario} {row.upstream:8} {row.target:8} "
                            f"{row.rps:8.1f} req/s {row.cpu_ms:.3f} CPU ms/req "
                            f"calls {row.calls} trips {row.trips}",
                            file=sys.stderr,
                            flush=True,
                        )
                    if name == "fast" and target_name != "strawberry":
                        # Memory after at least RSS_REQUESTS requests of the mix.
                        while target.served < RSS_REQUESTS:
                            measure("b", upstream, target, meta, auth, args, expected)
                        print(
                            f"  RSS {target_name}: {idle:.1f} MiB started, "
                            f"{rss_mib(child.pid):.1f} MiB after "
                            f"{target.served} requests",
                            flush=True,
                        )
    print()
    print(
        f"wrk -t1, {args.connections} connections ({args.duration:g} s per row; the "
        "20ms upstream: 1 connection); CPU = the target process's user+system time"
    )
    print_table(rows, args.baseline is not None)


if __name__ == "__main__":
    main()
