"""Serving any ASGI app (the gateway or the sandbox) under uvicorn on loopback.

The one place that binds sockets and runs uvicorn servers for tests, the
embedded demo sandbox and `rc-gateway sandbox`; it imports nothing from gateway.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

import uvicorn

if TYPE_CHECKING:
    from collections.abc import Iterator

STARTUP_TIMEOUT = 10.0


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """Bind a listening TCP socket; port 0 lets the kernel choose a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets
    # whose proto says TCP, and without it keep-alive responses (headers and
    # body written separately) stall ~40 ms on Nagle + delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def socket_url(sock: socket.socket) -> str:
    """The base URL (`http://host:port`, no trailing slash) a bound socket serves."""
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve_on_socket(app: Any, sock: socket.socket, **config: Any) -> None:
    """Serve `app` on an already bound socket in the foreground until stopped."""
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", **config)
    )
    server.run(sockets=[sock])


@contextlib.contextmanager
def serve_in_thread(
    app: Any, host: str = "127.0.0.1", port: int = 0, **config: Any
) -> Iterator[str]:
    """Serve `app` on a pre-bound socket in a daemon thread; yield its base URL.

    The server is started (lifespan included) before the URL is yielded and is
    shut down when the block exits. Raises RuntimeError if it fails to start.
    """
    sock = bind_socket(host, port)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", **config)
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield socket_url(sock)
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT)
        sock.close()
