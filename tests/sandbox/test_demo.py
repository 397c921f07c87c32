"""Demo data: deterministic, sized by the options, shaped as Rocket.Chat stores it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx

from gateway.sandbox import SandboxOptions, create_sandbox_app
from gateway.sandbox.demo.seed import demo_documents

if TYPE_CHECKING:
    from collections.abc import Callable

NAVIGATION = "livechat_navigation_history"
HEX24 = re.compile(r"^[0-9a-f]{24}$")
METEOR = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def _without_secrets(documents: dict[str, list[dict[str, object]]]) -> object:
    # Password hashes are salted at random; everything else must repeat.
    return {
        name: [{k: v for k, v in doc.items() if k != "services"} for doc in docs]
        for name, docs in documents.items()
    }


def test_same_seed_gives_same_documents() -> None:
    first = demo_documents(SandboxOptions(seed=7, visitors=20, rooms=50, contacts=10))
    second = demo_documents(SandboxOptions(seed=7, visitors=20, rooms=50, contacts=10))
    other = demo_documents(SandboxOptions(seed=8, visitors=20, rooms=50, contacts=10))
    assert _without_secrets(first) == _without_secrets(second)
    assert _without_secrets(first) != _without_secrets(other)


def test_sizes_follow_the_options() -> None:
    docs = demo_documents(SandboxOptions(visitors=12, rooms=34, contacts=5))
    assert (
        len(docs["livechat_visitor"]),
        len([room for room in docs["rocketchat_room"] if room["t"] == "l"]),
        len(docs["livechat_contact"]),
    ) == (12, 34, 5)


def test_demo_users_log_in_and_ids_look_like_rocket_chat(
    demo_sandbox_url: str, login: Callable[[str], dict[str, str]]
) -> None:
    for username, roles in (
        ("admin", ["admin"]),
        ("agent", ["user", "livechat-agent"]),
        ("viewer", ["user"]),
    ):
        me = httpx.get(f"{demo_sandbox_url}/api/v1/me", headers=login(username))
        assert me.status_code == 200, me.text
        body = me.json()
        assert (body["username"], body["roles"], body["success"]) == (
            username,
            roles,
            True,
        )
        assert METEOR.match(body["_id"])


def test_demo_rooms_cover_every_state_with_rocket_chat_shapes(
    demo_sandbox_url: str, login: Callable[[str], dict[str, str]]
) -> None:
    body = httpx.get(
        f"{demo_sandbox_url}/api/v1/livechat/rooms",
        params={"count": "0", "sort": "{}"},
        headers=login("admin"),
    ).json()
    rooms = body["rooms"]
    assert len(rooms) == body["total"] >= 300
    states = {
        "open": [
            r
            for r in rooms
            if r.get("open") and "servedBy" in r and not r.get("onHold")
        ],
        "queued": [r for r in rooms if r.get("open") and "servedBy" not in r],
        "on-hold": [r for r in rooms if r.get("onHold") is True],
        "closed": [r for r in rooms if "open" not in r],
    }
    assert all(len(found) >= 10 for found in states.values()), {
        k: len(v) for k, v in states.items()
    }
    for room in rooms:
        assert METEOR.match(room["_id"])
        assert HEX24.match(room["v"]["_id"])
        assert all(ISO.match(room[key]) for key in ("ts", "lm", "_updatedAt"))
        assert room.get("open", True) is True
    for room in states["closed"]:
        assert ISO.match(room["closedAt"])
        assert room["closer"] in ("user", "visitor")
    agent_id = login("agent")["X-User-Id"]
    served = [r for r in rooms if "servedBy" in r]
    mine = [r for r in served if r["servedBy"]["_id"] == agent_id]
    assert 0.3 <= len(mine) / len(served) <= 0.7
    with_department = [r for r in rooms if "departmentId" in r]
    assert with_department
    assert all(r["department"]["_id"] == r["departmentId"] for r in with_department)


def test_demo_contacts_link_to_demo_visitors(
    demo_sandbox_url: str, login: Callable[[str], dict[str, str]]
) -> None:
    headers = login("admin")
    contacts = []
    for unknown in ("false", "true"):
        contacts += httpx.get(
            f"{demo_sandbox_url}/api/v1/omnichannel/contacts.search",
            params={"count": "0", "unknown": unknown},
            headers=headers,
        ).json()["contacts"]
    linked = [c for c in contacts if c["channels"]]
    assert len(linked) >= 50
    for contact in linked[:10]:
        visitor_id = contact["channels"][0]["visitor"]["visitorId"]
        visitor = httpx.get(
            f"{demo_sandbox_url}/api/v1/livechat/visitors.info",
            params={"visitorId": visitor_id},
            headers=headers,
        ).json()["visitor"]
        assert contact["name"] == visitor.get("name", visitor["username"])
        assert "token" not in visitor


def test_room_count_is_adjustable() -> None:
    # The time to generate 100,000 rooms is measured by bench/seed.py.
    app = create_sandbox_app(SandboxOptions(rooms=5_000, visitors=500))
    store = app.state.sandbox.store
    assert store.count("rocketchat_room", "t = 'l'") == 5_000
    assert store.count("livechat_visitor") == 500


def test_general_channel_is_a_public_non_livechat_room(
    demo_sandbox_url: str, login: Callable[[str], dict[str, str]]
) -> None:
    for user in ("viewer", "agent"):
        body = httpx.get(
            f"{demo_sandbox_url}/api/v1/rooms.info",
            params={"roomName": "general"},
            headers=login(user),
        ).json()
        assert (body["room"]["_id"], body["room"]["t"], body["success"]) == (
            "GENERAL",
            "c",
            True,
        )


def test_demo_departments_agents_and_transcripts_are_consistent() -> None:
    docs = demo_documents(SandboxOptions(visitors=30, rooms=60, contacts=5))
    records = docs["rocketchat_livechat_department_agents"]
    for department in docs["livechat_department"]:
        members = [r for r in records if r["departmentId"] == department["_id"]]
        assert department["numAgents"] == len(members)
    agents = [u for u in docs["users"] if "livechat-agent" in u["roles"]]
    online = {u["username"] for u in agents if u["statusLivechat"] == "available"}
    assert online == {"agent", "agent.two"}
    messages = docs["rocketchat_message"]
    for room in (r for r in docs["rocketchat_room"] if r["t"] == "l"):
        own = sorted(
            (m for m in messages if m["rid"] == room["_id"]), key=lambda m: m["ts"]
        )
        ordinary = [m for m in own if "t" not in m]
        assert len(ordinary) == room["msgs"]
        assert ordinary[-1] == room["lastMessage"]
        kinds = [m["t"] for m in own if m.get("t", NAVIGATION) != NAVIGATION]
        assert kinds[0] == "livechat-started"
        assert ("uj" in kinds) == ("servedBy" in room)
        assert (kinds[-1] == "livechat-close") == ("open" not in room)
        for message in ordinary:
            visitor = message["u"]["_id"] == room["v"]["_id"]
            assert ("token" in message) == visitor
