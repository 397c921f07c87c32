"""POST livechat/visitor: register or update a visitor (§4)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..compat.meteor import Including, Maybe, check
from ..http.errors import coded, plain
from ..http.ratelimit import client_address
from ..store.ids import now_iso, object_id
from ..store.sqlite import any_element

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

BODY = {
    "visitor": Including(
        {
            "token": str,
            "name": Maybe(str),
            "email": Maybe(str),
            "department": Maybe(str),
            "phone": Maybe(str),
            "username": Maybe(str),
            "customFields": Maybe(
                [Including({"key": str, "value": str, "overwrite": bool})]
            ),
        }
    )
}
EMAIL = re.compile(r"^[^@]+@[^@]+$")
VISITORS = "livechat_visitor"
ENABLED = "json_type(doc, '$.disabled') IS NOT 'true'"


def _find_department(store: Store, wanted: str) -> Doc | None:
    return store.get("livechat_department", wanted) or store.find_one(
        "livechat_department", "name = ?", (wanted,)
    )


def _resolve(
    store: Store, token: str, phone: str | None, email: str | None, wanted_id: object
) -> Doc | None:
    """Token, then phone, then email: the visitor this registration writes."""
    found = store.find_one(VISITORS, f"token = ? AND {ENABLED}", (token,))
    if found is not None:
        return found
    if phone:
        found = store.find_one(
            VISITORS,
            f"{ENABLED} AND " + any_element("$.phone", "phoneNumber", "{} = ?"),
            (phone,),
        )
        if found is not None:
            return found
    if email:
        found = store.find_one(
            VISITORS,
            f"{ENABLED} AND "
            + any_element("$.visitorEmails", "address", "{} COLLATE NOCASE = ?"),
            (email,),
        )
        if found is not None:
            found["token"] = token
            return found
    if isinstance(wanted_id, str) and wanted_id:
        # The write is an upsert by id or token: a known `id` is updated.
        found = store.find_one(VISITORS, f"_id = ? AND {ENABLED}", (wanted_id,))
        if found is not None:
            found["token"] = token
            return found
    return None


def _next_username(store: Store) -> str:
    count = store.setting("Livechat_guest_count", 1)
    number = (count if isinstance(count, int) else 1) + 1
    store.set_setting("Livechat_guest_count", number)
    return f"guest-{number}"


def _request_ip(req: ApiRequest) -> str:
    real = req.headers.get("x-real-ip")
    if real:
        return real
    forwarded = req.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return client_address(None, req.client)


def _contact_manager(store: Store, email: str) -> Doc | None:
    contact = store.find_one(
        "livechat_contact",
        "json_extract(doc, '$.contactManager') IS NOT NULL AND "
        + any_element("$.emails", "address", "{} COLLATE NOCASE = ?"),
        (email,),
    )
    if contact is None:
        return None
    user = store.get("users", str(contact["contactManager"]))
    if (
        user is None
        or "livechat-agent" not in (user.get("roles") or [])
        or user.get("status") != "online"
    ):
        return None
    manager = {"_id": user["_id"], "username": user.get("username")}
    manager.update({k: user[k] for k in ("name", "emails") if k in user})
    return manager


def _refresh_open_rooms(store: Store, visitor: Doc) -> None:
    rooms = store.find(
        "rocketchat_room",
        "t = 'l' AND v_id = ? AND json_type(doc, '$.open') = 'true'",
        (visitor["_id"],),
    )
    for room in rooms:
        embedded = dict(room.get("v") or {})
        if visitor.get("name"):
            room["fname"] = visitor["name"]
            embedded["name"] = visitor["name"]
        if visitor.get("phone"):
            embedded["phone"] = visitor["phone"]
        room["v"] = embedded
        store.save("rocketchat_room", room)


def _apply_custom_fields(store: Store, visitor: Doc, items: list[Doc]) -> None:
    fields = {
        str(field["_id"])
        for field in store.find("livechat_custom_field")
        if field.get("scope") == "visitor"
    }
    known = [item for item in items if item["key"] in fields]
    data = dict(visitor.get("livechatData") or {})
    for item in known:
        if item["overwrite"] or data.get(item["key"]) in (None, ""):
            data[item["key"]] = item["value"]
    if known:
        visitor["livechatData"] = data
        store.save(VISITORS, visitor)
        _copy_to_contacts(store, visitor["_id"], known)


def _copy_to_contacts(store: Store, visitor_id: str, items: list[Doc]) -> None:
    """Custom-field values go to the visitor's contacts too; clashes are recorded."""
    contacts = store.find(
        "livechat_contact",
        any_element("$.channels", "visitor.visitorId", "{} = ?"),
        (visitor_id,),
    )
    for contact in contacts:
        custom = dict(contact.get("customFields") or {})
        conflicts = list(contact.get("conflictingFields") or [])
        for item in items:
            key, value = item["key"], item["value"]
            current = custom.get(key)
            if item["overwrite"] or current in (None, ""):
                custom[key] = value
            elif current != value:
                conflicts.append({"field": f"customFields.{key}", "value": value})
        contact["customFields"] = custom
        if conflicts:
            contact["conflictingFields"] = conflicts
        contact["_updatedAt"] = now_iso()
        store.save("livechat_contact", contact)


