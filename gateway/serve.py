"""`rc-gateway serve`: run the gateway under uvicorn, over Rocket.Chat or a sandbox."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import TYPE_CHECKING

import httpx
import uvicorn

from gateway.app import create_app
from gateway.config import Settings
from gateway.documents import load_manifest

if TYPE_CHECKING:
    from collections.abc import Iterator

DEMO_USER = "admin"
DEMO_PASSWORD = "demo"
WORKER_FACTORY = "gateway.app:app_from_environment"


def log(message: str) -> None:
    print(f"rc-gateway: {message}", file=sys.stderr, flush=True)


def login(base_url: str, user: str, password: str) -> dict[str, str]:
    """Log in to Rocket.Chat; the two headers that authenticate later calls."""
    response = httpx.post(
        base_url.rstrip("/") + "/api/v1/login",
        json={"user": user, "password": password},
        timeout=10,
    )
    response.raise_for_status()
    data = response.json()["data"]
    return {"X-Auth-Token": data["authToken"], "X-User-Id": data["userId"]}


@contextlib.contextmanager
def embedded_sandbox() -> Iterator[str]:
    """Start the demo sandbox on a free loopback port; yield its URL."""
    from gateway.sandbox import SandboxOptions, create_sandbox_app
    from gateway.serving import serve_in_thread

    with serve_in_thread(create_sandbox_app(SandboxOptions(db=":memory:"))) as url:
        yield url


def serve(*, host: str, port: int, workers: int) -> None:
    """Serve the gateway; without ROCKETCHAT_URL, in front of the demo sandbox."""
    settings = Settings()
    if settings.trusted_documents is not None:
        # Read once here too, so a bad manifest stops the start, not each worker.
        load_manifest(settings.trusted_documents)
    with contextlib.ExitStack() as stack:
        if settings.rocketchat_url is not None:
            upstream_url = str(settings.rocketchat_url)
            demo_headers = None
            log(f"fronting Rocket.Chat at {upstream_url}")
        else:
            upstream_url = stack.enter_context(embedded_sandbox())
            demo_headers = login(upstream_url, DEMO_USER, DEMO_PASSWORD)
            log(
                "ROCKETCHAT_URL is not set: started the embedded sandbox with "
                f"demo data at {upstream_url}"
            )
            log("demo users: admin, agent, viewer (password: demo)")
            for name, value in demo_headers.items():
                log(f"  {name}: {value}   (demo admin)")
        log(f"GraphiQL: http://{host}:{port}/graphql")
        # proxy_headers off: the gateway appends the real peer to
        # X-Forwarded-For itself instead of letting uvicorn rewrite the client.
        if workers > 1:
            # Workers are separate processes: they rebuild the app from the env.
            os.environ["ROCKETCHAT_URL"] = upstream_url
            if demo_headers:
                os.environ["GATEWAY_DEMO_HEADERS"] = json.dumps(demo_headers)
            uvicorn.run(
                WORKER_FACTORY,
                factory=True,
                host=host,
                port=port,
                workers=workers,
                proxy_headers=False,
            )
        else:
            app = create_app(settings, upstream_url, demo_headers=demo_headers)
            uvicorn.run(app, host=host, port=port, proxy_headers=False)
