"""No input makes the sandbox answer 500 or anything but a JSON envelope."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from gateway.sandbox import Sandbox
    from tests.conftest import Stack

KEYS = [
    "term", "count", "offset", "sort", "agents", "departmentId", "open", "onhold",
    "queued", "createdAt", "closedAt", "tags", "customFields", "roomName", "units",
    "fields", "query", "visitorId", "searchText", "unknown", "contactId", "roomId", "x",
    "text", "enabled", "showArchived", "onlyAvailable", "showIdleAgents", "searchTerm",
    "token", "rid", "agentId", "limit", "end", "includeAgents",
]  # fmt: skip
VALUES = [
    "", "0", "-1", "1.9", "abc", "true", "null", "{}", "[]", '{"a":1}',
    '{"start":"x"}', '{"end":"2024-01-01"}', '{"a":"("}', "%", "\\", "Infinity",
    "1e400", "ü", '{"ts":"1"}', "undefined", '"quoted"',
]  # fmt: skip
BODIES = [
    "", "[]", "5", "{", '{"visitor": []}', '{"visitor": {"token": "t", "id": 5}}',
    '{"visitor": {"token": "t", "customFields": [null]}}',
    '{"visitor": {"token": " ", "email": "a@b"}}',
    '{"token": null, "pageInfo": {"change": 1, "title": [], "location": {}}}',
    '{"token": "t", "rid": 5, "pageInfo": {"change": "url", "title": "t", '
    '"location": {"href": "h"}}}',
    '{"token": 5, "rid": [], "msg": {}}',
    '{"token": "t", "rid": "r", "msg": "m", "_id": 5}',
    '{"token": "t", "rid": "r", "msg": "m", "agent": []}',
    '{"token": ["t"], "rid": "r"}',
]  # fmt: skip


def _paths(sandbox: Sandbox) -> list[str]:
    room = sandbox.store.find("rocketchat_room", limit=1)[0]
    return [
        "livechat/visitors.search",
        "livechat/rooms",
        "livechat/visitor/x",
        "livechat/visitors.info",
        f"livechat/visitors.pagesVisited/{room['_id']}",
        f"livechat/visitors.chatHistory/room/{room['_id']}/visitor/{room['v']['_id']}",
        "omnichannel/contacts.search",
        "omnichannel/contacts.get",
        "rooms.info",
        "me",
        "livechat/department",
        "livechat/department/x",
        "livechat/users/agent",
        f"livechat/{room['_id']}/messages",
        "livechat/room",
        f"livechat/messages.history/{room['_id']}",
    ]


def _check(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["success"] is (response.status_code == 200), body


@pytest.mark.parametrize("user", ["admin", "agent", "viewer"])
def test_random_queries_never_fail_the_server(
    demo_sandbox: Sandbox,
    demo_sandbox_url: str,
    login: Callable[[str], dict[str, str]],
    user: str,
) -> None:
    rng = random.Random(user)
    paths = _paths(demo_sandbox)
    with httpx.Client(base_url=f"{demo_sandbox_url}/api/v1/") as client:
        for _ in range(150):
            params = [
                (
                    rng.choice(KEYS) + rng.choice(["", "", "[]", "[a]"]),
                    rng.choice(VALUES),
                )
                for _ in range(rng.randrange(4))
            ]
            query = httpx.QueryParams(tuple(params))
            _check(client.get(rng.choice(paths), params=query, headers=login(user)))


@pytest.mark.parametrize(
    "path",
    [
        "livechat/visitor",
        "livechat/page.visited",
        "login",
        "livechat/message",
        "livechat/room.close",
    ],
)
@pytest.mark.parametrize("media", ["application/json", "text/plain"])
def test_odd_bodies_are_refused_cleanly(writable: Stack, path: str, media: str) -> None:
    # Some of these bodies are valid enough to register a visitor.
    with httpx.Client(base_url=f"{writable.upstream.url}/api/v1/") as client:
        for body in BODIES:
            _check(client.post(path, content=body, headers={"Content-Type": media}))
