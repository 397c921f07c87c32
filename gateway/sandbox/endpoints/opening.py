"""Opening a conversation: livechat/room, the visitor's room, new or open (§19)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compat.meteor import Maybe, check
from ..http.errors import coded, plain
from ..rules.livechat import (
    DEPARTMENTS,
    ROOMS,
    USERS,
    assign,
    count_pick,
    department_agents,
    is_online_agent,
    next_agent,
    next_department_agent,
    online_agents,
    system_message,
    visitor_by_token,
    visitor_room,
)
from ..store.ids import meteor_id, now_iso, object_id
from ..store.sqlite import any_element

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store


ROOM_QUERY = {"token": str, "rid": Maybe(str), "agentId": Maybe(str)}

PRIORITY_NOT_SPECIFIED = 3

DEFAULT_WAITING_TIME = 9_999_999


def _contact_of(store: Store, visitor: Doc) -> Doc | None:
    return store.find_one(
        "livechat_contact",
        any_element("$.channels", "visitor.visitorId", "{} = ?"),
        (visitor["_id"],),
    )


def _new_contact(store: Store, visitor: Doc, source: Doc, now: str) -> Doc:
    contact: Doc = {
        "_id": object_id(),
        "name": visitor.get("name") or visitor.get("username"),
    }
    if visitor.get("visitorEmails"):
        contact["emails"] = [dict(e) for e in visitor["visitorEmails"]]
    if visitor.get("phone"):
        contact["phones"] = [dict(p) for p in visitor["phone"]]
    contact.update(
        {
            "unknown": True,
            "channels": [
                {
                    "name": source["type"],
                    "verified": False,
                    "visitor": {
                        "visitorId": visitor["_id"],
                        "source": {"type": source["type"]},
                    },
                    "blocked": False,
                    "details": {"type": source["type"]},
                }
            ],
            "createdAt": now,
            "_updatedAt": now,
        }
    )
    store.insert("livechat_contact", contact)
    return contact


def _department_for(store: Store, visitor: Doc, agent_hint: str | None) -> Doc | None:
    wanted = visitor.get("department")
    if isinstance(wanted, str) and wanted:
        return store.get(DEPARTMENTS, wanted)
    if agent_hint:
        return None
    for department in store.find(DEPARTMENTS, "json_type(doc, '$.enabled') = 'true'"):
        agents = department.get("numAgents")
        if not isinstance(agents, int) or agents <= 0:
            continue
        if department.get("showOnRegistration") is not True:
            continue
        if next_department_agent(store, department["_id"]) is not None:
            return department
    return None


def _source(req: ApiRequest) -> Doc:
    cookies = req.headers.get("cookie", "")
    jar = {}
    for part in cookies.split(";"):
        key, _, value = part.strip().partition("=")
        jar[key] = value
    if jar.get("rc_room_type") == "l" and jar.get("rc_is_widget") == "t":
        return {"type": "widget", "destination": req.headers.get("host", "")}
    return {"type": "api"}


def _route(store: Store, room: Doc, department: Doc | None, hint: str | None) -> None:
    if store.setting("Livechat_Routing_Method", "Auto_Selection") != "Auto_Selection":
        return
    now = room["ts"]
    hinted = store.get(USERS, hint) if hint else None
    picked: tuple[Doc, Doc | None] | None = None
    if hinted is not None and is_online_agent(store, hinted):
        record = None
        if department is not None:
            record = next(
                (
                    r
                    for r in department_agents(store, department["_id"])
                    if r.get("agentId") == hinted["_id"]
                ),
                None,
            )
        picked = (hinted, record)
    elif department is not None:
        picked = next_department_agent(store, department["_id"])
    else:
        agent = next_agent(store)
        picked = (agent, None) if agent is not None else None
    if picked is None:
        return
    agent, record = picked
    assign(store, room, agent, now)
    count_pick(store, agent, record)


async def get_or_open_room(req: ApiRequest) -> dict[str, Any]:
    query = req.query
    try:
        check(query, ROOM_QUERY)
    except Exception as exc:
        raise plain(str(exc)) from None
    store = req.store
    token: str = query["token"]
    with store.transaction():
        visitor = visitor_by_token(store, token)
        if visitor is None:
            raise plain("invalid-token")
        rid = query.get("rid")
        if rid:
            room = visitor_room(store, rid, token)
            if room is None or room.get("open") is not True:
                raise plain("invalid-room")
            return {"room": room, "newRoom": False}
        room = store.find_one(
            ROOMS,
            "t = 'l' AND json_extract(doc, '$.v.token') = ? AND open_type = 'true'",
            (token,),
        )
        if room is not None:
            return {"room": room, "newRoom": False}
        return {"room": _open(req, store, visitor), "newRoom": True}


def _open(req: ApiRequest, store: Store, visitor: Doc) -> Doc:
    if store.setting("Livechat_enabled", True) is False:
        raise coded("error-omnichannel-is-disabled")
    contact = _contact_of(store, visitor)
    if contact is not None and any(
        isinstance(channel, dict)
        and (channel.get("visitor") or {}).get("visitorId") == visitor["_id"]
        and channel.get("blocked") is True
        for channel in contact.get("channels") or []
    ):
        raise plain("error-contact-channel-blocked")
    hint = req.query.get("agentId") or None
    department = _department_for(store, visitor, hint)
    if store.setting("Livechat_accept_chats_with_no_agents", False) is not True:
        if department is not None:
            available = next_department_agent(store, department["_id"]) is not None
        else:
            available = bool(hint) or bool(online_agents(store))
        if not available:
            raise coded("no-agent-online", "Sorry, no online agents")
    now = now_iso()
    source = _source(req)
    if contact is None:
        contact = _new_contact(store, visitor, source, now)
    embedded = {
        "_id": visitor["_id"],
        "username": visitor.get("username"),
        "token": visitor["token"],
        "status": visitor.get("status", "online"),
    }
    room: Doc = {
        "_id": meteor_id(),
        "t": "l",
        "fname": contact.get("name") or visitor.get("name") or visitor.get("username"),
        "ts": now,
        "lm": now,
        "msgs": 0,
        "usersCount": 1,
        "v": embedded,
        "contactId": contact["_id"],
        "cl": False,
        "open": True,
        "waitingResponse": True,
        "verified": False,
        "source": source,
        "queuedAt": now,
        "priorityWeight": PRIORITY_NOT_SPECIFIED,
        "estimatedWaitingTimeQueue": DEFAULT_WAITING_TIME,
    }
    if department is not None:
        room["departmentId"] = department["_id"]
    room["_updatedAt"] = now
    system_message(
        store,
        room,
        "livechat-started",
        {"_id": visitor["_id"], "username": visitor.get("username")},
        "",
        token=visitor["token"],
    )
    _route(store, room, department, hint)
    store.insert(ROOMS, room)
    visitor["lastChat"] = {"_id": room["_id"], "ts": now}
    store.save("livechat_visitor", visitor)
    stored = store.get(ROOMS, room["_id"])
    assert stored is not None
    return stored
