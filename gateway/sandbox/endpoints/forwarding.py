"""Forwarding a conversation to another agent or department (§18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compat.ajv import (
    NULLABLE_BOOLEAN,
    NULLABLE_STRING,
    STRING,
    closed,
)
from ..http.errors import plain
from ..rules.livechat import (
    DEPARTMENTS,
    ROOMS,
    USERS,
    assign,
    body_of,
    count_pick,
    department_agents,
    is_online_agent,
    livechat_room,
    next_department_agent,
    remove_agent,
    system_message,
    who,
)
from ..store.ids import now_iso

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store


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
