"""Visitors over REST: search, lookups, registration, page visits, history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.upstream.client import paging, segment
from gateway.upstream.records import (
    PageVisitRecord,
    RoomRecord,
    VisitorRecord,
    page_of,
    record_of,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.upstream.client import Credentials, Upstream
    from gateway.upstream.records import Page


@dataclass(frozen=True)
class CustomFieldValue:
    """One `customFields` item of a registration."""

    key: str
    value: str
    overwrite: bool


@dataclass(frozen=True)
class VisitorRegistration:
    """The body of `POST livechat/visitor`, typed."""

    token: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    department: str | None = None
    username: str | None = None
    custom_fields: tuple[CustomFieldValue, ...] = ()

    def to_json(self) -> dict[str, Any]:
        visitor: dict[str, Any] = {"token": self.token}
        for key in ("name", "email", "phone", "department", "username"):
            value = getattr(self, key)
            if value is not None:
                visitor[key] = value
        if self.custom_fields:
            visitor["customFields"] = [
                {"key": f.key, "value": f.value, "overwrite": f.overwrite}
                for f in self.custom_fields
            ]
        return {"visitor": visitor}


@dataclass(frozen=True)
class PageVisit:
    """The body of `POST livechat/page.visited`, typed."""

    token: str
    room_id: str | None
    change: str
    title: str
    url: str

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "token": self.token,
            "pageInfo": {
                "change": self.change,
                "title": self.title,
                "location": {"href": self.url},
            },
        }
        if self.room_id is not None:
            body["rid"] = self.room_id
        return body


async def search_visitors(
    upstream: Upstream,
    credentials: Credentials,
    term: str,
    *,
    offset: int,
    count: int,
    sort: Mapping[str, int] | None = None,
) -> Page[VisitorRecord]:
    body = await upstream.request(
        "GET",
        "livechat/visitors.search",
        credentials,
        params={"term": term, **paging(offset, count, sort)},
    )
    return page_of(body, "visitors", VisitorRecord.from_json, offset=offset)


async def get_visitor(
    upstream: Upstream, credentials: Credentials, visitor_id: str
) -> VisitorRecord:
    body = await upstream.request(
        "GET",
        "livechat/visitors.info",
        credentials,
        params={"visitorId": visitor_id},
    )
    return VisitorRecord.from_json(record_of(body.get("visitor"), "`visitor`"))


async def get_visitor_by_token(
    upstream: Upstream, credentials: Credentials, token: str
) -> VisitorRecord:
    """The visitor holding `token`, token included: the caller proved it."""
    body = await upstream.request(
        "GET", f"livechat/visitor/{segment(token)}", credentials, auth=False
    )
    return VisitorRecord.from_json(
        record_of(body.get("visitor"), "`visitor`"), keep_token=True
    )


async def register_visitor(
    upstream: Upstream, credentials: Credentials, registration: VisitorRegistration
) -> VisitorRecord:
    body = await upstream.request(
        "POST",
        "livechat/visitor",
        credentials,
        json=registration.to_json(),
        auth=False,
    )
    return VisitorRecord.from_json(
        record_of(body.get("visitor"), "`visitor`"), keep_token=True
    )


async def record_page_visit(
    upstream: Upstream, credentials: Credentials, visit: PageVisit
) -> bool:
    """Send a page visit; True when the upstream stored it (`page` returned)."""
    body = await upstream.request(
        "POST", "livechat/page.visited", credentials, json=visit.to_json(), auth=False
    )
    return isinstance(body.get("page"), dict)


async def list_pages_visited(
    upstream: Upstream,
    credentials: Credentials,
    room_id: str,
    *,
    offset: int,
    count: int,
) -> Page[PageVisitRecord]:
    body = await upstream.request(
        "GET",
        f"livechat/visitors.pagesVisited/{segment(room_id)}",
        credentials,
        params=paging(offset, count),
    )
    return page_of(body, "pages", PageVisitRecord.from_json, offset=offset)


async def chat_history(
    upstream: Upstream,
    credentials: Credentials,
    room_id: str,
    visitor_id: str,
    *,
    offset: int,
    count: int,
) -> Page[RoomRecord]:
    """Every livechat room of `visitor_id`; `room_id` only gates access."""
    path = (
        f"livechat/visitors.chatHistory/room/{segment(room_id)}"
        f"/visitor/{segment(visitor_id)}"
    )
    body = await upstream.request(
        "GET", path, credentials, params=paging(offset, count)
    )
    return page_of(body, "history", RoomRecord.from_json, offset=offset)
