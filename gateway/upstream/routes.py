"""Route templates of the REST paths the gateway calls, for logs, metrics and spans.

A concrete path carries ids, and one of them (a visitor's token) is a secret;
only its template (`/api/v1/livechat/visitor/:token`) may be reported.
"""

from __future__ import annotations

import functools

API_PREFIX = "/api/v1/"
UNKNOWN_ROUTE = "unknown"
INFO_ROUTE = "/api/info"

# Every path `Upstream.request` is called with, as Rocket.Chat routes it.
ROUTES = (
    "livechat/visitors.search",
    "livechat/visitors.info",
    "livechat/visitor/:token",
    "livechat/visitor",
    "livechat/page.visited",
    "livechat/rooms",
    "livechat/visitors.pagesVisited/:roomId",
    "livechat/visitors.chatHistory/room/:roomId/visitor/:visitorId",
    "omnichannel/contacts.search",
    "omnichannel/contacts.get",
    "rooms.info",
    "livechat/department",
    "livechat/department/:_id",
    "livechat/users/:type",
    "livechat/room.closeByUser",
    "livechat/room.forward",
    "livechat/room",
    "livechat/message",
    "livechat/messages.history/:rid",
    "livechat/room.close",
    # Last: its first segment after `livechat/` matches anything.
    "livechat/:rid/messages",
)
_SPLIT = tuple((route, route.split("/")) for route in ROUTES)


@functools.lru_cache(maxsize=1024)
def route_of(path: str) -> str:
    """`/api/v1/<template>` for a path relative to /api/v1/, else `unknown`."""
    segments = path.split("?", 1)[0].split("/")
    for route, pattern in _SPLIT:
        if len(pattern) == len(segments) and all(
            part.startswith(":") or part == segment
            for part, segment in zip(pattern, segments, strict=True)
        ):
            return API_PREFIX + route
    return UNKNOWN_ROUTE
