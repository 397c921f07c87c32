"""Deterministic demo data: users, departments, visitors, rooms, contacts, page visits.

Everything comes from one `random.Random(seed)` and a fixed clock, so the same
options always give the same documents (ids included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..endpoints.auth import prepare_user
from . import seed_messages, seed_people, seed_rooms
from .seedkit import DAY_MS, EPOCH_MS, MAX_PAGE_VISIT_ROOMS, Gen, iso_ms
from .users import DEMO_USERS

if TYPE_CHECKING:
    from ..options import SandboxOptions
    from ..store.sqlite import Doc, Store


OFFLINE_AGENTS = ("agent.three",)


def _status(username: str, agent: bool) -> str:
    if username in OFFLINE_AGENTS:
        return "offline"
    return "online" if agent or username == "admin" else "offline"


def _users(gen: Gen, password: str) -> list[Doc]:
    created = iso_ms(EPOCH_MS - 400 * DAY_MS)
    users: list[Doc] = [
        {
            "_id": "rocket.cat",
            "username": "rocket.cat",
            "name": "Rocket.Cat",
            "type": "bot",
            "roles": ["bot"],
            "status": "online",
            "active": True,
            "createdAt": created,
            "_updatedAt": created,
        }
    ]
    for demo in DEMO_USERS:
        agent = "livechat-agent" in demo.roles
        user: Doc = {
            "_id": gen.meteor(),
            "username": demo.username,
            "name": demo.name,
            "emails": [{"address": f"{demo.username}@example.com", "verified": True}],
            "type": "user",
            "roles": list(demo.roles),
            "status": _status(demo.username, agent),
            "active": True,
            "utcOffset": 0,
            "createdAt": created,
            "_updatedAt": created,
        }
        if agent:
            offline = demo.username in OFFLINE_AGENTS
            user["statusLivechat"] = "not-available" if offline else "available"
        users.append(prepare_user(user, password))
    return users


def _departments(gen: Gen) -> list[Doc]:
    created = iso_ms(EPOCH_MS - 300 * DAY_MS)
    names = (("Sales", True), ("Support", True), ("Billing", True), ("Legacy", False))
    return [
        {
            "_id": gen.meteor(),
            "name": name,
            "enabled": enabled,
            "showOnRegistration": True,
            "showOnOfflineForm": True,
            "email": f"{name.lower()}@example.com",
            "numAgents": 0,
            "type": "d",
            **({} if enabled else {"archived": True}),
            "_updatedAt": created,
        }
        for name, enabled in names
    ]


def _custom_fields() -> list[Doc]:
    def field(name: str, label: str, scope: str, searchable: bool) -> Doc:
        return {
            "_id": name,
            "label": label,
            "scope": scope,
            "visibility": "visible",
            "type": "input",
            "regexp": "",
            "searchable": searchable,
            "required": False,
            "defaultValue": "",
            "options": "",
            "public": True,
        }

    return [
        field("company", "Company", "visitor", True),
        field("address", "Address", "visitor", True),
        field("plan", "Plan", "visitor", False),
        field("priority", "Priority", "room", False),
        field("topic", "Topic", "room", False),
    ]


def _general_channel() -> Doc:
    """The public channel every Rocket.Chat server starts with (not livechat)."""
    created = iso_ms(EPOCH_MS - 400 * DAY_MS)
    return {
        "_id": "GENERAL",
        "ts": created,
        "t": "c",
        "name": "general",
        "usernames": [],
        "msgs": 0,
        "usersCount": len(DEMO_USERS),
        "default": True,
        "_updatedAt": created,
    }


def demo_documents(options: SandboxOptions) -> dict[str, list[Doc]]:
    """Every demo collection for these options (sizes, seed, password)."""
    gen = Gen(options.seed)
    users = _users(gen, options.password)
    by_name = {user["username"]: user for user in users}
    agents = [by_name["agent"], by_name["agent.two"], by_name["agent.three"]]
    departments = _departments(gen)
    dept_agents = [
        {
            "_id": gen.meteor(),
            "agentId": agent["_id"],
            "username": agent["username"],
            "departmentId": dep["_id"],
            "departmentEnabled": dep["enabled"],
            "count": 0,
            "order": 0,
            "_updatedAt": dep["_updatedAt"],
        }
        for agent, dep in (
            (agents[0], departments[0]),
            (agents[0], departments[1]),
            (agents[1], departments[1]),
            (agents[2], departments[2]),
        )
    ]
    for dep in departments:
        dep["numAgents"] = sum(r["departmentId"] == dep["_id"] for r in dept_agents)
    visitors = seed_people.visitors(gen, options.visitors, departments)
    rooms = seed_rooms.rooms(gen, options.rooms, visitors, agents, departments)
    contacts = seed_people.contacts(gen, options.contacts, visitors, agents)
    pages = seed_rooms.page_visits(gen, rooms[:MAX_PAGE_VISIT_ROOMS])
    names = {user["_id"]: user["name"] for user in users}
    transcripts = seed_messages.transcripts(
        options.seed, rooms[: seed_messages.MAX_TRANSCRIPT_ROOMS], names
    )
    settings: list[Doc] = [
        {"_id": "Livechat_guest_count", "value": len(visitors) + 1},
        {"_id": "Livechat_history_monitor_type", "value": "url"},
        {"_id": "Livechat_Routing_Method", "value": "Auto_Selection"},
        {"_id": "Livechat_Visitor_navigation_as_a_message", "value": False},
    ]
    return {
        "users": users,
        "livechat_department": departments,
        "rocketchat_livechat_department_agents": dept_agents,
        "livechat_custom_field": _custom_fields(),
        "livechat_visitor": visitors,
        "rocketchat_room": [*rooms, _general_channel()],
        "livechat_contact": contacts,
        "rocketchat_message": [*pages, *transcripts],
        "rocketchat_settings": settings,
    }


def seed_demo(store: Store, options: SandboxOptions) -> dict[str, Any]:
    """Write the demo data set in one transaction; return the demo users."""
    documents = demo_documents(options)
    with store.transaction():
        for collection, docs in documents.items():
            store.insert_many(collection, docs)
    return {"users": documents["users"]}
