"""`rooms`: pagination against the REST listing, filters, orderings, links."""

from __future__ import annotations

import base64
import json
import math
import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import GraphQLClient, start_gateway
from tests.support import max_in_flight, node_ids, rest, rest_ids, round_trips

if TYPE_CHECKING:
    from tests.conftest import Upstream

PAGE = """
query Rooms($first: Int, $after: String, $last: Int, $before: String,
            $filter: RoomFilter, $orderBy: RoomOrder) {
  rooms(first: $first, after: $after, last: $last, before: $before,
        filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { rocketChatId } }
    nodes { rocketChatId }
  }
}
"""


async def all_pages_forward(
    gql: GraphQLClient, headers: dict[str, str], size: int, **variables: Any
) -> tuple[list[str], int]:
    ids: list[str] = []
    after = None
    while True:
        body = await gql(
            PAGE, {"first": size, "after": after, **variables}, headers=headers
        )
        assert "errors" not in body, body
        page = body["data"]["rooms"]
        assert [e["node"] for e in page["edges"]] == page["nodes"]
        ids.extend(node_ids(page))
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return ids, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


async def all_pages_backward(
    gql: GraphQLClient, headers: dict[str, str], size: int, **variables: Any
) -> tuple[list[str], int]:
    ids: list[str] = []
    before = None
    while True:
        body = await gql(
            PAGE, {"last": size, "before": before, **variables}, headers=headers
        )
        assert "errors" not in body, body
        page = body["data"]["rooms"]
        ids[:0] = node_ids(page)
        if not page["pageInfo"]["hasPreviousPage"]:
            return ids, page["totalCount"]
        before = page["pageInfo"]["startCursor"]


@pytest.mark.anyio
@pytest.mark.parametrize("size", [100, 37])
async def test_paging_forward_and_backward_equals_rest(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]], size: int
) -> None:
    admin = users["admin"]
    expected = rest_ids(upstream.url, "livechat/rooms", "rooms", admin)
    assert expected[1] == 300
    assert await all_pages_forward(gql, admin, size) == expected
    assert await all_pages_backward(gql, admin, size) == expected


@pytest.mark.anyio
async def test_each_page_is_one_upstream_call(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    first = await gql(PAGE, {"first": 10}, headers=users["admin"])
    cursor = first["data"]["rooms"]["pageInfo"]["endCursor"]
    upstream.clear()
    body = await gql(PAGE, {"first": 10, "after": cursor}, headers=users["admin"])
    backward = await gql(PAGE, {"last": 5, "before": cursor}, headers=users["admin"])
    calls = [(c.path, dict(c.query)) for c in upstream.calls()]
    assert calls == [
        ("/api/v1/livechat/rooms", {"offset": "10", "count": "10"}),
        ("/api/v1/livechat/rooms", {"offset": "4", "count": "5"}),
    ]
    assert body["data"]["rooms"]["pageInfo"]["hasPreviousPage"] is True
    assert backward["data"]["rooms"]["pageInfo"]["hasNextPage"] is True


@pytest.mark.anyio
async def test_last_without_before_fetches_the_tail(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    expected, total = rest_ids(upstream.url, "livechat/rooms", "rooms", users["admin"])
    upstream.clear()
    body = await gql(PAGE, {"last": 3}, headers=users["admin"])
    page = body["data"]["rooms"]
    assert node_ids(page) == expected[-3:]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (total, False)
    assert [dict(c.query) for c in upstream.calls()] == [
        {"offset": "0", "count": "3"},
        {"offset": str(total - 3), "count": "3"},
    ]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variables", "message"),
    [
        pytest.param({"first": 101}, "`first` may be at most 100, got 101.", id="max"),
        pytest.param({"first": -1}, "`first` must not be negative.", id="negative"),
        pytest.param({"last": 500}, "`last` may be at most 100, got 500.", id="last"),
        pytest.param(
            {"after": "bm90LWEtY3Vyc29y"},
            "`after` is not a cursor this API handed out.",
            id="cursor",
        ),
    ],
)
async def test_bad_paging_arguments(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    variables: dict[str, Any],
    message: str,
) -> None:
    upstream.clear()
    body = await gql(PAGE, variables, headers=users["admin"])
    assert body["data"] == {"rooms": None}
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "BAD_USER_INPUT")
    ]
    assert upstream.calls(gql.request_id) == []


