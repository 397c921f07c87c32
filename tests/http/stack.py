"""Serve the sandbox and the gateway on free loopback ports for out-of-process tests.

`python -m tests.http.stack` prints one JSON line, `{"gateway", "graphql",
"sandbox", "headers"}` (`headers`: the demo admin's credentials), and serves
until its standard input closes, so a test runner that spawns it with a pipe
stops it by exiting. The Node tests in `tests/node/` use it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from typing import TYPE_CHECKING

import httpx

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import SandboxOptions, create_sandbox_app
from gateway.sandbox.server import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator

DEMO_ADMIN = {"user": "admin", "password": "demo"}


def only_exceptions(record: logging.LogRecord) -> bool:
    """Keep Strawberry's error logs that carry a traceback: real bugs, not bad
    queries (the audit sends many on purpose)."""
    return bool(record.exc_info and record.exc_info[0] is not None)


def login(sandbox_url: str, credentials: dict[str, str]) -> dict[str, str]:
    """Rocket.Chat's login: the `X-Auth-Token` / `X-User-Id` pair for a user."""
    response = httpx.post(f"{sandbox_url}/api/v1/login", json=credentials)
    response.raise_for_status()
    data = response.json()["data"]
    return {"X-Auth-Token": data["authToken"], "X-User-Id": data["userId"]}


@contextlib.contextmanager
def serve_stack(settings: Settings | None = None) -> Iterator[dict[str, object]]:
    """The sandbox (in-memory demo data) and a gateway in front of it."""
    with serve_in_thread(create_sandbox_app(SandboxOptions())) as sandbox_url:
        headers = login(sandbox_url, DEMO_ADMIN)
        app = create_app(settings or Settings(), sandbox_url, demo_headers=headers)
        with serve_in_thread(app) as gateway_url:
            yield {
                "gateway": gateway_url,
                "graphql": f"{gateway_url}/graphql",
                "sandbox": sandbox_url,
                "headers": headers,
            }


def main() -> None:
    logging.getLogger("strawberry.execution").addFilter(only_exceptions)
    with serve_stack() as urls:
        print(json.dumps(urls), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
