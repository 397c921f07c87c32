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

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import SandboxOptions, create_sandbox_app, login
from gateway.serving import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator


def only_exceptions(record: logging.LogRecord) -> bool:
    """Keep Strawberry's error logs that carry a traceback: real bugs, not bad
    queries (the audit sends many on purpose)."""
    return bool(record.exc_info and record.exc_info[0] is not None)


@contextlib.contextmanager
def serve_demo_gateway(
    sandbox_url: str, settings: Settings | None = None
) -> Iterator[dict[str, object]]:
    """A gateway in front of `sandbox_url` that shows GraphiQL the demo admin."""
    headers = login(sandbox_url)
    app = create_app(settings or Settings(), sandbox_url, demo_headers=headers)
    with serve_in_thread(app) as gateway_url:
        yield {
            "gateway": gateway_url,
            "graphql": f"{gateway_url}/graphql",
            "sandbox": sandbox_url,
            "headers": headers,
        }


@contextlib.contextmanager
def serve_stack(settings: Settings | None = None) -> Iterator[dict[str, object]]:
    """A sandbox of its own (in-memory demo data) and a demo gateway in front."""
    with (
        serve_in_thread(create_sandbox_app(SandboxOptions())) as sandbox_url,
        serve_demo_gateway(sandbox_url, settings) as urls,
    ):
        yield urls


def main() -> None:
    logging.getLogger("strawberry.execution").addFilter(only_exceptions)
    with serve_stack() as urls:
        print(json.dumps(urls), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
