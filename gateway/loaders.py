"""Loaders: one DataLoader per batchable upstream call, made fresh per request.

Rocket.Chat has no batch endpoints, so a batch is a concurrent fan-out of
single calls, bounded by one semaphore per request (`Settings.max_fan_out`).
Keys are deduplicated by the DataLoader; each key gets its own result or its
own exception, so one failed lookup fails only the fields that asked for it.
Nothing is cached beyond the request the loaders were built for.
"""

from __future__ import annotations

import asyncio
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
    fetch: Callable[[K], Awaitable[V]], semaphore: asyncio.Semaphore
) -> Callable[[list[K]], Awaitable[Sequence[V | BaseException]]]:
    """A batch function calling `fetch` per key, at most the semaphore at once."""

    async def one(key: K) -> V | BaseException:
        async with semaphore:
            try:
                return await fetch(key)
            except Exception as exc:  # each key keeps its own failure
                return exc

    async def batch(keys: list[K]) -> Sequence[V | BaseException]:
        return await asyncio.gather(*(one(key) for key in keys))

    return batch


class Loaders:
    """The per-request DataLoaders, bound to one caller's credentials."""

    def __init__(
        self, upstream: Upstream, credentials: Credentials, *, max_fan_out: int
    ) -> None:
        semaphore = asyncio.Semaphore(max_fan_out)

        async def visitor(visitor_id: str) -> VisitorRecord:
            return await visitors.get_visitor(upstream, credentials, visitor_id)

        async def visitor_by_token(token: str) -> VisitorRecord:
            return await visitors.get_visitor_by_token(upstream, credentials, token)

        async def room(room_id: str) -> RoomRecord:
            return await rooms.get_room(upstream, credentials, room_id)

        async def contact(contact_id: str) -> ContactRecord:
            return await contacts.get_contact(upstream, credentials, contact_id)

        async def pages_visited(key: PagesKey) -> Page[PageVisitRecord]:
            return await visitors.list_pages_visited(
                upstream, credentials, key.room_id, offset=key.offset, count=key.count
            )

        async def chat_history(key: HistoryKey) -> Page[RoomRecord]:
            return await visitors.chat_history(
                upstream,
                credentials,
                key.room_id,
                key.visitor_id,
                offset=key.offset,
                count=key.count,
            )

        async def department(department_id: str) -> DepartmentRecord:
            return await departments.get_department(
                upstream, credentials, department_id
            )

        async def agent(username: str) -> AgentRecord | None:
            # No lookup by id exists: search the username, keep the exact match.
            page = await agents.list_agents(
                upstream,
                credentials,
                AgentQuery(text=username),
                offset=0,
                count=AGENT_SEARCH_PAGE,
            )
            return next((a for a in page.items if a.username == username), None)

        self.visitor = DataLoader(fan_out(visitor, semaphore))
        self.department = DataLoader(fan_out(department, semaphore))
        self.agent = DataLoader(fan_out(agent, semaphore))
        self.visitor_by_token = DataLoader(fan_out(visitor_by_token, semaphore))
        self.room = DataLoader(fan_out(room, semaphore))
        self.contact = DataLoader(fan_out(contact, semaphore))
        self.pages_visited = DataLoader(fan_out(pages_visited, semaphore))
        self.chat_history = DataLoader(fan_out(chat_history, semaphore))
