"""`rc-gateway serve`, as a separate process: sandbox mode, fronting, workers."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.serving import bind_socket, socket_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Upstream

QUERY = "{ rooms(first: 2) { totalCount nodes { rocketChatId } } }"


def free_port() -> int:
    sock = bind_socket("127.0.0.1", 0)
    port = int(socket_url(sock).rsplit(":", 1)[1])
    sock.close()
    return port


@contextlib.contextmanager
def serving(*args: str, env: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """Run `rc-gateway serve` until /healthz answers; yield its URL and stderr."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    clean.pop("ROCKETCHAT_URL", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--port", str(port), *args],
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    assert child.stderr is not None
    reader = threading.Thread(
        target=lambda: lines.extend(iter(child.stderr.readline, "")),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert child.poll() is None, "".join(lines)
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the gateway did not start"
            time.sleep(0.2)
        yield url, lines
    finally:
        child.terminate()
        child.wait(timeout=30)
        reader.join(timeout=5)
        child.stderr.close()


def post(url: str, headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": QUERY},
        headers={"Accept": "application/json", **headers},
    )
    body: dict[str, Any] = response.json()
    return body


def test_without_rocketchat_url_it_serves_the_demo_sandbox() -> None:
    with serving(env={}) as (url, lines):
        text = "".join(lines)
        token = re.search(r"X-Auth-Token: (\S+)", text)
        user = re.search(r"X-User-Id: (\S+)", text)
        assert token is not None
        assert user is not None
        demo = {"X-Auth-Token": token.group(1), "X-User-Id": user.group(1)}
        body = post(url, demo)
        anonymous = post(url, {})
    assert "ROCKETCHAT_URL is not set: started the embedded sandbox" in text
    assert f"GraphiQL: {url}/graphql" in text
    assert "demo users: admin, agent, viewer (password: demo)" in text
    assert body["data"]["rooms"]["totalCount"] == 300
    assert len(body["data"]["rooms"]["nodes"]) == 2
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.slow  # two uvicorn worker processes: about 5 s
def test_fronting_rocketchat_url_with_workers(
    upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    env = {"ROCKETCHAT_URL": upstream.url, "GATEWAY_MAX_PAGE_SIZE": "2"}
    with serving("--workers", "2", env=env) as (url, lines):
        body = post(url, users["admin"])
        too_big = httpx.post(
            f"{url}/graphql",
            json={"query": "{ rooms(first: 3) { totalCount } }"},
            headers={"Accept": "application/json", **users["admin"]},
        ).json()
    assert body["data"]["rooms"]["totalCount"] > 0
    assert len(body["data"]["rooms"]["nodes"]) == 2
    assert too_big["errors"][0]["message"] == "`first` may be at most 2, got 3."
    assert f"fronting Rocket.Chat at {upstream.url}" in "".join(lines)
