"""Contract: GET livechat/room, the visitor gets or opens its room (CONTRACT §19)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    ISO_MS_Z,
    Doc,
    running,
    without,
)
from tests.sandbox.livechat_support import AGENT1, AGENT2, SALES, SUPPORT, served

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/room"
REGEX = FIXTURE.visitor("regex")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with served(tmp_path) as running_sandbox:
        yield running_sandbox


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with served(tmp_path_factory.mktemp("visitor-room")) as running_sandbox:
        yield running_sandbox


def open_room(sandbox: Sandbox, params: Doc, **kwargs: Any) -> Doc:
    r = sandbox.client.get(PATH, params=params, **kwargs)
    assert r.status_code == 200, r.text
    body: Doc = r.json()
    return body


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"token": "tok-alice"}, id="without-rid"),
        pytest.param(
            {"token": "tok-alice", "rid": FIXTURE.room("alice-open")["_id"]},
            id="with-rid",
        ),
        pytest.param({"token": "tok-alice", "rid": ""}, id="empty-rid"),
    ],
)
def test_existing_open_room_is_returned_whole(shared: Sandbox, params: Doc) -> None:
    body = open_room(shared, params)
    assert body == {
        "room": FIXTURE.room("alice-open"),
        "newRoom": False,
        "success": True,
    }


def test_new_room_is_routed_to_the_least_busy_online_agent(sandbox: Sandbox) -> None:
    body = open_room(sandbox, {"token": "tok-regex"})
    room = body["room"]
    assert (body["newRoom"], body["success"]) == (True, True)
    assert ISO_MS_Z.match(room["ts"])
    served_at = room["servedBy"].pop("ts")
    assert ISO_MS_Z.match(served_at)
    contact = sandbox.get(
        "omnichannel/contacts.get", {"contactId": room["contactId"]}
    ).json()["contact"]
    assert without(room, "_id", "ts", "lm", "queuedAt", "_updatedAt") == {
        "t": "l",
        "fname": "Regex .* Fan",
        "msgs": 0,
        "usersCount": 2,
        "v": {
            "_id": REGEX["_id"],
            "username": "guest-104",
            "token": "tok-regex",
            "status": REGEX["status"],
        },
        "contactId": contact["_id"],
        "cl": False,
        "open": True,
        "waitingResponse": True,
        "verified": False,
        "source": {"type": "api"},
        "priorityWeight": 3,
        "estimatedWaitingTimeQueue": 9_999_999,
        # Sales' only agent is offline: the first department with one online.
        "departmentId": SUPPORT,
        "servedBy": {"_id": AGENT1["_id"], "username": "agent1"},
    }
    assert (room["lm"], room["queuedAt"]) == (room["ts"], room["ts"])
    assert (contact["unknown"], contact["name"]) == (True, "Regex .* Fan")
    history = sandbox.get(
        f"livechat/messages.history/{room['_id']}", {"token": "tok-regex"}, user=None
    )
    kinds = [
        (m.get("t"), m["msg"], m["u"]["username"])
        for m in reversed(history.json()["messages"])
    ]
    assert kinds == [
        ("livechat-started", "", "guest-104"),
        ("command", "connected", "agent1"),
        ("uj", "", "agent1"),
    ]
    assert history.json()["messages"][-1]["token"] == "tok-regex"
    again = open_room(sandbox, {"token": "tok-regex"})
    assert again == {
        "room": sandbox.get("rooms.info", {"roomId": room["_id"]}).json()["room"],
        "newRoom": False,
        "success": True,
    }
    counts = sandbox.get(f"livechat/department/{SUPPORT}").json()["agents"]
    assert {a["username"]: a["count"] for a in counts} == {"agent1": 1, "ari": 3}


def test_fname_is_the_contact_name(sandbox: Sandbox) -> None:
    room = open_room(sandbox, {"token": "tok-ümlaut 1"})["room"]
    assert (room["fname"], room["contactId"]) == (
        "Zed Unknown",
        FIXTURE.contact("zed")["_id"],
    )


def test_agent_hint_is_honoured_when_online(sandbox: Sandbox) -> None:
    room = open_room(sandbox, {"token": "tok-lounge", "agentId": AGENT2["_id"]})["room"]
    assert room["servedBy"]["_id"] == AGENT2["_id"]
    assert "departmentId" not in room


def test_widget_cookies_make_a_widget_source(sandbox: Sandbox) -> None:
    headers = {"Cookie": "rc_room_type=l; rc_is_widget=t", "Host": "shop.example.com"}
    room = open_room(sandbox, {"token": "tok-old"}, headers=headers)["room"]
    assert room["source"] == {"type": "widget", "destination": "shop.example.com"}


def setting(name: str, value: Any) -> Any:
    def apply(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"].append({"_id": name, "value": value})

    return apply


def test_manual_routing_leaves_the_room_queued(tmp_path: Path) -> None:
    with served(
        tmp_path, setting("Livechat_Routing_Method", "Manual_Selection")
    ) as sandbox:
        room = open_room(sandbox, {"token": "tok-regex"})["room"]
    assert ("servedBy" in room, room["usersCount"]) == (False, 1)


def in_sales(raw: dict[str, list[Doc]]) -> None:
    for visitor in raw["livechat_visitor"]:
        if visitor["token"] == "tok-regex":
            visitor["department"] = SALES


NO_AGENT = {
    "success": False,
    "error": "Sorry, no online agents [no-agent-online]",
    "errorType": "no-agent-online",
}


def test_department_without_online_agents_refuses(tmp_path: Path) -> None:
    with served(tmp_path, in_sales) as sandbox:
        r = sandbox.client.get(PATH, params={"token": "tok-regex"})
    assert (r.status_code, r.json()) == (400, NO_AGENT)


def test_accepting_chats_with_no_agents_queues_them(tmp_path: Path) -> None:
    def both(raw: dict[str, list[Doc]]) -> None:
        in_sales(raw)
        setting("Livechat_accept_chats_with_no_agents", True)(raw)

    with served(tmp_path, both) as sandbox:
        room = open_room(sandbox, {"token": "tok-regex"})["room"]
    assert (room["departmentId"], "servedBy" in room) == (SALES, False)


def test_nobody_online_at_all(tmp_path: Path) -> None:
    def offline(raw: dict[str, list[Doc]]) -> None:
        for user in raw["users"]:
            user["status"] = "offline"

    with served(tmp_path, offline) as sandbox:
        r = sandbox.client.get(PATH, params={"token": "tok-lounge"})
    assert (r.status_code, r.json()) == (400, NO_AGENT)


def test_omnichannel_disabled(tmp_path: Path) -> None:
    with served(tmp_path, setting("Livechat_enabled", False)) as sandbox:
        r = sandbox.client.get(PATH, params={"token": "tok-regex"})
        existing = sandbox.client.get(PATH, params={"token": "tok-alice"})
    assert r.json() == {
        "success": False,
        "error": "[error-omnichannel-is-disabled]",
        "errorType": "error-omnichannel-is-disabled",
    }
    assert existing.status_code == 200


def test_blocked_channel(tmp_path: Path) -> None:
    def block(raw: dict[str, list[Doc]]) -> None:
        for contact in raw["livechat_contact"]:
            for channel in contact.get("channels", []):
                channel["blocked"] = True

    with served(tmp_path, block) as sandbox:
        r = sandbox.client.get(PATH, params={"token": "tok-ümlaut 1"})
    assert r.json() == {"success": False, "error": "error-contact-channel-blocked"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", "Match error: Missing key 'token'", id="no-token"),
        pytest.param(
            "token=tok-alice&x=1",
            "Match error: Unknown key in field x",
            id="unknown-key",
        ),
        pytest.param(
            "token=a&token=b",
            "Match error: Expected string, got object in field token",
            id="array",
        ),
        pytest.param("token=tok-nobody", "invalid-token", id="unknown-token"),
        pytest.param("token=tok-disabled", "invalid-token", id="disabled"),
        pytest.param(
            f"token=tok-alice&rid={FIXTURE.room('alice-closed')['_id']}",
            "invalid-room",
            id="own-closed-room",
        ),
        pytest.param(
            f"token=tok-alice&rid={FIXTURE.room('dana-open')['_id']}",
            "invalid-room",
            id="another-visitors-room",
        ),
        pytest.param("token=tok-alice&rid=GENERAL", "invalid-room", id="not-livechat"),
    ],
)
def test_refusals(shared: Sandbox, query: str, expected: str) -> None:
    r = shared.client.get(f"{PATH}?{query}")
    assert (r.status_code, r.json()) == (400, {"success": False, "error": expected})


def test_five_per_minute() -> None:
    with running(rate_limit=True) as sandbox:
        statuses = [
            sandbox.client.get(PATH, params={"token": "tok-alice"}).status_code
            for _ in range(6)
        ]
    assert statuses == [200] * 5 + [429]
