"""Room access rule 1: a subscription (from a fixture) plus the right permission."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest

from gateway.sandbox import SandboxOptions, create_sandbox_app, login
from gateway.serving import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

NOT_ALLOWED = {"success": False, "error": "not-allowed", "errorType": "Not Allowed"}
TS = "2024-03-14T13:21:02.239Z"
FIXTURE = {
    "users": [
        {"_id": "rocket.cat", "username": "rocket.cat", "roles": ["bot"]},
        {"_id": "a1", "username": "joined.agent", "roles": ["user", "livechat-agent"],
         "password": "pw"},
        {"_id": "u1", "username": "joined.user", "roles": ["user"], "password": "pw"},
        {"_id": "g1", "username": "joined.guest", "roles": ["guest"], "password": "pw"},
        {"_id": "a2", "username": "other.agent", "roles": ["user", "livechat-agent"],
         "password": "pw"},
    ],
    "rocketchat_room": [
        {"_id": "L1", "t": "l", "fname": "V", "ts": TS, "open": True,
         "v": {"_id": "v1", "username": "guest-2", "token": "t", "status": "online"},
         "servedBy": {"_id": "someone", "username": "someone", "ts": TS}},
        {"_id": "P1", "t": "p", "name": "secret", "ts": TS},
    ],
    "rocketchat_subscription": [
        {"_id": "s1", "rid": "L1", "u": {"_id": "a1", "username": "joined.agent"}},
        {"_id": "s2", "rid": "L1", "u": {"_id": "u1", "username": "joined.user"}},
        {"_id": "s3", "rid": "L1", "u": {"_id": "g1", "username": "joined.guest"}},
        {"_id": "s4", "rid": "P1", "u": {"_id": "u1", "username": "joined.user"}},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    path: Path = tmp_path_factory.mktemp("access") / "fixture.json"
    path.write_text(json.dumps(FIXTURE), encoding="utf-8")
    app = create_sandbox_app(SandboxOptions(fixture=path))
    with serve_in_thread(app) as url, httpx.Client(base_url=f"{url}/api/v1/") as c:
        yield c


def _headers(client: httpx.Client, username: str) -> dict[str, str]:
    return login(str(client.base_url.join("/")), username, "pw")


@pytest.mark.parametrize(
    ("username", "room", "allowed"),
    [
        pytest.param("joined.agent", "L1", True, id="subscribed-with-view-l-room"),
        pytest.param("joined.guest", "L1", True, id="subscribed-with-view-joined-room"),
        pytest.param("joined.user", "L1", False, id="subscribed-without-permission"),
        pytest.param("other.agent", "L1", False, id="not-subscribed"),
        pytest.param("joined.user", "P1", True, id="private-group-member"),
        pytest.param("joined.agent", "P1", False, id="private-group-outsider"),
    ],
)
def test_rooms_info_rule_one(
    client: httpx.Client, username: str, room: str, allowed: bool
) -> None:
    response = client.get(
        "rooms.info", params={"roomId": room}, headers=_headers(client, username)
    )
    if allowed:
        assert (response.status_code, response.json()["room"]["_id"]) == (200, room)
    else:
        assert (response.status_code, response.json()) == (400, NOT_ALLOWED)


def test_chat_history_uses_the_same_rule(client: httpx.Client) -> None:
    path = "livechat/visitors.chatHistory/room/L1/visitor/v1"
    joined = client.get(path, headers=_headers(client, "joined.agent"))
    other = client.get(path, headers=_headers(client, "other.agent"))
    assert [room["_id"] for room in joined.json()["history"]] == ["L1"]
    assert (other.status_code, other.json()) == (
        400,
        {"success": False, "error": "error-not-allowed"},
    )
