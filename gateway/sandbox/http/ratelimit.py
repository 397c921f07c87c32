"""Per-address, per-route fixed-window rate limiting with Rocket.Chat's answers (§0.8).

The client address is the rightmost `X-Forwarded-For` element when the header
is present (the one appended by the nearest proxy, which the client cannot
forge), else the socket peer.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from .errors import ApiError

WINDOW_SECONDS = 60.0
REGISTRATION_LIMIT = 5
DEFAULT_LIMIT = 10


def client_address(forwarded_for: str | None, peer: str | None) -> str:
    if forwarded_for:
        parts = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if parts:
            return parts[-1]
    return peer or "unknown"


@dataclass
class Window:
    started: float
    hits: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_ms: int

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_ms),
        }

    def error(self) -> ApiError:
        seconds = max(1, math.ceil(self.reset_ms / 1000 - time.time()))
        message = (
            "Error, too many requests. Please slow down. You must wait "
            f"{seconds} seconds before trying this endpoint again. "
            "[error-too-many-requests]"
        )
        return ApiError(429, {"success": False, "error": message}, self.headers())


class RateLimiter:
    """Counts calls per (address, method, route) in 60-second windows."""

    def __init__(self, window: float = WINDOW_SECONDS) -> None:
        self.window = window
        self._windows: dict[tuple[str, str], Window] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def hit(self, address: str, route: str, limit: int) -> Verdict:
        now = time.time()
        with self._lock:
            window = self._windows.get((address, route))
            if window is None or now - window.started >= self.window:
                window = self._windows[(address, route)] = Window(now, 0)
            window.hits += 1
            hits = window.hits
            reset_ms = int((window.started + self.window) * 1000)
        return Verdict(hits <= limit, limit, max(0, limit - hits), reset_ms)
