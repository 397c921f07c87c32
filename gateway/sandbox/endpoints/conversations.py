"""Conversation life cycle: open (§19), close (§17, §22) and forward (§18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compat.ajv import (
    BOOLEAN,
    NULLABLE_BOOLEAN,
    NULLABLE_STRING,
    STRING,
    closed,
)
from ..compat.meteor import Maybe, check
from ..http.errors import coded, plain
from ..rules.livechat import (
    DEPARTMENTS,
    ROOMS,
    USERS,
    assign,
    body_of,
    can_close_others,
    close_room,
    closing_tags,
    count_pick,
    department_agents,
    is_online_agent,
    livechat_room,
    next_agent,
    next_department_agent,
    online_agents,
    remove_agent,
    subscribed,
    system_message,
    visitor_by_token,
    visitor_room,
    who,
)
from ..store.ids import meteor_id, now_iso, object_id
from ..store.sqlite import any_element

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

CLOSE_BODY = closed(
    {
        "rid": STRING,
        "comment": NULLABLE_STRING,
        "tags": {"type": "array", "items": STRING, "nullable": True},
        "generateTranscriptPdf": NULLABLE_BOOLEAN,
        "transcriptEmail": closed(
            {
                "sendToVisitor": BOOLEAN,
                "requestData": closed(
                    {"email": STRING, "subject": STRING}, ("email", "subject")
                ),
            },
            ("sendToVisitor",),
        ),
        "forceClose": BOOLEAN,
    },
    ("rid",),
)
FORWARD_BODY = closed(
    {
        "roomId": STRING,
        "userId": NULLABLE_STRING,
        "departmentId": NULLABLE_STRING,
        "comment": NULLABLE_STRING,
        "clientAction": NULLABLE_BOOLEAN,
    },
    ("roomId",),
)
VISITOR_CLOSE_BODY = closed({"token": STRING, "rid": STRING}, ("token", "rid"))
ROOM_QUERY = {"token": str, "rid": Maybe(str), "agentId": Maybe(str)}
CLOSED_BY_VISITOR = "Closed by visitor"
PRIORITY_NOT_SPECIFIED = 3
DEFAULT_WAITING_TIME = 9_999_999


async def close_by_user(req: ApiRequest) -> dict[str, Any]:
    body = body_of(req, CLOSE_BODY)
    store = req.store
    user = req.current_user
    with store.transaction():
        room = livechat_room(store, body["rid"])
        if room is None:
            raise plain("error-invalid-room")
        if not subscribed(store, user, room) and not can_close_others(store, user):
            raise plain("error-not-authorized")
        force = body.get("forceClose") is True and (
            store.setting("Omnichannel_allow_force_close_conversations", False) is True
        )
        if room.get("open") is not True and not force:
            raise plain("error-room-already-closed")
        comment = body.get("comment")
        required = store.setting(
            "Livechat_request_comment_when_closing_conversation", True
        )
        if required is not False and (
            not isinstance(comment, str) or not comment.strip()
        ):
            raise plain("error-comment-is-required")
        tags = closing_tags(store, room, body.get("tags"))
        email = body.get("transcriptEmail") or {}
        close_room(
            store,
            room,
            "user",
            who(user),
            comment if isinstance(comment, str) else "",
            tags,
            transcript_requested=email.get("sendToVisitor") is True,
        )
    return {}


async def visitor_close(req: ApiRequest) -> dict[str, Any]:
    body = body_of(req, VISITOR_CLOSE_BODY)
    store = req.store
    if store.setting("Omnichannel_allow_visitors_to_close_conversation", True) is False:
        raise plain("error-not-allowed-to-close-conversation")
    with store.transaction():
        visitor = visitor_by_token(store, body["token"])
        if visitor is None:
            raise plain("invalid-token")
        room = visitor_room(store, body["rid"], body["token"])
        if room is None:
            raise plain("invalid-room")
        if room.get("open") is not True:
            raise plain("room-closed")
        tags = closing_tags(store, room, None)
        close_room(
            store,
            room,
            "visitor",
            who(visitor),
            CLOSED_BY_VISITOR,
            tags,
            token=body["token"],
        )
    return {"rid": room["_id"], "comment": CLOSED_BY_VISITOR}


def _transferred_by(room: Doc, caller: Doc) -> Doc:
    """`transferData.transferredBy`: agent when the caller serves the room."""
    served = room.get("servedBy")
    by: Doc = who(caller)
    if caller.get("name"):
        by["name"] = caller["name"]
    serving = isinstance(served, dict) and served.get("_id") == caller["_id"]
    by["userType"] = "agent" if serving else "user"
    return by


def _transfer_history(
    store: Store,
    room: Doc,
    by: Doc,
    comment: object,
    previous_department: object,
    now: str,
    *,
    to: Doc | None = None,
    department: Doc | None = None,
) -> None:
    data: Doc = {"transferredBy": by, "ts": now}
    data["scope"] = "department" if department is not None else "agent"
    if isinstance(comment, str):
        data["comment"] = comment
    if isinstance(previous_department, str) and previous_department:
        data["previousDepartment"] = previous_department
    if department is not None:
        data["nextDepartment"] = {
            "_id": department["_id"],
            "name": department.get("name"),
        }
    if to is not None:
        data["transferredTo"] = {
            "_id": to["_id"],
            "username": to.get("username"),
            "name": to.get("name"),
        }
    author = {"_id": by["_id"], "username": by["username"]}
    system_message(
        store, room, "livechat_transfer_history", author, "", transferData=data
    )


def _to_agent(store: Store, room: Doc, caller: Doc, body: Doc) -> None:
    target = store.get(USERS, body["userId"])
    if target is None or not is_online_agent(store, target):
        raise plain("error-user-is-offline")
    served = room.get("servedBy")
    if isinstance(served, dict) and served.get("_id") == target["_id"]:
        raise plain("error-selected-agent-room-agent-are-same")
    now = now_iso()
    by = _transferred_by(room, caller)
    assign(store, room, target, now)
    _transfer_history(
        store, room, by, body.get("comment"), room.get("departmentId"), now, to=target
    )
    if isinstance(served, dict):
        remove_agent(store, room, served, now)
    room["_updatedAt"] = now
    store.save(ROOMS, room)


def _to_department(
    store: Store, room: Doc, caller: Doc, body: Doc, department: Doc
) -> None:
    if room.get("departmentId") == department["_id"]:
        raise plain("error-forwarding-chat-same-department")
    records = department_agents(store, department["_id"])
    wanted = body.get("userId")
    picked: tuple[Doc, Doc] | None = None
    if wanted:
        preferred = store.get(USERS, wanted)
        if preferred is None or not is_online_agent(store, preferred):
            raise plain("error-user-is-offline")
        record = next(
            (r for r in records if r.get("agentId") == preferred["_id"]), None
        )
        if record is None:
            raise plain("error-user-not-belong-to-department")
        picked = (preferred, record)
    else:
        picked = next_department_agent(store, department["_id"])
    now = now_iso()
    by = _transferred_by(room, caller)
    previous_department = room.get("departmentId")
    served = room.get("servedBy")
    manual = (
        store.setting("Livechat_Routing_Method", "Auto_Selection") == "Manual_Selection"
    )
    offline_ok = department.get("allowReceiveForwardOffline") is True and picked is None
    if manual or offline_ok:
        room.pop("servedBy", None)
    elif picked is None or (
        isinstance(served, dict) and picked[0]["_id"] == served.get("_id")
    ):
        if isinstance(served, dict):
            raise plain("error-no-agents-online-in-department")
    else:
        agent, record = picked
        assign(store, room, agent, now)
        count_pick(store, agent, record)
    room["departmentId"] = department["_id"]
    _transfer_history(
        store,
        room,
        by,
        body.get("comment"),
        previous_department,
        now,
        department=department,
    )
    current = room.get("servedBy")
    if isinstance(served, dict) and (
        not isinstance(current, dict) or current.get("_id") != served.get("_id")
    ):
        remove_agent(store, room, served, now)
    room["_updatedAt"] = now
    store.save(ROOMS, room)


async def forward(req: ApiRequest) -> dict[str, Any]:
    body = body_of(req, FORWARD_BODY)
    store = req.store
    caller = req.current_user
    with store.transaction():
        room = livechat_room(store, body["roomId"])
        if room is None:
            raise plain("error-invalid-room")
        if room.get("open") is not True:
            raise plain("This_conversation_is_already_closed")
        visitor_id = (room.get("v") or {}).get("_id")
        visitor = store.find_one(
            "livechat_visitor",
            "_id = ? AND json_type(doc, '$.disabled') IS NOT 'true'",
            (visitor_id if isinstance(visitor_id, str) else "",),
        )
        if visitor is None:
            raise plain("error-invalid-visitor")
        if room.get("onHold") is True:
            raise plain("error-room-onHold")
        if body.get("departmentId"):
            department = store.get(DEPARTMENTS, body["departmentId"])
            if department is None:
                raise plain("error-invalid-department")
            _to_department(store, room, caller, body, department)
        elif body.get("userId"):
            _to_agent(store, room, caller, body)
        else:
            raise plain("error-forwarding-chat")
    return {}


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
