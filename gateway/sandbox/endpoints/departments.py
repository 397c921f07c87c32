"""Departments and agents: livechat/department[/:_id], users/:type (§13 to §15)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..http.errors import ApiError, plain
from ..rules.livechat import DEPARTMENT_AGENTS, DEPARTMENTS, USERS
from ..rules.permissions import has_any_permission, has_permission
from ..store.sqlite import any_element, contains
from .listing import Window

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

NOT_UNIT = "json_extract(doc, '$.type') IS NULL OR json_extract(doc, '$.type') = 'd'"
AGENT_KEYS = (
    "_id",
    "username",
    "name",
    "status",
    "statusLivechat",
    "emails",
    "livechat",
)
ROLE_OF_TYPE = {"agent": "livechat-agent", "manager": "livechat-manager"}
PERMISSIONS_OF_TYPE = {
    "agent": ("transfer-livechat-guest", "edit-omnichannel-contact"),
    "manager": ("view-livechat-manager",),
}


async def list_departments(req: ApiRequest) -> dict[str, Any]:
    query = req.query
    window = Window.of(query, req.store, [("name", 1)])
    where = [f"({NOT_UNIT})"]
    params: list[object] = []
    text = query.get("text")
    if isinstance(text, str) and text:
        template, like = contains(text)
        where.append(template.replace("{}", "name"))
        params += like
    if query.get("enabled") == "true":
        where.append("json_type(doc, '$.enabled') = 'true'")
    exclude = query.get("excludeDepartmentId")
    if isinstance(exclude, str) and exclude:
        where.append("_id != ?")
        params.append(exclude)
    if query.get("showArchived") != "true":
        where.append("json_type(doc, '$.archived') IS NOT 'true'")
    store = req.store
    clause = " AND ".join(where)
    found, total = window.fetch(store, DEPARTMENTS, clause, params)
    return window.listing("departments", found, total)


async def department(req: ApiRequest) -> dict[str, Any]:
    store = req.store
    department_id = req.params["_id"]
    payload: dict[str, Any] = {"department": store.get(DEPARTMENTS, department_id)}
    wanted = req.query.get("includeAgents", "true") == "true"
    if wanted and has_permission(store, req.user, "view-livechat-departments"):
        payload["agents"] = store.find(
            DEPARTMENT_AGENTS, "department_id = ?", (department_id,)
        )
    return payload


def _memberships(store: Store, user_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {user_id: [] for user_id in user_ids}
    if not user_ids:
        return found
    marks = ", ".join("?" * len(user_ids))
    for record in store.find(DEPARTMENT_AGENTS, f"agent_id IN ({marks})", user_ids):
        departments = found.get(str(record.get("agentId")))
        department_id = record.get("departmentId")
        if (
            departments is not None
            and isinstance(department_id, str)
            and department_id not in departments
        ):
            departments.append(department_id)
    return found


def _list_item(user: Doc, departments: list[str]) -> Doc:
    item = {key: user.get(key) for key in AGENT_KEYS}
    item["departments"] = departments
    return item


async def list_users(req: ApiRequest) -> dict[str, Any]:
    query = req.query
    store = req.store
    window = Window.of(query, store, [("name", 1)])
    kind = req.params["type"]
    if kind not in ROLE_OF_TYPE:
        raise plain("Invalid type")
    if not has_any_permission(store, req.user, PERMISSIONS_OF_TYPE[kind]):
        raise ApiError(403, {"success": False, "error": "unauthorized"})
    # The list is an aggregation: an unlimited page or an empty sort puts an
    # invalid stage into the pipeline, which the database refuses.
    if window.count == 0:
        raise plain("the limit must be positive")
    if not window.sort:
        raise plain("$sort stage must have at least one sort key")
    where = [any_element("$.roles", None, "{} = ?")]
    params: list[object] = [ROLE_OF_TYPE[kind]]
    text = query.get("text")
    if isinstance(text, str) and text:
        template, like = contains(text)
        where.append(
            f"({template.replace('{}', 'username')} OR {template.replace('{}', 'name')}"
            f" OR {any_element('$.emails', 'address', template)})"
        )
        params += like * 3
    if query.get("onlyAvailable") is True:
        where.append("status_livechat = 'available'")
    exclude = query.get("excludeId")
    if isinstance(exclude, str) and exclude:
        where.append("_id != ?")
        params.append(exclude)
    if query.get("showIdleAgents") is False:
        where.append(
            "((status IS NOT NULL AND status != 'offline') OR "
            + any_element("$.roles", None, "{} = 'bot'")
            + ")"
        )
    clause = " AND ".join(where)
    users, total = window.fetch(store, USERS, clause, params)
    memberships = _memberships(store, [user["_id"] for user in users])
    items = [_list_item(user, memberships[user["_id"]]) for user in users]
    return window.listing("users", items, total)
