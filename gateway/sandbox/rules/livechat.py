"""Livechat building blocks shared by §13 to §22: agents, system messages, closing.

Rocket.Chat's inquiry (§D.10) is not stored: an open room always has one,
taken when the room is served and queued otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compat.ajv import ValidationError, validate
from ..http.errors import invalid_params, plain
from ..store.ids import meteor_id, now_iso, parse_date
from .permissions import has_permission

if TYPE_CHECKING:
    from ..compat.ajv import Schema
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

ROOMS = "rocketchat_room"
MESSAGES = "rocketchat_message"
USERS = "users"
DEPARTMENTS = "livechat_department"
DEPARTMENT_AGENTS = "rocketchat_livechat_department_agents"
VISITORS = "livechat_visitor"
ENABLED_VISITOR = "json_type(doc, '$.disabled') IS NOT 'true'"
IS_AGENT = (
    "EXISTS (SELECT 1 FROM json_each(doc, '$.roles') r "
    "WHERE r.value = 'livechat-agent')"
)


def body_of(req: ApiRequest, schema: Schema) -> dict[str, Any]:
    """The JSON body validated as Rocket.Chat validates bodies (no array coercion)."""
    try:
        body: dict[str, Any] = validate(schema, req.body_params(), arrays=False)
    except ValidationError as exc:
        raise invalid_params(exc.messages) from None
    return body


def livechat_room(store: Store, room_id: object) -> Doc | None:
    if not isinstance(room_id, str):
        return None
    return store.find_one(ROOMS, "_id = ? AND t = 'l'", (room_id,))


def visitor_by_token(store: Store, token: object) -> Doc | None:
    if not isinstance(token, str):
        return None
    return store.find_one(VISITORS, f"token = ? AND {ENABLED_VISITOR}", (token,))


def visitor_room(store: Store, room_id: object, token: str) -> Doc | None:
    """The livechat room `room_id` of the visitor holding `token` (any state)."""
    room = livechat_room(store, room_id)
    if room is None or (room.get("v") or {}).get("token") != token:
        return None
    return room


def is_bot(user: Doc) -> bool:
    return "bot" in (user.get("roles") or [])


def is_online_agent(store: Store, user: Doc | None) -> bool:
    """Rocket.Chat's online agent: available, active, connected (bots exempt)."""
    if user is None or "livechat-agent" not in (user.get("roles") or []):
        return False
    if user.get("statusLivechat") != "available" or user.get("active") is not True:
        return False
    if is_bot(user):
        return True
    status = user.get("status")
    if not isinstance(status, str) or status == "offline":
        return False
    idle_counts = store.setting("Livechat_enabled_when_agent_idle", True)
    return not (status == "away" and idle_counts is False)


def online_agents(store: Store) -> list[Doc]:
    return [
        user for user in store.find(USERS, IS_AGENT) if is_online_agent(store, user)
    ]


def department_agents(store: Store, department_id: str) -> list[Doc]:
    return store.find(DEPARTMENT_AGENTS, "department_id = ?", (department_id,))


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return value


def next_department_agent(
    store: Store, department_id: str, exclude: str | None = None
) -> tuple[Doc, Doc] | None:
    """The online agent of a department with the lowest (count, order, username)."""
    candidates = []
    for record in department_agents(store, department_id):
        user = store.get(USERS, str(record.get("agentId")))
        if user is None or user["_id"] == exclude or not is_online_agent(store, user):
            continue
        key = (
            _number(record.get("count")),
            _number(record.get("order")),
            str(user.get("username", "")),
        )
        candidates.append((key, record, user))
    if not candidates:
        return None
    candidates.sort(key=lambda item: item[0])
    return candidates[0][2], candidates[0][1]


def next_agent(store: Store) -> Doc | None:
    """Outside departments: the online agent with the lowest livechatCount."""
    agents = online_agents(store)
    if not agents:
        return None
    return min(
        agents,
        key=lambda user: (_number(user.get("livechatCount")), str(user["username"])),
    )


def count_pick(store: Store, user: Doc, record: Doc | None) -> None:
    """Increment the routing counter of the picked agent."""
    if record is not None:
        record["count"] = int(_number(record.get("count"))) + 1
        record["_updatedAt"] = now_iso()
        store.save(DEPARTMENT_AGENTS, record)
    else:
        user["livechatCount"] = int(_number(user.get("livechatCount"))) + 1
        store.save(USERS, user)


