"""Visitor reads: visitors.search, visitors.info, livechat/visitor/:token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..http.errors import coded, plain
from ..store.sqlite import any_element, contains, json_path
from .listing import Window

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Store

ENABLED = "json_type(doc, '$.disabled') IS NOT 'true'"
SEARCH_PROJECTION = (
    "username",
    "name",
    "phone",
    "livechatData",
    "visitorEmails",
    "lastChat",
)


def searchable_fields(store: Store) -> list[str]:
    """Visitor-scope custom fields marked searchable (the set S of §1)."""
    return [
        str(field["_id"])
        for field in store.find("livechat_custom_field")
        if field.get("scope") == "visitor" and field.get("searchable") is True
    ]


def _project(visitor: dict[str, Any]) -> dict[str, Any]:
    projected = {"_id": visitor["_id"]}
    projected.update({k: visitor[k] for k in SEARCH_PROJECTION if k in visitor})
    return projected


async def search(req: ApiRequest) -> dict[str, Any]:
    query = req.query
    window = Window.of(query, req.store, [("ts", -1)])
    term: str = query["term"]
    where = ENABLED
    params: list[object] = []
    if term:
        conditions = [
            any_element("$.visitorEmails", "address", "{} = ?"),
            any_element("$.phone", "phoneNumber", "{} = ?"),
        ]
        params = [term, term]
        template, like = contains(term)
        values = ["json_extract(doc, '$.name')", "json_extract(doc, '$.username')"]
        for field in searchable_fields(req.store):
            path = json_path(f"livechatData.{field}")
            if path:
                literal = path.replace("'", "''")
                values.append(f"json_extract(doc, '{literal}')")
        for value in values:
            conditions.append(template.replace("{}", value))
            params += like
        where = f"{ENABLED} AND ({' OR '.join(conditions)})"
    store = req.store
    found, total = window.fetch(store, "livechat_visitor", where, params)
    return window.listing("visitors", [_project(v) for v in found], total)


async def info(req: ApiRequest) -> dict[str, Any]:
    visitor = req.store.find_one(
        "livechat_visitor", f"_id = ? AND {ENABLED}", (req.query["visitorId"],)
    )
    if visitor is None:
        raise plain("visitor-not-found")
    visitor.pop("token", None)
    return {"visitor": visitor}


async def by_token(req: ApiRequest) -> dict[str, Any]:
    visitor = req.store.find_one(
        "livechat_visitor", f"token = ? AND {ENABLED}", (req.params["token"],)
    )
    if visitor is None:
        raise coded("invalid-token")
    return {"visitor": visitor}
