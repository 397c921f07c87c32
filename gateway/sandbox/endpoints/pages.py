"""Page visits: POST livechat/page.visited and visitors.pagesVisited (§5, §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compat.ajv import STRING, ValidationError, closed, validate
from ..http.errors import invalid_params, plain
from ..store.ids import now_iso, now_ms, object_id
from .listing import Window

if TYPE_CHECKING:
    from ..http.request import ApiRequest

NAVIGATION = "livechat_navigation_history"
EXPIRE_MS = 2_592_000_000
BODY = closed(
    {
        "token": STRING,
        "rid": {"type": "string", "nullable": True},
        "pageInfo": closed(
            {
                "title": STRING,
                "change": STRING,
                "location": closed({"href": STRING}, ("href",)),
            },
            ("title", "change", "location"),
        ),
    },
    ("token", "pageInfo"),
)


async def page_visited(req: ApiRequest) -> dict[str, Any]:
    try:
        body = validate(BODY, req.body_params())
    except ValidationError as exc:
        raise invalid_params(exc.messages) from None
    store = req.store
    page_info = body["pageInfo"]
    if page_info["change"] != store.setting("Livechat_history_monitor_type", "url"):
        return {}
    bot = store.get("users", "rocket.cat")
    if bot is None:
        raise plain("error-invalid-user")
    now = now_iso()
    rid = body.get("rid")
    message = {
        "_id": object_id(),
        "t": NAVIGATION,
        "rid": rid,
        "ts": now,
        "msg": f"{page_info['title']} - {page_info['location']['href']}",
        "u": {
            "_id": "rocket.cat",
            "username": bot.get("username", "rocket.cat"),
            "name": bot.get("name", "Rocket.Cat"),
        },
        "groupable": False,
        "navigation": {"page": page_info, "token": body["token"]},
    }
    if not store.setting("Livechat_Visitor_navigation_as_a_message", False):
        message["_hidden"] = True
    if not rid:
        message.pop("rid")
        message["expireAt"] = now_ms() + EXPIRE_MS
    message["_updatedAt"] = now
    with store.transaction():
        store.insert("rocketchat_message", message)
        room = store.get("rocketchat_room", rid) if rid else None
        if room is not None:
            messages = room.get("msgs")
            room["msgs"] = (messages if isinstance(messages, int) else 0) + 1
            store.save("rocketchat_room", room)
    return {"page": {"msg": message["msg"], "navigation": message["navigation"]}}


async def pages_visited(req: ApiRequest) -> dict[str, Any]:
    window = Window.of(req.query, req.store, [("ts", -1)])
    store = req.store
    room_id = req.params["roomId"]
    if store.get("rocketchat_room", room_id) is None:
        raise plain("invalid-room")
    where, params = "rid = ? AND t = ?", (room_id, NAVIGATION)
    pages, total = window.fetch(store, "rocketchat_message", where, params)
    return window.listing("pages", pages, total)
