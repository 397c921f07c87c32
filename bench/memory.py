"""Memory and CPU of large unauthenticated documents (issue 7, defect 2).

Run by hand: `.venv/bin/python bench/memory.py [--requests 200]`. Starts the
sandbox and one gateway (default settings, each in its own process) and
sends, without credentials, documents of about 0.9 MB: the same one
repeated, and a new one each time, in two shapes — many tokens (refused by
the token limit) and one long string argument (few tokens: it passes the
limits, is too long to be cached and is UNAUTHENTICATED before any call).
Prints, per shape, the gateway's RSS before and after, the CPU it spent per
request (user + system, from /proc) and the answers' codes.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calls import RC_GATEWAY, free_port, sandbox, wait_until_up

SIZE = 900_000
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def many_tokens(salt: int) -> str:
    fields = []
    length = 0
    while length < SIZE:
        field = f"a{salt}_{len(fields)}: __typename"
        fields.append(field)
        length += len(field) + 1
    return "{ " + " ".join(fields) + " }"


def long_string(salt: int) -> str:
    token = f"{salt}-" + "x" * SIZE
    return '{ visitorByToken(token: "' + token + '") { id } }'


def rss_mib(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_SIZE / 2**20


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def codes(body: object) -> str:
    if not isinstance(body, dict):
        return "not an object"
    errors = body.get("errors") or [{}]
    return ",".join(
        sorted({(e.get("extensions") or {}).get("code", "?") for e in errors})
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    shapes = {
        "many tokens, same": lambda i: many_tokens(0),
        "many tokens, unique": many_tokens,
        "long string, same": lambda i: long_string(0),
        "long string, unique": long_string,
    }
    with sandbox() as upstream:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        child = subprocess.Popen(
            [*RC_GATEWAY, "serve", "--port", str(port)],
            env={**os.environ, "ROCKETCHAT_URL": upstream},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        rows = []
        try:
            wait_until_up(f"{url}/healthz", child)
            with httpx.Client(base_url=url, timeout=60) as client:
                client.post("/graphql", json={"query": "{ __typename }"})
                for name, make in shapes.items():
                    documents = [make(i) for i in range(args.requests)]
                    answers: collections.Counter[str] = collections.Counter()
                    rss, cpu = rss_mib(child.pid), cpu_seconds(child.pid)
                    for document in documents:
                        response = client.post("/graphql", json={"query": document})
                        answers[f"{response.status_code} {codes(response.json())}"] += 1
                    spent = (cpu_seconds(child.pid) - cpu) / args.requests * 1000
                    rows.append((name, rss, rss_mib(child.pid), spent, answers))
        finally:
            child.terminate()
            child.wait(10)
    print(f"{args.requests} requests per shape, documents of about {SIZE} bytes")
    print(
        f"{'document':22} {'RSS before':>10} {'after':>8} {'CPU ms/req':>10}  answers"
    )
    for name, before, after, spent, answers in rows:
        told = ", ".join(f"{k}: {v}" for k, v in answers.items())
        print(f"{name:22} {before:>8.1f}MB {after:>6.1f}MB {spent:>10.1f}  {told}")


if __name__ == "__main__":
    main()
