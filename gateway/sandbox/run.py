"""`rc-gateway sandbox`: serve the sandbox in the foreground and say how to use it."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, TextIO

from gateway.serving import bind_socket, serve_on_socket, socket_url

from .app import create_sandbox_app
from .demo.users import FEATURED_USERS
from .endpoints.auth import check_password

if TYPE_CHECKING:
    from .options import SandboxOptions
    from .state import Sandbox

DEFAULT_DB = "rc-sandbox.sqlite3"


def banner(sandbox: Sandbox, url: str) -> str:
    """The start-up text: where it listens, what data, which demo users."""
    options = sandbox.options
    source = f"fixture {options.fixture}" if options.fixture else "demo data"
    lines = [
        f"Rocket.Chat livechat sandbox on {url}  (REST under {url}/api/v1)",
        f"database: {options.db}  data: {source} (loaded only into an empty database)",
    ]
    users = []
    for username in FEATURED_USERS:
        user = sandbox.store.find_one("users", "username = ?", (username,))
        if user is not None:
            known = check_password(user, options.password)
            secret = options.password if known else "(set when the database was made)"
            roles = ", ".join(user.get("roles") or [])
            users.append(
                f"  {username:<8} id {user['_id']}  password {secret}  roles {roles}"
            )
    if users:
        lines += [
            'demo users (POST /api/v1/login {"user": ..., "password": ...}):',
            *users,
        ]
    knobs = ", ".join(f"{k}={v}" for k, v in options.knobs().items())
    lines.append(f"knobs: {knobs}  (GET/PATCH {url}/_sandbox/options)")
    return "\n".join(lines)


def serve_sandbox(
    options: SandboxOptions, host: str, port: int, out: TextIO = sys.stdout
) -> None:
    """Build the sandbox, print the banner, and serve until interrupted."""
    app = create_sandbox_app(options)
    # A dropped connection (fault knob) is intended; keep it out of the log.
    logging.getLogger("uvicorn.error").addFilter(
        lambda record: "without completing response" not in record.getMessage()
    )
    sock = bind_socket(host, port)
    print(banner(app.state.sandbox, socket_url(sock)), file=out, flush=True)
    serve_on_socket(app, sock)
