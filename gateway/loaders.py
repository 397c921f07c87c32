"""Loaders: one DataLoader per batchable upstream call, made fresh per request.

Each loader is built on first use: most queries use one or two of them, and
a request pays for none it does not touch.

Rocket.Chat has no batch endpoints, so a batch is a concurrent fan-out of
single calls; the request's Budget (every call of the request, lists
included, goes through it) bounds how many are in flight at once.
Keys are deduplicated by the DataLoader; each key gets its own result or its
own exception, so one failed lookup fails only the fields that asked for it.
Nothing is cached beyond the request the loaders were built for.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from strawberry.dataloader import DataLoader

from gateway.upstream import agents, contacts, departments, rooms, visitors
from gateway.upstream.agents import AgentQuery

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from gateway.upstream.client import Credentials, Upstream
    from gateway.upstream.records import (
        AgentRecord,
        ContactRecord,
        DepartmentRecord,
        Page,
        PageVisitRecord,
        RoomRecord,
        VisitorRecord,
    )

K = TypeVar("K")
# Agents whose name or email contains someone's username come back too.
AGENT_SEARCH_PAGE = 25
V = TypeVar("V")


@dataclass(frozen=True)
class PagesKey:
    """One window of a room's navigation history."""

    room_id: str
    offset: int
    count: int


@dataclass(frozen=True)
class HistoryKey:
    """One window of a visitor's rooms, asked through a room the caller may read."""

    room_id: str
    visitor_id: str
    offset: int
    count: int


def fan_out(
    fetch: Callable[[K], Awaitable[V]],
) -> Callable[[list[K]], Awaitable[Sequence[V | BaseException]]]:
    """A batch function calling `fetch` per key, all keys at once."""

    async def one(key: K) -> V | BaseException:
        try:
            return await fetch(key)
        except Exception as exc:  # each key keeps its own failure
            return exc

    async def batch(keys: list[K]) -> Sequence[V | BaseException]:
        return await asyncio.gather(*(one(key) for key in keys))

    return batch


class Loaders:
    """The per-request DataLoaders, bound to one caller's credentials."""

    def __init__(self, upstream: Upstream, credentials: Credentials) -> None:
        self._upstream = upstream
        self._credentials = credentials

    @functools.cached_property
    def visitor(self) -> DataLoader[str, VisitorRecord]:
        return DataLoader(fan_out(self._visitor))

    @functools.cached_property
    def visitor_by_token(self) -> DataLoader[str, VisitorRecord]:
        return DataLoader(fan_out(self._visitor_by_token))

    @functools.cached_property
    def room(self) -> DataLoader[str, RoomRecord]:
        return DataLoader(fan_out(self._room))

    @functools.cached_property
    def contact(self) -> DataLoader[str, ContactRecord]:
        return DataLoader(fan_out(self._contact))

    @functools.cached_property
    def pages_visited(self) -> DataLoader[PagesKey, Page[PageVisitRecord]]:
        return DataLoader(fan_out(self._pages_visited))

    @functools.cached_property
    def chat_history(self) -> DataLoader[HistoryKey, Page[RoomRecord]]:
        return DataLoader(fan_out(self._chat_history))

    @functools.cached_property
    def department(self) -> DataLoader[str, DepartmentRecord]:
        return DataLoader(fan_out(self._department))

    @functools.cached_property
    def agent(self) -> DataLoader[str, AgentRecord | None]:
        return DataLoader(fan_out(self._agent))

    async def _visitor(self, visitor_id: str) -> VisitorRecord:
        return await visitors.get_visitor(self._upstream, self._credentials, visitor_id)

    async def _visitor_by_token(self, token: str) -> VisitorRecord:
        return await visitors.get_visitor_by_token(
            self._upstream, self._credentials, token
        )

    async def _room(self, room_id: str) -> RoomRecord:
        return await rooms.get_room(self._upstream, self._credentials, room_id)

    async def _contact(self, contact_id: str) -> ContactRecord:
        return await contacts.get_contact(self._upstream, self._credentials, contact_id)

    async def _pages_visited(self, key: PagesKey) -> Page[PageVisitRecord]:
        return await visitors.list_pages_visited(
            self._upstream,
            self._credentials,
            key.room_id,
            offset=key.offset,
            count=key.count,
        )

    async def _chat_history(self, key: HistoryKey) -> Page[RoomRecord]:
        return await visitors.chat_history(
            self._upstream,
            self._credentials,
            key.room_id,
            key.visitor_id,
            offset=key.offset,
            count=key.count,
        )

    async def _department(self, department_id: str) -> DepartmentRecord:
        return await departments.get_department(
            self._upstream, self._credentials, department_id
        )

    async def _agent(self, username: str) -> AgentRecord | None:
        # No lookup by id exists: search the username, keep the exact match.
        page = await agents.list_agents(
            self._upstream,
            self._credentials,
            AgentQuery(text=username),
            offset=0,
            count=AGENT_SEARCH_PAGE,
        )
        return next((a for a in page.items if a.username == username), None)
