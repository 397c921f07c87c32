"""Contact reads: omnichannel/contacts.search and contacts.get (§9, §12)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..http.errors import ApiError
from ..store.sqlite import any_element, contains
from .listing import Window

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

CONTACTS = "livechat_contact"
ENABLED = "json_type(doc, '$.enabled') IS NOT 'false'"


def _expand_manager(store: Store, contact: Doc, cache: dict[str, Doc | None]) -> Doc:
    manager_id = contact.get("contactManager")
    if manager_id is None:
        return contact
    key = str(manager_id)
    if key not in cache:
        user = store.get("users", key) if isinstance(manager_id, str) else None
        cache[key] = (
            None
            if user is None
            else {k: user[k] for k in ("_id", "name", "username") if k in user}
        )
    manager = cache[key]
    if manager is None:
        contact.pop("contactManager")
    else:
        contact["contactManager"] = manager
    return contact


async def search(req: ApiRequest) -> dict[str, Any]:
    query = req.query
    window = Window.of(query, req.store, [("name", 1)])
    unknown = query.get("unknown", False)
    where = [
        ENABLED,
        f"json_type(doc, '$.unknown') = '{'true' if unknown else 'false'}'",
    ]
    params: list[object] = []
    text = query.get("searchText")
    if isinstance(text, str) and text:
        template, like = contains(text)
        where.append(
            f"({template.replace('{}', 'name')} OR "
            + any_element("$.emails", "address", template)
            + " OR "
            + any_element("$.phones", "phoneNumber", template)
            + ")"
        )
        params += like * 3
    store = req.store
    clause = " AND ".join(where)
    found, total = window.fetch(store, CONTACTS, clause, params)
    cache: dict[str, Doc | None] = {}
    contacts = [_expand_manager(store, contact, cache) for contact in found]
    # contacts.search reports the page size as `count`, not the items returned.
    return window.listing("contacts", contacts, total, count=window.count)


async def get(req: ApiRequest) -> dict[str, Any]:
    contact = req.store.find_one(
        CONTACTS, f"_id = ? AND {ENABLED}", (req.query["contactId"],)
    )
    if contact is None:
        raise ApiError(404, {"success": False, "error": "Resource not found"})
    return {"contact": contact}
