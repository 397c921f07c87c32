"""APQ stores: an in-process LRU, or Redis shared by every instance.

A store never fails a request: when Redis cannot be reached, lookups miss
(clients then resend the query, which runs as usual) and writes are dropped.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis

KEY_PREFIX = "rc-gateway:apq:"
# After a failure, skip Redis this long, so an outage costs each request
# nothing rather than a connect timeout.
RETRY_AFTER = 1.0

log = logging.getLogger("gateway.documents")


class DocumentStore(Protocol):
    """Where APQ documents live, by the SHA-256 hex of their text."""

    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, query: str) -> None: ...

    async def aclose(self) -> None: ...


class MemoryStore:
    """The least recently used `size` documents of this process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256: str) -> str | None:
        query = self._items.get(sha256)
        if query is not None:
            self._items.move_to_end(sha256)
        return query

    async def put(self, sha256: str, query: str) -> None:
        self._items[sha256] = query
        self._items.move_to_end(sha256)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    async def aclose(self) -> None:
        self._items.clear()


class RedisStore:
    """Documents in Redis under `rc-gateway:apq:<sha256>`, each with a TTL.

    The redis client is imported here, not by the module: about 7 MiB a
    gateway without GATEWAY_REDIS_URL does not carry.
    """

    def __init__(self, url: str, *, ttl: int, timeout: float) -> None:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError

        self.ttl = ttl
        self._errors = (RedisError, OSError)
        self._redis: Redis = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # One quick retry covers a pooled connection Redis closed meanwhile.
            retry=Retry(NoBackoff(), 1),
            decode_responses=True,
        )
        self._down_until = 0.0

    async def get(self, sha256: str) -> str | None:
        if self._skipping():
            return None
        try:
            value = await self._redis.get(KEY_PREFIX + sha256)
        except self._errors as exc:
            self._failed(exc)
            return None
        self._recovered()
        return value if isinstance(value, str) else None

    async def put(self, sha256: str, query: str) -> None:
        if self._skipping():
            return
        try:
            await self._redis.set(KEY_PREFIX + sha256, query, ex=self.ttl)
        except self._errors as exc:
            self._failed(exc)
            return
        self._recovered()

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _skipping(self) -> bool:
        return self._down_until > time.monotonic()

    def _failed(self, exc: Exception) -> None:
        if not self._down_until:
            log.warning("Redis unavailable, APQ lookups miss until it is back: %s", exc)
        self._down_until = time.monotonic() + RETRY_AFTER

    def _recovered(self) -> None:
        if self._down_until:
            log.warning("Redis is back; APQ uses it again")
        self._down_until = 0.0
