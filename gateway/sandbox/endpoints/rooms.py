"""Room reads: livechat/rooms, visitors.chatHistory and rooms.info (§2, §8, §11)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..compat.ajv import js_string
from ..http.errors import ApiError, coded, plain
from ..rules.access import can_access_room
from ..rules.permissions import has_permission
from ..store.ids import iso, parse_date
from ..store.sqlite import any_element, contains, json_path
from .listing import Window, parse_sort

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

ROOMS = "rocketchat_room"
NOT_HOLD = "hold_type IS NOT 'true'"
HIDDEN_KEYS = ("joinCode", "members", "importIds", "e2e")
TRUTHY = ("t", "true", "1")


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value in TRUTHY


def _json_error(text: str, position: int) -> str:
    """Roughly what JavaScript's JSON.parse says about bad input."""
    if position >= len(text.rstrip()):
        return "Unexpected end of JSON input"
    return f"Unexpected token '{text[position]}', \"{text}\" is not valid JSON"


def _date_range(query: dict[str, Any], name: str) -> tuple[str | None, str | None]:
    raw = query.get(name)
    if raw is None or raw == "":
        return None, None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise plain(_json_error(raw, exc.pos)) from None
    if not isinstance(parsed, dict):
        return None, None
    bounds: list[str | None] = []
    for edge in ("start", "end"):
        value = parsed.get(edge)
        if value is None or value == "":
            bounds.append(None)
            continue
        moment = parse_date(value)
        if moment is None:
            raise plain(f'The "{name}.{edge}" query parameter must be a valid date.')
        bounds.append(iso(moment))
    return bounds[0], bounds[1]


def _custom_fields(raw: object) -> list[tuple[str, str]]:
    if not raw:
        return []
    message = 'The "customFields" query parameter must be a valid JSON.'
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        raise plain(message) from None
    if not isinstance(parsed, dict):
        raise plain(message)
    conditions = []
    for key, value in parsed.items():
        pattern = js_string(value)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise plain(f"Regular expression is invalid: {exc}") from None
        conditions.append((key, pattern))
    return conditions


def _may_list(req: ApiRequest, agents: object) -> bool:
    user = req.current_user
    if has_permission(req.store, user, "view-livechat-rooms"):
        return True
    return (
        has_permission(req.store, user, "view-l-room")
        and isinstance(agents, list)
        and agents == [user["_id"]]
    )


def _with_departments(store: Store, rooms: list[Doc]) -> list[Doc]:
    ids = {
        room["departmentId"]
        for room in rooms
        if isinstance(room.get("departmentId"), str)
    }
    names: dict[str, Doc] = {}
    for dep_id in ids:
        department = store.get("livechat_department", dep_id)
        if department is not None:
            names[dep_id] = {"_id": department["_id"], "name": department.get("name")}
    for room in rooms:
        department = names.get(room.get("departmentId"))  # type: ignore[arg-type]
        if department is not None:
            room["department"] = department
    return rooms


async def list_rooms(req: ApiRequest) -> dict[str, Any]:
    query = req.query
    window = Window.of(query, req.store, [("ts", -1)])
    created = _date_range(query, "createdAt")
    closed = _date_range(query, "closedAt")
    agents = query.get("agents")
    if not _may_list(req, agents):
        raise ApiError(403, {"success": False, "error": "unauthorized"})
    custom = _custom_fields(query.get("customFields"))

    where = ["t = 'l'"]
    params: list[object] = []
    if isinstance(agents, list) and agents:
        where.append(f"served_by IN ({', '.join('?' * len(agents))})")
        params += agents
    department = query.get("departmentId")
    if isinstance(department, str):
        # An empty value, or the literal "undefined" some clients send, is no filter.
        department = [department] if department not in ("", "undefined") else None
    if isinstance(department, list) and department:
        where.append(f"department_id IN ({', '.join('?' * len(department))})")
        params += department
    open_value = query.get("open")
    if _truthy(query.get("queued")):
        where += [
            "served_type IS NULL",
            "open_type = 'true'",
            NOT_HOLD,
        ]
    elif open_value in ("true", True):
        where += [
            "open_type IS NOT NULL",
            "served_type IS NOT NULL",
            NOT_HOLD,
        ]
    elif open_value in ("false", False):
        where += ["open_type IS NULL", NOT_HOLD]
    if _truthy(query.get("onhold")):
        where.append("hold_type = 'true'")
    for column, (start, end) in (
        ("ts", created),
        ("closed_at", closed),
    ):
        if start is not None:
            where.append(f"{column} >= ?")
            params.append(start)
        if end is not None:
            where.append(f"{column} <= ?")
            params.append(end)
    tags = query.get("tags")
    if isinstance(tags, list) and tags:
        where.append(
            any_element("$.tags", None, f"{{}} IN ({', '.join('?' * len(tags))})")
        )
        params += tags
    for key, pattern in custom:
        path = json_path(f"livechatData.{key}")
        where.append("iregexp(json_extract(doc, ?), ?)" if path else "0")
        if path:
            params += [path, pattern]
    name = query.get("roomName")
    if isinstance(name, str) and name:
        if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
            where.append("fname = ?")
            params.append(name[1:-1])
        else:
            template, like = contains(name)
            where.append(template.replace("{}", "fname"))
            params += like

    store = req.store
    clause = " AND ".join(where)
    rooms, total = window.fetch(store, ROOMS, clause, params)
    return window.listing("rooms", _with_departments(store, rooms), total)


async def chat_history(req: ApiRequest) -> dict[str, Any]:
    window = Window.of(req.query, req.store, [("ts", -1)])
    store = req.store
    room = store.get(ROOMS, req.params["roomId"])
    if room is None:
        raise plain("invalid-room")
    if not can_access_room(store, req.current_user, room):
        raise plain("error-not-allowed")
    where, params = "t = 'l' AND v_id = ?", (req.params["visitorId"],)
    history, total = window.fetch(store, ROOMS, where, params)
    return window.listing("history", history, total)


def _lookup(store: Store, query: dict[str, Any]) -> Doc:
    room_id, room_name = query.get("roomId"), query.get("roomName")
    neither = "roomId" not in query and "roomName" not in query
    both_empty = room_id == "" and room_name == ""
    if neither or both_empty:
        raise coded(
            "error-roomid-param-not-provided",
            'The parameter "roomId" or "roomName" is required',
        )
    room = None
    if "roomId" in query:
        if isinstance(room_id, str) and room_id:
            room = store.get(ROOMS, room_id)
    elif isinstance(room_name, str) and room_name:
        room = store.find_one(ROOMS, "name = ?", (room_name,))
    if room is None:
        raise coded(
            "error-room-not-found",
            'The required "roomId" or "roomName" param provided '
            "does not match any channel",
        )
    if room.get("archived") is True:
        label = room.get("name") or room.get("fname") or room["_id"]
        raise coded("error-room-archived", f"The channel, {label}, is archived")
    return room


async def info(req: ApiRequest) -> dict[str, Any]:
    store = req.store
    room = _lookup(store, req.query)
    parse_sort(req.query, [])
    if not can_access_room(store, req.current_user, room):
        raise ApiError(
            400, {"success": False, "error": "not-allowed", "errorType": "Not Allowed"}
        )
    for key in HIDDEN_KEYS:
        room.pop(key, None)
    return {"room": room}
