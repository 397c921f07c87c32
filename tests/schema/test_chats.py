"""The conversation end to end: a visitor chats, an agent reads, transfers, closes.

Every room here is opened for the test by `startChat`, in the writable
sandbox, so the read-only demo data other tests compare against stays as it is.
Refusals are compared whole: code and message.
"""

from __future__ import annotations

import json
import uuid
from base64 import b64encode
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import GraphQLClient
from tests.support import rest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Stack, Upstream

MESSAGE = """
  rocketChatId text createdAt editedAt kind systemType byVisitor alias
  attachments { title titleLink description type imageUrl }
  author { rocketChatId username }
  visitor { rocketChatId username }
"""
START = """
mutation ($input: StartChatInput!) {
  startChat(input: $input) {
    created
    room { id rocketChatId state visitor { rocketChatId } servedBy { rocketChatId } }
  }
}
"""
SEND = f"""
mutation ($input: SendMessageInput!) {{
  sendMessage(input: $input) {{ message {{ {MESSAGE} }} }}
}}
"""
CLOSE_CHAT = """
mutation ($input: CloseChatInput!) { closeChat(input: $input) { roomId comment } }
"""
CLOSE_ROOM = """
mutation ($input: CloseRoomInput!) {
  closeRoom(input: $input) { room { rocketChatId state closer closedAt } }
}
"""
TRANSFER = """
mutation ($input: TransferRoomInput!) {
  transferRoom(input: $input) {
    room { rocketChatId servedBy { id rocketChatId } department { rocketChatId } }
  }
}
"""
CHAT = f"""
query ($token: String!, $room: ID!, $first: Int, $after: String) {{
  chatMessages(token: $token, roomId: $room, first: $first, after: $after) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {MESSAGE} }}
  }}
}}
"""
TRANSCRIPT = f"""
query ($id: ID!, $order: MessageOrder!, $first: Int, $after: String,
       $last: Int, $before: String) {{
  node(id: $id) {{
    ... on Room {{
      messages(order: $order, first: $first, after: $after, last: $last,
               before: $before) {{
        totalCount
        pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
        edges {{ cursor node {{ {MESSAGE} }} }}
      }}
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def upstream(writable: Stack) -> Upstream:
    return writable.upstream


@pytest.fixture(scope="module")
def users(writable: Stack) -> dict[str, dict[str, str]]:
    return writable.users


@pytest.fixture(scope="module")
def gateway_url(writable: Stack) -> str:
    return writable.gateway_url


@pytest.fixture
def gql(gateway_url: str) -> GraphQLClient:
    return GraphQLClient(gateway_url)


def gid(type_name: str, raw: str) -> str:
    return b64encode(f"{type_name}:{raw}".encode()).decode()


def register(upstream: Upstream) -> dict[str, Any]:
    token = f"chat-{uuid.uuid4().hex}"
    response = httpx.post(
        f"{upstream.url}/api/v1/livechat/visitor",
        json={"visitor": {"token": token, "name": "Chatty Visitor"}},
    )
    assert response.status_code == 200, response.text
    visitor: dict[str, Any] = response.json()["visitor"]
    return visitor


def codes(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["extensions"]["code"], e["message"]) for e in body.get("errors", [])]


@pytest.fixture
def no_rate_limit(upstream: Upstream) -> Iterator[None]:
    options = upstream.sandbox.options
    saved = options.knobs()
    options.update_knobs({"rate_limit": False})
    yield
    options.update_knobs(saved)


async def start(gql: GraphQLClient, token: str) -> dict[str, Any]:
    body = await gql(START, {"input": {"token": token}})
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["startChat"]
    return payload


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_a_visitor_opens_writes_reads_and_closes_its_chat(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    visitor = register(upstream)
    token = visitor["token"]
    opened = await start(gql, token)
    room = opened["room"]
    assert opened["created"] is True
    stored = rest(
        upstream.url, "rooms.info", users["admin"], {"roomId": room["rocketChatId"]}
    )["room"]
    assert room["state"] == ("OPEN" if stored.get("servedBy") else "QUEUED")
    assert room["visitor"] == {"rocketChatId": visitor["_id"]}
    again = await start(gql, token)
    assert again == {"created": False, "room": room}

    sent = await gql(
        SEND, {"input": {"token": token, "roomId": room["id"], "text": "Hello there"}}
    )
    message = sent["data"]["sendMessage"]["message"]
    assert {k: message[k] for k in ("text", "kind", "byVisitor", "author")} == {
        "text": "Hello there",
        "kind": "TEXT",
        "byVisitor": True,
        "author": None,
    }
    assert message["visitor"] == {
        "rocketChatId": visitor["_id"],
        "username": visitor["username"],
    }

    read = await gql(CHAT, {"token": token, "room": room["rocketChatId"], "first": 50})
    history = rest(
        upstream.url,
        f"livechat/messages.history/{room['rocketChatId']}",
        {},
        {"token": token, "limit": 50},
    )["messages"]
    nodes = read["data"]["chatMessages"]["nodes"]
    assert [n["rocketChatId"] for n in nodes] == [m["_id"] for m in history]
    assert nodes[0] == message
    assert "livechat-started" in [n["systemType"] for n in nodes]

    closed = await gql(CLOSE_CHAT, {"input": {"token": token, "roomId": room["id"]}})
    assert closed["data"]["closeChat"]["roomId"] == room["rocketChatId"]
    assert closed["data"]["closeChat"]["comment"]
    after = await gql(
        SEND, {"input": {"token": token, "roomId": room["id"], "text": "Still there?"}}
    )
    assert after["data"] is None
    assert codes(after) == [("ROOM_CLOSED", "The room is already closed.")]
    twice = await gql(CLOSE_CHAT, {"input": {"token": token, "roomId": room["id"]}})
    assert codes(twice) == [("ROOM_CLOSED", "The room is already closed.")]


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_a_visitor_cannot_write_to_or_read_another_visitors_room(
    gql: GraphQLClient, upstream: Upstream
) -> None:
    owner = register(upstream)
    room = (await start(gql, owner["token"]))["room"]
    intruder = register(upstream)
    wrote = await gql(
        SEND,
        {"input": {"token": intruder["token"], "roomId": room["id"], "text": "hi"}},
    )
    assert wrote["data"] is None
    assert codes(wrote) == [("NOT_FOUND", "No room of this visitor has this id.")]
    read = await gql(CHAT, {"token": intruder["token"], "room": room["id"]})
    assert read["data"] == {"chatMessages": None}
    assert codes(read) == [("NOT_FOUND", "No room of this visitor has this id.")]
    closed = await gql(
        CLOSE_CHAT, {"input": {"token": intruder["token"], "roomId": room["id"]}}
    )
    assert codes(closed) == [("NOT_FOUND", "No room of this visitor has this id.")]
    unknown = await gql(START, {"input": {"token": f"nobody-{uuid.uuid4().hex}"}})
    assert codes(unknown) == [("NOT_FOUND", "No visitor holds this token.")]


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_a_duplicate_client_message_id_is_refused_not_written_twice(
    gql: GraphQLClient, upstream: Upstream
) -> None:
    visitor = register(upstream)
    room = (await start(gql, visitor["token"]))["room"]
    message_id = uuid.uuid4().hex[:17]
    variables = {
        "input": {
            "token": visitor["token"],
            "roomId": room["id"],
            "text": "once",
            "clientMessageId": message_id,
        }
    }
    first = await gql(SEND, variables)
    assert first["data"]["sendMessage"]["message"]["rocketChatId"] == message_id
    second = await gql(SEND, variables)
    assert codes(second) == [
        ("DUPLICATE_MESSAGE", "A message with this id exists already.")
    ]


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_the_agent_transcript_never_carries_the_visitor_token(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    visitor = register(upstream)
    room = (await start(gql, visitor["token"]))["room"]
    for text in ("one", "two"):
        await gql(
            SEND,
            {"input": {"token": visitor["token"], "roomId": room["id"], "text": text}},
        )
    raw = httpx.get(
        f"{upstream.url}/api/v1/livechat/{room['rocketChatId']}/messages",
        headers=users["admin"],
    ).text
    assert visitor["token"] in raw  # Rocket.Chat does send it...
    body = await gql(
        TRANSCRIPT,
        {"id": room["id"], "order": "NEWEST_FIRST", "first": 50},
        headers=users["admin"],
    )
    nodes = [e["node"] for e in body["data"]["node"]["messages"]["edges"]]
    assert [n["text"] for n in nodes] == ["two", "one"]
    assert visitor["token"] not in json.dumps(body)  # ...the gateway does not.


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("order", "sort"),
    [
        pytest.param("NEWEST_FIRST", '{"ts":-1,"_id":-1}', id="newest"),
        pytest.param("OLDEST_FIRST", '{"ts":1,"_id":1}', id="oldest"),
    ],
)
async def test_transcript_pages_equal_rest_both_ways(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    order: str,
    sort: str,
) -> None:
    admin = users["admin"]
    room = max(
        rest(upstream.url, "livechat/rooms", admin, {"count": 100})["rooms"],
        key=lambda r: r.get("msgs", 0),
    )
    expected = rest(
        upstream.url,
        f"livechat/{room['_id']}/messages",
        admin,
        {"count": 100, "sort": sort},
    )
    want = [m["_id"] for m in expected["messages"]]
    assert len(want) >= 3
    got: list[str] = []
    after = None
    while True:
        body = await gql(
            TRANSCRIPT,
            {
                "id": gid("Room", room["_id"]),
                "order": order,
                "first": 2,
                "after": after,
            },
            headers=admin,
        )
        page = body["data"]["node"]["messages"]
        assert page["totalCount"] == expected["total"]
        got.extend(e["node"]["rocketChatId"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert got == want
    backward: list[str] = []
    before = None
    while True:
        body = await gql(
            TRANSCRIPT,
            {
                "id": gid("Room", room["_id"]),
                "order": order,
                "last": 2,
                "before": before,
            },
            headers=admin,
        )
        page = body["data"]["node"]["messages"]
        backward[:0] = [e["node"]["rocketChatId"] for e in page["edges"]]
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == want


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_transcript_cursors_stay_put_when_new_messages_arrive(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    visitor = register(upstream)
    room = (await start(gql, visitor["token"]))["room"]

    async def send(text: str) -> None:
        body = await gql(
            SEND,
            {"input": {"token": visitor["token"], "roomId": room["id"], "text": text}},
        )
        assert "errors" not in body, body

    for i in range(5):
        await send(f"m{i}")
    first = await gql(
        TRANSCRIPT,
        {"id": room["id"], "order": "NEWEST_FIRST", "first": 2},
        headers=admin,
    )
    page = first["data"]["node"]["messages"]
    assert [e["node"]["text"] for e in page["edges"]] == ["m4", "m3"]
    await send("m5")
    await send("m6")
    older = await gql(
        TRANSCRIPT,
        {
            "id": room["id"],
            "order": "NEWEST_FIRST",
            "first": 2,
            "after": page["pageInfo"]["endCursor"],
        },
        headers=admin,
    )
    newer = await gql(
        TRANSCRIPT,
        {
            "id": room["id"],
            "order": "NEWEST_FIRST",
            "last": 5,
            "before": page["pageInfo"]["startCursor"],
        },
        headers=admin,
    )
    older_page = older["data"]["node"]["messages"]
    assert [e["node"]["text"] for e in older_page["edges"]] == ["m2", "m1"]
    assert older_page["totalCount"] == 7
    assert [e["node"]["text"] for e in newer["data"]["node"]["messages"]["edges"]] == [
        "m6",
        "m5",
    ]


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_agent_closes_a_room_and_closing_again_is_refused(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = (await start(gql, register(upstream)["token"]))["room"]
    no_comment = await gql(CLOSE_ROOM, {"input": {"roomId": room["id"]}}, headers=admin)
    assert codes(no_comment) == [
        ("BAD_USER_INPUT", "Rocket.Chat requires a closing comment.")
    ]
    viewer = await gql(
        CLOSE_ROOM,
        {"input": {"roomId": room["id"], "comment": "bye"}},
        headers=users["viewer"],
    )
    assert [c for c, _ in codes(viewer)] == ["FORBIDDEN"]
    upstream.clear()
    closed = await gql(
        CLOSE_ROOM,
        {"input": {"roomId": room["rocketChatId"], "comment": "Solved"}},
        headers=admin,
    )
    result = closed["data"]["closeRoom"]["room"]
    assert (result["rocketChatId"], result["state"], result["closer"]) == (
        room["rocketChatId"],
        "CLOSED",
        "USER",
    )
    writes = [c for c in upstream.calls(gql.request_id) if c.method == "POST"]
    assert [c.path for c in writes] == ["/api/v1/livechat/room.closeByUser"]
    again = await gql(
        CLOSE_ROOM, {"input": {"roomId": room["id"], "comment": "x"}}, headers=admin
    )
    assert again["data"] is None
    assert codes(again) == [("ROOM_CLOSED", "The room is already closed.")]
    transcript = await gql(
        TRANSCRIPT,
        {"id": room["id"], "order": "NEWEST_FIRST", "first": 1},
        headers=admin,
    )
    last = transcript["data"]["node"]["messages"]["edges"][0]["node"]
    assert (last["kind"], last["text"]) == ("CLOSED", "Solved")


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_transfer_to_an_offline_agent_is_refused_and_to_a_department_works(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = (await start(gql, register(upstream)["token"]))["room"]
    agents = rest(upstream.url, "livechat/users/agent", admin, {"count": 100})["users"]
    served = (room["servedBy"] or {}).get("rocketChatId")
    online = [
        a
        for a in agents
        if a["status"] != "offline" and a["statusLivechat"] == "available"
    ]
    target = next(a for a in online if a["_id"] != served)
    absent = next(a for a in agents if a["status"] == "offline")
    offline = await gql(
        TRANSFER,
        {"input": {"roomId": room["id"], "agentId": absent["_id"]}},
        headers=admin,
    )
    assert offline["data"] is None
    assert codes(offline) == [
        ("AGENT_UNAVAILABLE", "The agent is not an online livechat agent.")
    ]
    neither = await gql(TRANSFER, {"input": {"roomId": room["id"]}}, headers=admin)
    assert codes(neither) == [("BAD_USER_INPUT", "Give `agentId` or `departmentId`.")]
    # The agent named by its global id, as `servedBy { id }` gives it.
    to_agent = await gql(
        TRANSFER,
        {"input": {"roomId": room["id"], "agentId": gid("User", target["_id"])}},
        headers=admin,
    )
    assert to_agent["data"]["transferRoom"]["room"]["servedBy"] == {
        "id": gid("User", target["_id"]),
        "rocketChatId": target["_id"],
    }
    same = await gql(
        TRANSFER,
        {"input": {"roomId": room["id"], "agentId": target["_id"]}},
        headers=admin,
    )
    assert [c for c, _ in codes(same)] == ["SAME_AGENT"]
    # Another department, with an online agent other than the one now serving.
    current = (to_agent["data"]["transferRoom"]["room"]["department"] or {}).get(
        "rocketChatId"
    )
    department_id = next(
        d
        for a in online
        if a["_id"] != target["_id"]
        for d in a["departments"]
        if d != current
    )
    moved = await gql(
        TRANSFER,
        {
            "input": {
                "roomId": room["id"],
                "departmentId": gid("Department", department_id),
            }
        },
        headers=admin,
    )
    assert "errors" not in moved, moved
    assert moved["data"]["transferRoom"]["room"]["department"] == {
        "rocketChatId": department_id
    }, moved
    agent = await gql(
        TRANSFER,
        {"input": {"roomId": room["id"], "agentId": target["_id"]}},
        headers=users["agent"],
    )
    assert [c for c, _ in codes(agent)] == ["FORBIDDEN"]


@pytest.mark.anyio
@pytest.mark.usefixtures("no_rate_limit")
async def test_mutations_are_never_retried(
    gql: GraphQLClient, upstream: Upstream, knobs: Any
) -> None:
    visitor = register(upstream)
    upstream.clear()
    knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "drop"})
    body = await gql(START, {"input": {"token": visitor["token"]}})
    assert [c for c, _ in codes(body)] == ["UPSTREAM_UNAVAILABLE"]
    assert [c.path for c in upstream.calls()] == ["/api/v1/livechat/room"]
