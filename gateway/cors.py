"""CORS: which browser origins may call the gateway, as Starlette's middleware.

Credentials travel in headers (`X-Auth-Token`, `X-User-Id`), which a browser
sends cross-origin only after a preflight the gateway answered for that
origin. Cookies are never read; `GATEWAY_CORS_ALLOW_CREDENTIALS` only lets
pages that fetch with `credentials: "include"` through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

if TYPE_CHECKING:
    from gateway.config import Settings

ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = (
    "Content-Type",
    "X-Auth-Token",
    "X-User-Id",
    "X-Request-Id",
    "traceparent",
    "tracestate",
    # Apollo Client's client awareness (`clientAwareness: {name, version}`).
    "apollographql-client-name",
    "apollographql-client-version",
)
EXPOSED_HEADERS = ("X-Request-Id",)
# What a frontend dev server runs on: localhost, 127.0.0.1 or [::1], any port.
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?"


def cors_middleware(settings: Settings, *, sandbox: bool) -> list[Middleware]:
    """The CORS middleware for these settings, or none when no origin is allowed.

    Unset `GATEWAY_CORS_ORIGINS` means local dev origins in sandbox mode and
    no cross-origin access at all in front of a real Rocket.Chat.
    """
    origins, regex = settings.cors_origins, None
    if origins is None and sandbox:
        origins, regex = [], LOCAL_ORIGINS
    if not origins and regex is None:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins or (),
            allow_origin_regex=regex,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=settings.cors_allow_credentials,
            expose_headers=EXPOSED_HEADERS,
            max_age=settings.cors_max_age,
        )
    ]
