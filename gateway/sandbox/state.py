"""Sandbox: the running sandbox's store, options (knobs), log and limiter."""

from __future__ import annotations

import random
import threading
from typing import TYPE_CHECKING

from .http.ratelimit import RateLimiter

if TYPE_CHECKING:
    from .http.log import LoggedRequest
    from .options import SandboxOptions
    from .store.sqlite import Store


class Sandbox:
    """Everything one sandbox app holds; reachable as `app.state.sandbox`.

    `options` may be changed at runtime (latency, faults, rate limit); `log`
    lists every /api/v1 request answered so far.
    """

    def __init__(self, options: SandboxOptions, store: Store) -> None:
        self.options = options
        self.store = store
        self.log: list[LoggedRequest] = []
        self.limiter = RateLimiter()
        self.random = random.Random()
        self._log_lock = threading.Lock()

    def record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self.log.append(entry)

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()