def system_message(
    store: Store,
    room: Doc,
    kind: str,
    author: Doc,
    msg: str = "",
    **extra: Any,
) -> Doc:
    """Store a system message (§D.5), at its own time, and return it."""
    now = now_iso()
    message: Doc = {
        "_id": meteor_id(),
        "t": kind,
        "rid": room["_id"],
        "ts": now,
        "msg": msg,
        "u": author,
        "groupable": False,
        **extra,
        "_updatedAt": now,
    }
    store.insert(MESSAGES, message)
    return message


def who(user: Doc) -> Doc:
    return {"_id": user["_id"], "username": user.get("username")}


def assign(store: Store, room: Doc, agent: Doc, now: str) -> None:
    """Serve the room by `agent`: servedBy, usersCount, `command` and `uj`."""
    room["servedBy"] = {
        "_id": agent["_id"],
        "username": agent.get("username"),
        "ts": now,
    }
    room["usersCount"] = int(_number(room.get("usersCount"))) + 1
    author = {**who(agent), **({"name": agent["name"]} if agent.get("name") else {})}
    system_message(store, room, "command", author, "connected")
    system_message(store, room, "uj", author, "")


def remove_agent(store: Store, room: Doc, served: Doc, now: str) -> None:
    """The previous agent leaves (`ul`) and loses its subscription."""
    system_message(
        store,
        room,
        "ul",
        {"_id": served.get("_id"), "username": served.get("username")},
        str(served.get("username", "")),
    )
    store.delete(
        "rocketchat_subscription",
        "rid = ? AND user_id = ?",
        (room["_id"], served.get("_id")),
    )


def subscribed(store: Store, user: Doc, room: Doc) -> bool:
    """The serving agent of an open room, or a user who joined it."""
    served = room.get("servedBy")
    if (
        room.get("open") is True
        and isinstance(served, dict)
        and served.get("_id") == user["_id"]
    ):
        return True
    return (
        store.count(
            "rocketchat_subscription",
            "rid = ? AND user_id = ?",
            (room["_id"], user["_id"]),
        )
        > 0
    )


def closing_tags(store: Store, room: Doc, given: list[str] | None) -> list[str]:
    """The tag union of §17 step 5; raises when the department requires tags."""
    tags: list[str] = []
    existing = room.get("tags")
    for tag in [*(given or []), *(existing if isinstance(existing, list) else [])]:
        if tag not in tags:
            tags.append(tag)
    department_id = room.get("departmentId")
    department = (
        store.get(DEPARTMENTS, department_id)
        if isinstance(department_id, str)
        else None
    )
    if department is None:
        return tags
    closing = department.get("chatClosingTags")
    closing = (
        [tag for tag in closing if isinstance(tag, str)]
        if isinstance(closing, list)
        else []
    )
    for tag in closing:
        if tag not in tags:
            tags.append(tag)
    if department.get("requestTagBeforeClosingChat") is True and (
        not tags or not closing
    ):
        raise plain("error-tags-must-be-assigned-before-closing-chat")
    return tags


def _seconds_since(start: object, now: str) -> float | None:
    begin, end = parse_date(start), parse_date(now)
    if begin is None or end is None:
        return None
    return (end - begin).total_seconds()


def close_room(
    store: Store,
    room: Doc,
    closer: str,
    closed_by: Doc,
    comment: str,
    tags: list[str],
    *,
    token: str | None = None,
    transcript_requested: bool = False,
) -> None:
    """Write the effects of §D.6 and the `livechat-close` message."""
    now = now_iso()
    room.pop("open", None)
    room["closedAt"] = now
    room["closer"] = closer
    room["closedBy"] = closed_by
    metrics = dict(room.get("metrics") or {})
    duration = _seconds_since(room.get("ts"), now)
    if duration is not None:
        metrics["chatDuration"] = duration
    served = room.get("servedBy")
    if isinstance(served, dict):
        service = _seconds_since(served.get("ts"), now)
        if service is not None:
            metrics["serviceTimeDuration"] = service
    room["metrics"] = metrics
    visitor = dict(room.get("v") or {})
    visitor["status"] = "offline"
    room["v"] = visitor
    if tags:
        room["tags"] = tags
    extra: Doc = {"transcriptRequested": transcript_requested}
    if token is not None:
        extra["token"] = token
    system_message(store, room, "livechat-close", closed_by, comment, **extra)
    enable = store.setting("Livechat_enable_transcript", False)
    always = store.setting("Livechat_transcript_send_always", False)
    if enable is True and always is not True:
        system_message(store, room, "command", closed_by, "promptTranscript")
    room["_updatedAt"] = now
    store.save(ROOMS, room)
    store.delete("rocketchat_subscription", "rid = ?", (room["_id"],))


def can_close_others(store: Store, user: Doc) -> bool:
    return has_permission(store, user, "close-others-livechat-room")