@pytest.mark.anyio
async def test_page_size_limits_are_settings(
    upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    with start_gateway(upstream.url, default_page_size=4, max_page_size=6) as url:
        gql = GraphQLClient(url)
        default = await gql(PAGE, {}, headers=users["admin"])
        too_big = await gql(PAGE, {"first": 7}, headers=users["admin"])
    assert len(default["data"]["rooms"]["nodes"]) == 4
    assert too_big["errors"][0]["message"] == "`first` may be at most 6, got 7."


def room_facts(upstream: Upstream, admin: dict[str, str]) -> dict[str, Any]:
    rooms = rest(upstream.url, "livechat/rooms", admin, {"count": 0})["rooms"]
    departments = sorted({r["departmentId"] for r in rooms if r.get("departmentId")})
    closed = sorted(r["closedAt"] for r in rooms if r.get("closedAt"))
    created = sorted(r["ts"] for r in rooms)
    named = next(r["fname"] for r in rooms if r.get("fname"))
    return {
        "department": departments[0],
        "closed": (closed[len(closed) // 4], closed[len(closed) // 2]),
        "created": (created[10], created[200]),
        "name": named,
        "agent": next(r["servedBy"]["_id"] for r in rooms if r.get("servedBy")),
    }


FILTERS: list[Any] = [
    pytest.param(lambda f: {"open": True}, lambda f: [("open", "true")], id="open"),
    pytest.param(lambda f: {"open": False}, lambda f: [("open", "false")], id="closed"),
    pytest.param(
        lambda f: {"queued": True}, lambda f: [("queued", "true")], id="queued"
    ),
    pytest.param(lambda f: {"onHold": True}, lambda f: [("onhold", "true")], id="hold"),
    pytest.param(
        lambda f: {"agentIds": [f["agent"]]},
        lambda f: [("agents[]", f["agent"])],
        id="agents",
    ),
    pytest.param(
        lambda f: {"departmentIds": [f["department"]]},
        lambda f: [("departmentId[]", f["department"])],
        id="departments",
    ),
    pytest.param(
        lambda f: {"createdAt": {"start": f["created"][0], "end": f["created"][1]}},
        lambda f: [
            ("createdAt", f'{{"start":"{f["created"][0]}","end":"{f["created"][1]}"}}')
        ],
        id="created-range",
    ),
    pytest.param(
        lambda f: {"closedAt": {"start": f["closed"][0]}},
        lambda f: [("closedAt", f'{{"start":"{f["closed"][0]}"}}')],
        id="closed-since",
    ),
    pytest.param(
        lambda f: {"tags": ["vip", "bug"]},
        lambda f: [("tags[]", "vip"), ("tags[]", "bug")],
        id="tags",
    ),
    pytest.param(
        lambda f: {"customFields": [{"key": "topic", "value": "BUG"}]},
        lambda f: [("customFields", '{"topic": "BUG"}')],
        id="custom-field",
    ),
    pytest.param(
        lambda f: {
            "customFields": [{"key": "topic", "value": "^bug|^f", "regex": True}]
        },
        lambda f: [("customFields", '{"topic": "^bug|^f"}')],
        id="custom-field-regex",
    ),
    pytest.param(
        lambda f: {"name": f["name"][1:4].lower()},
        lambda f: [("roomName", f["name"][1:4].lower())],
        id="name",
    ),
    pytest.param(
        lambda f: {"name": f["name"], "exactName": True},
        lambda f: [("roomName", f'"{f["name"]}"')],
        id="exact-name",
    ),
    pytest.param(
        lambda f: {
            "open": False,
            "tags": ["sales"],
            "departmentIds": [f["department"]],
        },
        lambda f: [
            ("open", "false"),
            ("tags[]", "sales"),
            ("departmentId[]", f["department"]),
        ],
        id="combined",
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("make_filter", "make_params"), FILTERS)
async def test_filters_match_the_rest_listing(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    make_filter: Any,
    make_params: Any,
) -> None:
    admin = users["admin"]
    facts = room_facts(upstream, admin)
    expected = rest_ids(
        upstream.url, "livechat/rooms", "rooms", admin, make_params(facts)
    )
    assert 0 < expected[1] < 300
    got = await all_pages_forward(gql, admin, 100, filter=make_filter(facts))
    assert got == expected


@pytest.mark.anyio
async def test_filter_values_are_json_encoded_not_spliced(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    upstream.clear()
    body = await gql(
        PAGE,
        {"filter": {"customFields": [{"key": 'x"}', "value": 'a", "b": "c'}]}},
        headers=users["admin"],
    )
    assert body["data"]["rooms"]["totalCount"] == 0
    (call,) = upstream.calls()
    # Plain text is escaped for Rocket.Chat's regex match, then JSON-encoded.
    assert json.loads(dict(call.query)["customFields"]) == {
        'x"}': re.escape('a", "b": "c')
    }


ORDERS = [
    ("CREATED_AT", "ts"),
    ("UPDATED_AT", "_updatedAt"),
    ("LAST_MESSAGE_AT", "lm"),
    ("CLOSED_AT", "closedAt"),
    ("NAME", "fname"),
    ("MESSAGE_COUNT", "msgs"),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("field", "key"), ORDERS)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_orderings_match_the_rest_sort(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    field: str,
    key: str,
    direction: str,
) -> None:
    admin = users["admin"]
    sign = 1 if direction == "ASC" else -1
    sort = f'{{"{key}":{sign},"_id":{sign}}}'
    expected = rest_ids(
        upstream.url, "livechat/rooms", "rooms", admin, [("sort", sort)]
    )
    got = await all_pages_forward(
        gql, admin, 100, orderBy={"field": field, "direction": direction}
    )
    assert got == expected


ROOM_FIELDS = """
query {
  rooms(first: 100, filter: {open: false}) {
    nodes {
      id rocketChatId name state open onHold messageCount userCount createdAt
      lastMessageAt closedAt closer closedBy { rocketChatId username }
      servedBy { rocketChatId username } assignedAt
      department { rocketChatId name } source { type } tags customFields
      lastMessage { text author { username } }
      visitor { rocketChatId username }
    }
  }
}
"""


def user_ref(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    return {"rocketChatId": doc["_id"], "username": doc["username"]} if doc else None


def expected_room(doc: dict[str, Any]) -> dict[str, Any]:
    """What ROOM_FIELDS must answer for a closed room's REST document."""
    served, closer, last = (
        doc.get("servedBy"),
        doc.get("closer"),
        doc.get("lastMessage"),
    )
    return {
        "id": base64.b64encode(f"Room:{doc['_id']}".encode()).decode(),
        "rocketChatId": doc["_id"],
        "name": doc["fname"],
        "state": "CLOSED",
        "open": False,
        "onHold": doc.get("onHold", False),
        "messageCount": doc["msgs"],
        "userCount": doc["usersCount"],
        "createdAt": doc["ts"],
        "lastMessageAt": doc["lm"],
        "closedAt": doc.get("closedAt"),
        "closer": closer.upper() if closer else None,
        "closedBy": user_ref(doc.get("closedBy")),
        "servedBy": user_ref(served),
        "assignedAt": served["ts"] if served else None,
        "department": (
            {"rocketChatId": doc["departmentId"], "name": doc["department"]["name"]}
            if doc.get("departmentId")
            else None
        ),
        "source": {"type": doc["source"]["type"].upper()},
        "tags": doc.get("tags", []),
        "customFields": doc.get("livechatData"),
        "lastMessage": (
            {"text": last["msg"], "author": {"username": last["u"]["username"]}}
            if last
            else None
        ),
        "visitor": {"rocketChatId": doc["v"]["_id"], "username": doc["v"]["username"]},
    }


@pytest.mark.anyio
async def test_room_fields_are_renamed_from_the_document(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    documents = rest(
        upstream.url, "livechat/rooms", admin, {"count": 100, "open": "false"}
    )["rooms"]
    # The page exercises every optional field both ways.
    for key in ("departmentId", "tags", "livechatData"):
        assert {key in d for d in documents} == {True, False}, key
    body = await gql(ROOM_FIELDS, headers=admin)
    assert body == {"data": {"rooms": {"nodes": [expected_room(d) for d in documents]}}}


STATUS_BOTH_WAYS = """
query ($room: ID!, $visitor: ID!) {
  room: node(id: $room) { ... on Room { visitor { id status } } }
  visitor: node(id: $visitor) { ... on Visitor { id status } }
  rooms(first: 1) { nodes { visitor { id status } } }
}
"""


@pytest.mark.anyio
async def test_visitor_status_is_the_visitor_records_whatever_the_path(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    # Rocket.Chat keeps a copy of the status in the room (`v.status`, set to
    # offline on close); the Visitor's status is the visitor record's own.
    admin = users["admin"]
    doc = rest(upstream.url, "livechat/rooms", admin, {"count": 1})["rooms"][0]
    store = upstream.sandbox.store
    stored = store.get("rocketchat_room", doc["_id"])
    visitor = store.get("livechat_visitor", doc["v"]["_id"])
    assert stored is not None
    assert visitor is not None
    room_status = "away" if visitor["status"] != "away" else "busy"
    store.save(
        "rocketchat_room", {**stored, "v": {**stored["v"], "status": room_status}}
    )
    try:
        room_id = base64.b64encode(f"Room:{doc['_id']}".encode()).decode()
        visitor_id = base64.b64encode(f"Visitor:{visitor['_id']}".encode()).decode()
        body = await gql(
            STATUS_BOTH_WAYS, {"room": room_id, "visitor": visitor_id}, headers=admin
        )
    finally:
        store.save("rocketchat_room", stored)
    expected = {"id": visitor_id, "status": visitor["status"].upper()}
    assert body == {
        "data": {
            "room": {"visitor": expected},
            "visitor": expected,
            "rooms": {"nodes": [{"visitor": expected}]},
        }
    }


CHEAP = "{ rooms(first: 50) { nodes { visitor { rocketChatId username } } } }"
DEEP = "{ rooms(first: 50) { nodes { visitor { name emails { address } } } } }"


@pytest.mark.anyio
async def test_embedded_visitor_fields_cost_no_call(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    body = await gql(CHEAP, headers=users["admin"])
    assert len(body["data"]["rooms"]["nodes"]) == 50
    assert [c.path for c in upstream.calls()] == ["/api/v1/livechat/rooms"]


def distinct_visitors(upstream: Upstream, admin: dict[str, str]) -> list[str]:
    rooms = rest(upstream.url, "livechat/rooms", admin, {"count": 50})["rooms"]
    return list(dict.fromkeys(r["v"]["_id"] for r in rooms))


# The sandbox and the gateway share this process (and its GIL) in tests, and
# the suite runs a worker per core, so starting a wave of 37 calls can take
# a few hundred milliseconds on a busy machine; latencies here are long
# enough that the structure of the calls, read from the sandbox log, is
# unambiguous. bench/calls.py measures the same queries at 50 ms with the
# sandbox apart.
WAVE_LATENCY_MS = 800


@pytest.mark.anyio
async def test_visitor_details_cost_one_concurrent_call_per_distinct_visitor(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    admin = users["admin"]
    visitors = distinct_visitors(upstream, admin)
    assert len(visitors) < 50  # the page repeats some visitors
    names = {
        v: rest(upstream.url, "livechat/visitors.info", admin, {"visitorId": v})[
            "visitor"
        ].get("name")
        for v in visitors
    }
    knobs.update_knobs({"latency_ms": WAVE_LATENCY_MS})
    # The default fan-out serves a whole page of distinct visitors in one wave.
    upstream.clear()
    body = await gql(ROOM_VISITORS, headers=admin)
    assert "errors" not in body
    assert [n["visitor"]["name"] for n in body["data"]["rooms"]["nodes"]] == [
        names[n["visitor"]["rocketChatId"]] for n in body["data"]["rooms"]["nodes"]
    ]
    calls = upstream.calls()
    assert [c.path for c in calls[:1]] == ["/api/v1/livechat/rooms"]
    infos = calls[1:]
    assert sorted(dict(c.query)["visitorId"] for c in infos) == sorted(visitors)
    assert {c.path for c in infos} == {"/api/v1/livechat/visitors.info"}
    assert max_in_flight(infos) == len(visitors)
    assert round_trips(calls) == 2


ROOM_VISITORS = """
{ rooms(first: 50) { nodes { visitor { rocketChatId name emails { address } } } } }
"""


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("bound", "latency"), [(1, 0), (4, 200), (16, WAVE_LATENCY_MS)]
)
async def test_fan_out_is_bounded(
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    knobs: Any,
    bound: int,
    latency: int,
) -> None:
    admin = users["admin"]
    distinct = len(distinct_visitors(upstream, admin))
    knobs.update_knobs({"latency_ms": latency})
    with start_gateway(upstream.url, max_fan_out=bound) as url:
        upstream.clear()
        body = await GraphQLClient(url)(DEEP, headers=admin)
    assert "errors" not in body
    calls = upstream.calls()
    assert len(calls) == 1 + distinct
    assert max_in_flight(calls[1:]) == bound
    assert round_trips(calls) == 1 + math.ceil(distinct / bound)


@pytest.mark.anyio
async def test_agent_reads_only_its_own_rooms(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    agent = users["agent"]
    agent_id = agent["X-User-Id"]
    refused = await gql(PAGE, {"first": 5}, headers=agent)
    assert refused["data"] == {"rooms": None}
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    own = await all_pages_forward(gql, agent, 100, filter={"agentIds": [agent_id]})
    expected = rest_ids(
        upstream.url,
        "livechat/rooms",
        "rooms",
        users["admin"],
        [("agents[]", agent_id)],
    )
    assert own == expected
    assert own[1] > 0
    # The same agent by its user global id.
    user_gid = base64.b64encode(f"User:{agent_id}".encode()).decode()
    by_gid = await all_pages_forward(gql, agent, 100, filter={"agentIds": [user_gid]})
    assert by_gid == expected


@pytest.mark.anyio
async def test_viewer_is_forbidden(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    body = await gql(PAGE, {"first": 5}, headers=users["viewer"])
    assert body["data"] == {"rooms": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


LINKS = """
query {
  rooms(first: 20, filter: {open: false}) {
    nodes {
      rocketChatId
      visitor { rocketChatId token }
      pagesVisited(first: 100) { totalCount nodes { rocketChatId title url change } }
      visitorHistory(first: 100) { totalCount nodes { rocketChatId } }
      contact { rocketChatId }
    }
  }
}
"""


@pytest.mark.anyio
async def test_room_links(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    body = await gql(LINKS, headers=admin)
    assert "errors" not in body, body
    rooms = body["data"]["rooms"]["nodes"]
    for room in rooms:
        rid, vid = room["rocketChatId"], room["visitor"]["rocketChatId"]
        assert room["visitor"]["token"] is None
        pages = rest(upstream.url, f"livechat/visitors.pagesVisited/{rid}", admin)
        assert room["pagesVisited"]["totalCount"] == pages["total"]
        assert [p["rocketChatId"] for p in room["pagesVisited"]["nodes"]] == [
            p["_id"] for p in pages["pages"]
        ]
        history = rest(
            upstream.url,
            f"livechat/visitors.chatHistory/room/{rid}/visitor/{vid}",
            admin,
        )
        assert node_ids(room["visitorHistory"]) == [
            r["_id"] for r in history["history"]
        ]
        assert rid in node_ids(room["visitorHistory"])
    assert any(r["pagesVisited"]["totalCount"] for r in rooms)
