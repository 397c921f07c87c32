"""Canned upstreams: REST bodies captured from the sandbox, served fast.

The Python sandbox spends more CPU per call than the gateway does, so a load
test against it measures the sandbox. These upstreams answer the benchmark's
calls from files captured once from the sandbox:

- `nginx_upstream`: Debian's nginx with a generated config in a temporary
  directory (one worker; calls counted from its access log);
- `python -m bench.canned serve DIR PORT --latency-ms 20`: a small asyncio
  server answering the same files after a fixed delay, concurrent requests
  waiting in parallel, with a request log (`GET /_log`, `DELETE /_log`) that
  gives each call's start and end, hence round trips.

Both route by path only: `livechat/rooms` (any query) is the captured page of
25 rooms with 25 distinct visitors, `livechat/visitors.info?visitorId=X` that
visitor, `POST livechat/visitor` a registration answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import Iterator

PAGE = 25
ROOMS = "/api/v1/livechat/rooms"
VISITOR_INFO = "/api/v1/livechat/visitors.info"
REGISTER = "/api/v1/livechat/visitor"
BENCH_TOKEN = "bench-visitor-token-0001"


def capture(
    sandbox_url: str, headers: dict[str, str], directory: Path
) -> dict[str, Any]:
    """Write the canned bodies under `directory`; return what the queries need."""
    api = f"{sandbox_url}/api/v1/"
    with httpx.Client(base_url=api, headers=headers, timeout=30) as rest:
        listing = rest.get("livechat/rooms", params={"count": 100}).raise_for_status()
        body = listing.json()
        rooms: list[Any] = []
        (directory / "visitors").mkdir(parents=True, exist_ok=True)
        for room in body["rooms"]:
            visitor_id = room["v"]["_id"]
            target = directory / "visitors" / f"{visitor_id}.json"
            if target.exists():
                continue
            info = rest.get("livechat/visitors.info", params={"visitorId": visitor_id})
            if info.status_code != 200:
                continue  # a removed visitor: keep the page to ones that resolve
            target.write_bytes(info.content)
            rooms.append(room)
            if len(rooms) == PAGE:
                break
        page = {
            "rooms": rooms,
            "count": len(rooms),
            "offset": 0,
            "total": body["total"],
        }
        (directory / "rooms.json").write_text(json.dumps({**page, "success": True}))
        registered = rest.post(
            "livechat/visitor",
            json={"visitor": {"token": BENCH_TOKEN, "name": "Bench Visitor"}},
        ).raise_for_status()
        (directory / "visitor.json").write_bytes(registered.content)
    meta = {"visitor_ids": [r["v"]["_id"] for r in rooms], "token": BENCH_TOKEN}
    (directory / "meta.json").write_text(json.dumps(meta))
    return meta


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format calls '$http_x_request_id';
    access_log {dir}/access.log calls;
    client_body_temp_path {dir}/tmp;
    proxy_temp_path {dir}/tmp;
    fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp;
    scgi_temp_path {dir}/tmp;
    types {{ }}
    default_type application/json;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    etag off;
    server {{
        listen 127.0.0.1:{port};
        root {dir};
        location = {rooms} {{ try_files /rooms.json =404; }}
        location = {info} {{ try_files /visitors/$arg_visitorId.json =404; }}
        # A POST to a static file is a 405; answer it with the file instead.
        location = {register} {{
            error_page 405 =200 /visitor.json;
            try_files /visitor.json =404;
        }}
        location = /visitor.json {{ }}
        location / {{ return 404 '{{"success":false,"error":"Not found"}}'; }}
    }}
}}
"""


@contextlib.contextmanager
def nginx_upstream(directory: Path, port: int) -> Iterator[str]:
    """nginx serving the bodies in `directory` on `port`; yields its URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (directory / "tmp").mkdir(exist_ok=True)
    # nginx's worker drops to an unprivileged user: let it read the bodies.
    for path in (directory, directory / "visitors"):
        path.chmod(0o755)
    conf = directory / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            dir=directory, port=port, rooms=ROOMS, info=VISITOR_INFO, register=REGISTER
        )
    )
    args = [nginx, "-p", str(directory), "-e", str(directory / "error.log")]
    child = subprocess.Popen([*args, "-c", str(conf)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{url}{ROOMS}", timeout=1).raise_for_status()
                break
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((directory / "error.log").read_text())
            time.sleep(0.05)
        yield url
    finally:
        child.terminate()
        child.wait(10)


def nginx_calls(directory: Path, request_id: str) -> int:
    """How many calls nginx logged with this `X-Request-Id`."""
    lines = (directory / "access.log").read_text().splitlines()
    return sum(1 for line in lines if line == request_id)


class Delayed(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the delaying canned server."""

    def __init__(self, server: DelayedServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            task = asyncio.ensure_future(self.answer(method, target, headers))
            self.server.tasks.add(task)
            task.add_done_callback(self.server.tasks.discard)

    async def answer(self, method: str, target: str, headers: dict[str, str]) -> None:
        started = time.monotonic()
        path, _, query = target.partition("?")
        status, body = self.server.route(method, path, query)
        if not path.startswith("/_log"):
            await asyncio.sleep(self.server.latency)
            self.server.log.append(
                (headers.get("x-request-id", ""), started, time.monotonic())
            )
        head = (
            f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(head.encode() + body)


class DelayedServer:
    def __init__(self, directory: Path, latency_ms: float) -> None:
        self.latency = latency_ms / 1000
        self.log: list[tuple[str, float, float]] = []
        self.tasks: set[asyncio.Future[None]] = set()
        self.rooms = (directory / "rooms.json").read_bytes()
        self.registered = (directory / "visitor.json").read_bytes()
        self.visitors = {
            file.stem: file.read_bytes() for file in (directory / "visitors").iterdir()
        }

    def route(self, method: str, path: str, query: str) -> tuple[int, bytes]:
        if path == ROOMS:
            return 200, self.rooms
        if path == VISITOR_INFO:
            visitor = urllib.parse.parse_qs(query).get("visitorId", [""])[0]
            if visitor in self.visitors:
                return 200, self.visitors[visitor]
        if path == REGISTER and method == "POST":
            return 200, self.registered
        if path == "/_log":
            if method == "DELETE":
                self.log.clear()
            return 200, json.dumps({"requests": self.log}).encode()
        return 404, b'{"success":false,"error":"Not found"}'


def serve(directory: Path, port: int, latency_ms: float) -> None:
    async def main() -> None:
        server = DelayedServer(directory, latency_ms)
        loop = asyncio.get_running_loop()
        listener = await loop.create_server(
            lambda: Delayed(server), "127.0.0.1", port, backlog=1024
        )
        async with listener:
            await listener.serve_forever()

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve captured bodies, delayed.")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("port", type=int)
    parser.add_argument("--latency-ms", type=float, default=20)
    args = parser.parse_args()
    serve(args.directory, args.port, args.latency_ms)


if __name__ == "__main__":
    main()
