"""Roles to permissions (§0.9 defaults, or `rocketchat_permissions` documents)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..store.sqlite import Doc, Store

MANAGERS = ("admin", "livechat-manager", "livechat-monitor")
DEFAULT_ROLES: dict[str, tuple[str, ...]] = {
    "view-l-room": (*MANAGERS, "livechat-agent"),
    "view-livechat-rooms": MANAGERS,
    "view-livechat-contact": (*MANAGERS, "livechat-agent"),
    "view-livechat-room-closed-by-another-agent": MANAGERS,
    "view-livechat-room-closed-same-department": MANAGERS,
    "view-joined-room": ("guest", "bot", "app", "anonymous"),
    "api-bypass-rate-limit": ("admin", "bot", "app"),
    "view-livechat-departments": MANAGERS,
    "close-livechat-room": (*MANAGERS, "livechat-agent"),
    "close-others-livechat-room": MANAGERS,
    "transfer-livechat-guest": MANAGERS,
    "edit-omnichannel-contact": ("admin", "livechat-manager", "livechat-agent"),
    "view-livechat-manager": MANAGERS,
}


def roles_for(store: Store, permission: str) -> tuple[str, ...]:
    """Roles holding `permission`: a stored permission document wins."""
    doc = store.get("rocketchat_permissions", permission)
    if doc is not None and isinstance(doc.get("roles"), list):
        return tuple(str(role) for role in doc["roles"])
    return DEFAULT_ROLES.get(permission, ())


def has_permission(store: Store, user: Doc | None, permission: str) -> bool:
    if user is None:
        return False
    roles = user.get("roles") or []
    return any(role in roles for role in roles_for(store, permission))


def has_any_permission(
    store: Store, user: Doc | None, permissions: Iterable[str]
) -> bool:
    return any(has_permission(store, user, permission) for permission in permissions)
