"""Who may read a room: the livechat room-access rules of §11.

Rule 1 ("joined the room") reads `rocketchat_subscription` documents
(`{rid, u: {_id}}`), which only a fixture provides: the API never creates one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .permissions import has_permission

if TYPE_CHECKING:
    from ..store.sqlite import Doc, Store


def _agent_departments(store: Store, user_id: str) -> list[str]:
    rows = store.find(
        "rocketchat_livechat_department_agents", "agent_id = ?", (user_id,)
    )
    return [str(row.get("departmentId")) for row in rows]


def _offered(store: Store, user: Doc, room: Doc) -> bool:
    """Rule 5: manual routing previews a queued room to this agent."""
    if store.setting("Livechat_Routing_Method", "Auto_Selection") != "Manual_Selection":
        return False
    if not room.get("open") or "servedBy" in room or room.get("onHold") is True:
        return False
    roles = user.get("roles") or []
    if "livechat-manager" in roles:
        return True
    if "livechat-agent" not in roles:
        return False
    department = room.get("departmentId")
    enabled = [
        dep
        for dep in _agent_departments(store, user["_id"])
        if (store.get("livechat_department", dep) or {}).get("enabled", True)
    ]
    return not department or not enabled or department in enabled


def _subscribed(store: Store, user: Doc, room: Doc) -> bool:
    return (
        store.count(
            "rocketchat_subscription",
            "json_extract(doc, '$.rid') = ? AND json_extract(doc, '$.u._id') = ?",
            (room["_id"], user["_id"]),
        )
        > 0
    )


def can_access_room(store: Store, user: Doc, room: Doc) -> bool:
    """Whether `user` may read `room` (general access for non-livechat rooms)."""
    if room.get("t") != "l":
        return room.get("t") == "c" or _subscribed(store, user, room)
    if _subscribed(store, user, room) and (
        has_permission(store, user, "view-joined-room")
        or has_permission(store, user, "view-l-room")
    ):
        return True
    if has_permission(store, user, "view-livechat-rooms"):
        return True
    served_by = room.get("servedBy")
    if isinstance(served_by, dict) and served_by.get("_id") == user["_id"]:
        return True
    closed = not room.get("open")
    if closed and has_permission(
        store, user, "view-livechat-room-closed-by-another-agent"
    ):
        return True
    if _offered(store, user, room):
        return True
    department = room.get("departmentId")
    if (
        closed
        and department
        and department in _agent_departments(store, user["_id"])
        and has_permission(store, user, "view-livechat-room-closed-same-department")
    ):
        return True
    return bool(user["_id"] == "rocket.cat")
