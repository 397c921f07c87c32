"""The route table and dispatch on the raw, still-encoded path.

Rocket.Chat splits `/api/v1/...` into segments before decoding them, so an
encoded slash (`%2F`) stays inside its segment; Starlette would route on the
decoded path instead, hence this small router.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..compat.ajv import BOOLEAN, NUMBER, PAGINATION, STRING, STRINGS, closed
from ..endpoints import (
    auth,
    closing,
    contacts,
    departments,
    forwarding,
    messages,
    opening,
    pages,
    registration,
    rooms,
    visitors,
)
from .ratelimit import DEFAULT_LIMIT, REGISTRATION_LIMIT

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ..compat.ajv import Schema
    from .request import ApiRequest

    Handler = Callable[[ApiRequest], Awaitable[dict[str, Any]]]

PREFIX = "/api/v1/"
FLAG = {"type": ["string", "boolean"]}


@dataclass(frozen=True)
class Route:
    """One endpoint: how it is reached, guarded, validated and handled."""

    method: str
    path: str
    handler: Handler
    auth: bool = True
    permission: str | tuple[str, ...] | None = None
    any_permission: tuple[str, ...] = ()
    query: Schema | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def segments(self) -> list[str]:
        return self.path.split("/")


DEPARTMENT_READERS = ("view-livechat-departments", "view-l-room")
ROOMS_QUERY = closed(
    {
        "agents": STRINGS,
        "departmentId": {"anyOf": [STRING, STRINGS]},
        "open": FLAG,
        "onhold": FLAG,
        "queued": FLAG,
        "createdAt": STRING,
        "closedAt": STRING,
        "tags": STRINGS,
        "customFields": STRING,
        "roomName": STRING,
        "units": STRINGS,
        "offset": NUMBER,
        "count": NUMBER,
        "sort": STRING,
        "fields": STRING,
        "query": STRING,
    }
)

ROUTES = [
    Route("POST", "login", auth.login, auth=False),
    Route("POST", "logout", auth.logout),
    Route("GET", "me", auth.me),
    Route(
        "GET",
        "livechat/visitors.search",
        visitors.search,
        permission="view-l-room",
        query=closed({"term": STRING, **PAGINATION}, ("term",)),
    ),
    Route("GET", "livechat/rooms", rooms.list_rooms, query=ROOMS_QUERY),
    Route("GET", "livechat/visitor/:token", visitors.by_token, auth=False),
    Route(
        "POST",
        "livechat/visitor",
        registration.register,
        auth=False,
        limit=REGISTRATION_LIMIT,
    ),
    Route("POST", "livechat/page.visited", pages.page_visited, auth=False),
    Route(
        "GET",
        "livechat/visitors.info",
        visitors.info,
        permission="view-l-room",
        query=closed({"visitorId": STRING}, ("visitorId",)),
    ),
    Route(
        "GET",
        "livechat/visitors.pagesVisited/:roomId",
        pages.pages_visited,
        permission="view-l-room",
        query=closed(PAGINATION),
    ),
    Route(
        "GET",
        "livechat/visitors.chatHistory/room/:roomId/visitor/:visitorId",
        rooms.chat_history,
        permission="view-l-room",
        query=closed(PAGINATION),
    ),
    Route(
        "GET",
        "omnichannel/contacts.search",
        contacts.search,
        permission="view-livechat-contact",
        query=closed(
            {"searchText": STRING, "unknown": {"type": "boolean"}, **PAGINATION}
        ),
    ),
    Route(
        "GET",
        "omnichannel/contacts.get",
        contacts.get,
        permission="view-livechat-contact",
        query=closed(
            {"contactId": {"type": "string", "isNotEmpty": True}}, ("contactId",)
        ),
    ),
    Route("GET", "rooms.info", rooms.info),
    Route(
        "GET",
        "livechat/department",
        departments.list_departments,
        any_permission=DEPARTMENT_READERS,
        query=closed(
            {
                "text": STRING,
                "enabled": STRING,
                "onlyMyDepartments": {"type": "string", "enum": ["true", "false"]},
                "excludeDepartmentId": STRING,
                "showArchived": STRING,
                **PAGINATION,
                "query": STRING,
            }
        ),
    ),
    Route(
        "GET",
        "livechat/department/:_id",
        departments.department,
        any_permission=DEPARTMENT_READERS,
    ),
    Route(
        "GET",
        "livechat/users/:type",
        departments.list_users,
        query=closed(
            {
                "text": STRING,
                "onlyAvailable": BOOLEAN,
                "excludeId": STRING,
                "showIdleAgents": BOOLEAN,
                **PAGINATION,
                "query": STRING,
                "fields": STRING,
            }
        ),
    ),
    Route(
        "POST",
        "livechat/room.closeByUser",
        closing.close_by_user,
        permission="close-livechat-room",
    ),
    Route(
        "POST",
        "livechat/room.forward",
        forwarding.forward,
        permission=("view-l-room", "transfer-livechat-guest"),
    ),
    Route(
        "GET",
        "livechat/room",
        opening.get_or_open_room,
        auth=False,
        limit=REGISTRATION_LIMIT,
    ),
    Route("POST", "livechat/message", messages.send_message, auth=False),
    Route(
        "GET",
        "livechat/messages.history/:rid",
        messages.history,
        auth=False,
        query=closed(
            {
                "token": STRING,
                "limit": NUMBER,
                "offset": NUMBER,
                "end": STRING,
                "ls": STRING,
                "count": NUMBER,
                "sort": STRING,
                "searchText": STRING,
            },
            ("token",),
        ),
    ),
    Route("POST", "livechat/room.close", closing.visitor_close, auth=False),
    # Last: its first segment after `livechat/` matches anything.
    Route(
        "GET",
        "livechat/:rid/messages",
        messages.room_messages,
        permission="view-l-room",
        query=closed({**PAGINATION, "searchTerm": STRING}),
    ),
]


def match(method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for this method and raw path, with decoded path parameters."""
    if not raw_path.startswith(PREFIX):
        return None
    segments = raw_path[len(PREFIX) :].split("/")
    for route in ROUTES:
        if route.method != method or len(route.segments) != len(segments):
            continue
        params: dict[str, str] = {}
        for pattern, segment in zip(route.segments, segments, strict=True):
            if pattern.startswith(":"):
                if not segment:
                    break
                params[pattern[1:]] = unquote(segment)
            elif pattern != segment:
                break
        else:
            return route, params
    return None