def _missing_required(store: Store, keys: set[str]) -> list[str]:
    return [
        str(field["_id"])
        for field in store.find("livechat_custom_field")
        if field.get("scope") == "visitor"
        and field.get("required") is True
        and str(field["_id"]) not in keys
    ]


async def register(req: ApiRequest) -> dict[str, Any]:
    body = req.body_params()
    try:
        check(body, BODY)
    except Exception as exc:
        raise plain(str(exc)) from None
    given: Doc = body["visitor"]
    token: str = given["token"]
    if not token.strip():
        raise coded(
            "error-invalid-token",
            "Token cannot be empty",
            {"method": "livechat/visitor"},
        )
    store = req.store
    name, phone = given.get("name"), given.get("phone")
    email = given.get("email")
    if email:
        email = email.strip().lower()
        if not EMAIL.match(email):
            raise coded("error-invalid-email", f"Invalid email {email}")
    department = None
    if given.get("department"):
        department = _find_department(store, given["department"])
        if department is None:
            raise coded(
                "error-invalid-department", "The provided department is invalid"
            )
    items = given.get("customFields") or []
    missing: list[str] = []
    with store.transaction():
        visitor = _resolve(store, token, phone, email, given.get("id"))
        now = now_iso()
        if visitor is None:
            new_id = given.get("id")
            visitor = {
                "_id": new_id if isinstance(new_id, str) and new_id else object_id(),
                "username": given.get("username") or _next_username(store),
                "ts": now,
                "token": token,
            }
            user_agent = req.headers.get("user-agent")
            if user_agent:
                visitor["userAgent"] = user_agent
            visitor["ip"] = _request_ip(req)
            host = req.headers.get("host")
            if host:
                visitor["host"] = host
        visitor["status"] = "online"
        if name:
            visitor["name"] = name
        if email:
            visitor["visitorEmails"] = [{"address": email}]
            manager = _contact_manager(store, email)
            if manager is not None:
                visitor["contactManager"] = manager
        if phone:
            visitor["phone"] = [{"phoneNumber": phone}]
        if department is not None:
            visitor["department"] = department["_id"]
        visitor["_updatedAt"] = now
        store.save(VISITORS, visitor)
        _refresh_open_rooms(store, visitor)
        if items:
            missing = _missing_required(store, {item["key"] for item in items})
            if not missing:
                _apply_custom_fields(store, visitor, items)
    if missing:
        raise plain(f"Missing required custom fields: {', '.join(missing)}")
    return {"visitor": store.get(VISITORS, visitor["_id"])}
