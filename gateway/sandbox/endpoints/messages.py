"""Room messages: the agent transcript, visitor send and history (§16, §20, §21)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..compat.ajv import NULLABLE_STRING, STRING, closed
from ..http.errors import ApiError, plain
from ..rules.access import can_access_room
from ..rules.livechat import (
    MESSAGES,
    ROOMS,
    body_of,
    livechat_room,
    visitor_by_token,
    visitor_room,
)
from ..store.ids import iso, meteor_id, now_iso, parse_date
from ..store.sqlite import contains
from .listing import Window, skip

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

SEND_BODY = closed(
    {
        "token": STRING,
        "rid": STRING,
        "msg": STRING,
        "_id": NULLABLE_STRING,
        "agent": closed(
            {"agentId": STRING, "username": STRING}, ("agentId", "username")
        ),
    },
    ("token", "rid", "msg"),
)
HISTORY_LIMIT = 20


def _own_stars(message: Doc, user_id: str) -> Doc:
    starred = message.get("starred")
    if isinstance(starred, list):
        message["starred"] = [
            star
            for star in starred
            if isinstance(star, dict) and star.get("_id") == user_id
        ]
    return message


async def room_messages(req: ApiRequest) -> dict[str, Any]:
    store = req.store
    window = Window.of(req.query, store, [("ts", -1)])
    room = livechat_room(store, req.params["rid"])
    if room is None:
        raise plain("invalid-room")
    user = req.current_user
    if not can_access_room(store, user, room):
        raise plain("not-allowed")
    where = "rid = ? AND (t IS NULL OR t = 'livechat-close')"
    params: list[object] = [room["_id"]]
    term = req.query.get("searchTerm")
    if isinstance(term, str) and term:
        template, like = contains(term)
        where += " AND " + template.replace("{}", "json_extract(doc, '$.msg')")
        params += like
    found, total = window.fetch(store, MESSAGES, where, params)
    messages = [_own_stars(message, user["_id"]) for message in found]
    # Like contacts.search, the page size is reported as `count`.
    return window.listing("messages", messages, total, count=window.count)


def _markdown(text: str) -> list[Doc]:
    """A minimal message AST (Rocket.Chat's `md`; opaque to clients)."""
    return [{"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": text}]}]


def _channel_blocked(store: Store, visitor: Doc) -> bool:
    contact = store.find_one(
        "livechat_contact",
        "EXISTS (SELECT 1 FROM json_each(doc, '$.channels') c WHERE "
        "json_extract(c.value, '$.visitor.visitorId') = ? AND "
        "json_type(c.value, '$.blocked') = 'true')",
        (visitor["_id"],),
    )
    return contact is not None


def _too_long(store: Store, text: str) -> bool:
    if store.setting("Livechat_enable_message_character_limit", False) is not True:
        return False
    limit = store.setting("Livechat_message_character_limit", 0)
    return isinstance(limit, int) and limit > 0 and len(text) > limit


async def send_message(req: ApiRequest) -> dict[str, Any]:
    body = body_of(req, SEND_BODY)
    store = req.store
    token: str = body["token"]
    with store.transaction():
        visitor = visitor_by_token(store, token)
        if visitor is None:
            raise plain("invalid-token")
        room = visitor_room(store, body["rid"], token)
        if room is None:
            raise plain("invalid-room")
        if room.get("open") is not True:
            raise plain("room-closed")
        text: str = body["msg"]
        if _too_long(store, text):
            raise plain("message-length-exceeds-character-limit")
        message_id = body.get("_id") or meteor_id()
        if _channel_blocked(store, visitor):
            raise plain("error-contact-channel-blocked")
        if store.get(MESSAGES, message_id) is not None:
            raise ApiError(400, {"success": False})
        now = now_iso()
        author: Doc = {"_id": visitor["_id"], "username": visitor.get("username")}
        message: Doc = {
            "_id": message_id,
            "rid": room["_id"],
            "msg": text,
            "token": token,
        }
        if visitor.get("name"):
            message["alias"] = visitor["name"]
            author["name"] = visitor["name"]
        message.update(
            {
                "ts": now,
                "u": author,
                "_updatedAt": now,
                "md": _markdown(text),
                "mentions": [],
                "channels": [],
            }
        )
        store.insert(MESSAGES, message)
        msgs = room.get("msgs")
        room["msgs"] = (msgs if isinstance(msgs, int) else 0) + 1
        room["lm"] = now
        room["lastMessage"] = message
        room["waitingResponse"] = True
        embedded = dict(room.get("v") or {})
        embedded["lastMessageTs"] = now
        room["v"] = embedded
        room["_updatedAt"] = now
        store.save(ROOMS, room)
    return {"message": store.get(MESSAGES, message_id)}


def _whole(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    if math.isnan(value) or math.isinf(value):
        return default
    return int(value)


def _hidden_types(store: Store, room: Doc) -> list[str]:
    hidden = store.setting("Hide_System_Messages", [])
    types = (
        [t for t in hidden if isinstance(t, str)] if isinstance(hidden, list) else []
    )
    own = room.get("sysMes")
    if isinstance(own, list):
        types += [t for t in own if isinstance(t, str)]
    return types


async def history(req: ApiRequest) -> dict[str, Any]:
    query = req.query
    store = req.store
    token = query["token"]
    if not token:
        raise plain("error-token-param-not-provided")
    if visitor_by_token(store, token) is None:
        raise plain("invalid-token")
    room = visitor_room(store, req.params["rid"], token)
    if room is None:
        raise plain("invalid-room")
    where = "rid = ? AND json_type(doc, '$._hidden') IS NOT 'true'"
    params: list[object] = [room["_id"]]
    hidden = _hidden_types(store, room)
    if hidden:
        where += f" AND (t IS NULL OR t NOT IN ({', '.join('?' * len(hidden))}))"
        params += hidden
    end = parse_date(query.get("end")) if isinstance(query.get("end"), str) else None
    if end is not None:
        where += " AND ts < ?"
        params.append(iso(end))
    limit = abs(_whole(query.get("limit"), HISTORY_LIMIT)) or HISTORY_LIMIT
    offset = _whole(query.get("offset"), 0)
    found = store.find(MESSAGES, where, params, [("ts", -1)], skip(offset), limit)
    return {"messages": found}
