"""Visitors: lookups, search paging, orderings, mutations and the token rule."""

from __future__ import annotations

import base64
import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.support import node_ids, rest, rest_ids

if TYPE_CHECKING:
    from tests.conftest import GraphQLClient, Stack, Upstream

SEARCH = """
query Visitors($term: String!, $first: Int, $after: String, $last: Int,
               $before: String, $orderBy: VisitorOrder) {
  visitors(term: $term, first: $first, after: $after, last: $last,
           before: $before, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { rocketChatId }
  }
}
"""

VISITOR_FIELDS = """
  id rocketChatId token username name emails { address } phones { phoneNumber }
  departmentId status createdAt updatedAt lastChatAt customFields
  lastAgent { rocketChatId username } lastChat { rocketChatId }
"""


async def search_all(
    gql: GraphQLClient, headers: dict[str, str], term: str, **variables: Any
) -> tuple[list[str], int]:
    ids: list[str] = []
    after = None
    while True:
        body = await gql(
            SEARCH,
            {"term": term, "first": 30, "after": after, **variables},
            headers=headers,
        )
        assert "errors" not in body, body
        page = body["data"]["visitors"]
        ids.extend(node_ids(page))
        if not page["pageInfo"]["hasNextPage"]:
            return ids, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


async def search_all_backward(
    gql: GraphQLClient, headers: dict[str, str], term: str
) -> tuple[list[str], int]:
    ids: list[str] = []
    before = None
    while True:
        body = await gql(
            SEARCH, {"term": term, "last": 30, "before": before}, headers=headers
        )
        page = body["data"]["visitors"]
        ids[:0] = node_ids(page)
        if not page["pageInfo"]["hasPreviousPage"]:
            return ids, page["totalCount"]
        before = page["pageInfo"]["startCursor"]


@pytest.mark.anyio
@pytest.mark.parametrize("term", ["", "an", "guest-1"])
async def test_search_pages_equal_rest(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]], term: str
) -> None:
    admin = users["admin"]
    expected = rest_ids(
        upstream.url, "livechat/visitors.search", "visitors", admin, [("term", term)]
    )
    assert expected[1] > 0
    assert await search_all(gql, admin, term) == expected
    assert await search_all_backward(gql, admin, term) == expected


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("CREATED_AT", "ts"),
        ("NAME", "name"),
        ("USERNAME", "username"),
        ("LAST_CHAT_AT", "lastChat.ts"),
    ],
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_search_orderings(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    field: str,
    key: str,
    direction: str,
) -> None:
    admin = users["admin"]
    sign = 1 if direction == "ASC" else -1
    expected = rest_ids(
        upstream.url,
        "livechat/visitors.search",
        "visitors",
        admin,
        [("term", ""), ("sort", f'{{"{key}":{sign},"_id":{sign}}}')],
    )
    got = await search_all(
        gql, admin, "", orderBy={"field": field, "direction": direction}
    )
    assert got == expected


@pytest.mark.anyio
async def test_visitor_by_raw_and_global_id(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    found = rest(
        upstream.url, "livechat/visitors.search", admin, {"term": "", "count": 1}
    )
    raw_id = found["visitors"][0]["_id"]
    document = rest(
        upstream.url, "livechat/visitors.info", admin, {"visitorId": raw_id}
    )["visitor"]
    global_id = base64.b64encode(f"Visitor:{raw_id}".encode()).decode()
    query = f"query($id: ID!) {{ visitor(id: $id) {{ {VISITOR_FIELDS} }} }}"
    by_raw = await gql(query, {"id": raw_id}, headers=admin)
    by_global = await gql(query, {"id": global_id}, headers=admin)
    assert by_raw == by_global
    last_chat, last_agent = document.get("lastChat"), document.get("lastAgent")
    assert by_raw == {
        "data": {
            "visitor": {
                "id": global_id,
                "rocketChatId": raw_id,
                "token": None,
                "username": document["username"],
                "name": document.get("name"),
                "emails": document.get("visitorEmails", []),
                "phones": document.get("phone", []),
                "departmentId": document.get("department"),
                "status": document["status"].upper(),
                "createdAt": document["ts"],
                "updatedAt": document["_updatedAt"],
                "lastChatAt": last_chat["ts"] if last_chat else None,
                "customFields": document.get("livechatData"),
                "lastAgent": (
                    {
                        "rocketChatId": last_agent["agentId"],
                        "username": last_agent["username"],
                    }
                    if last_agent
                    else None
                ),
                "lastChat": {"rocketChatId": last_chat["_id"]} if last_chat else None,
            }
        }
    }


@pytest.mark.anyio
async def test_unknown_visitor_is_null_and_not_found(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    body = await gql(
        '{ visitor(id: "000000000000000000000000") { name } }', headers=users["admin"]
    )
    assert body == {
        "data": {"visitor": None},
        "errors": [
            {
                "message": "No such record.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["visitor"],
                "extensions": {
                    "code": "NOT_FOUND",
                    "upstreamMessage": "visitor-not-found",
                },
            }
        ],
    }


@pytest.mark.anyio
async def test_room_global_id_is_not_a_visitor_id(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    room_id = base64.b64encode(b"Room:abc").decode()
    body = await gql(
        f'{{ visitor(id: "{room_id}") {{ name }} }}', headers=users["admin"]
    )
    assert body == {
        "data": {"visitor": None},
        "errors": [
            {
                "message": f"'{room_id}' is the id of a Room, not a Visitor.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["visitor"],
                "extensions": {"code": "BAD_USER_INPUT", "argument": "id"},
            }
        ],
    }


REGISTER = """
mutation($input: RegisterVisitorInput!) {
  registerVisitor(input: $input) {
    visitor { rocketChatId token username name emails { address }
              phones { phoneNumber } customFields departmentId status }
  }
}
"""


@pytest.mark.anyio
async def test_register_then_read_back_by_token(writable: Stack) -> None:
    gql, upstream, users = writable.gql(), writable.upstream, writable.users
    token = f"tok-{uuid.uuid4().hex}"
    body = await gql(
        REGISTER,
        {
            "input": {
                "token": token,
                "name": "Grace Hopper",
                "email": " Grace@Example.COM ",
                "phone": "+1 555 0100",
                "customFields": [
                    {"key": "company", "value": "Navy", "overwrite": True}
                ],
            }
        },
    )
    visitor = body["data"]["registerVisitor"]["visitor"]
    assert body == {
        "data": {
            "registerVisitor": {
                "visitor": {
                    "rocketChatId": visitor["rocketChatId"],  # assigned upstream
                    "token": token,
                    "username": visitor["username"],
                    "name": "Grace Hopper",
                    "emails": [{"address": "grace@example.com"}],
                    "phones": [{"phoneNumber": "+1 555 0100"}],
                    "customFields": {"company": "Navy"},
                    "departmentId": None,
                    "status": "ONLINE",
                }
            }
        }
    }
    assert re.fullmatch(r"guest-\d+", visitor["username"])
    assert re.fullmatch(r"[0-9a-f]{24}", visitor["rocketChatId"])
    by_token = await gql(
        f"query($t: String!) {{ visitorByToken(token: $t) {{ {VISITOR_FIELDS} }} }}",
        {"t": token},
    )
    read = by_token["data"]["visitorByToken"]
    assert (read["rocketChatId"], read["token"], read["name"]) == (
        visitor["rocketChatId"],
        token,
        "Grace Hopper",
    )
    as_agent = await gql(
        f'{{ visitor(id: "{visitor["rocketChatId"]}") {{ token name }} }}',
        headers=users["admin"],
    )
    assert as_agent == {"data": {"visitor": {"token": None, "name": "Grace Hopper"}}}
    stored = rest(
        upstream.url,
        "livechat/visitors.info",
        users["admin"],
        {"visitorId": visitor["rocketChatId"]},
    )["visitor"]
    assert stored["livechatData"] == {"company": "Navy"}


def refused_registration(message: str, error_type: str) -> dict[str, Any]:
    """The body of a registration Rocket.Chat refused with `message`."""
    return {
        "data": None,
        "errors": [
            {
                "message": message,
                "locations": [{"line": 3, "column": 3}],
                "path": ["registerVisitor"],
                "extensions": {
                    "code": "BAD_USER_INPUT",
                    "upstreamMessage": message,
                    "errorType": error_type,
                },
            }
        ],
    }


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("visitor", "message", "error_type"),
    [
        pytest.param(
            {"department": "no-such-dept"},
            "The provided department is invalid [error-invalid-department]",
            "error-invalid-department",
            id="unknown-department",
        ),
        pytest.param(
            {"token": "   "},
            "Token cannot be empty [error-invalid-token]",
            "error-invalid-token",
            id="blank-token",
        ),
    ],
)
async def test_registration_refused_upstream_is_bad_user_input(
    gql: GraphQLClient, visitor: dict[str, str], message: str, error_type: str
) -> None:
    body = await gql(
        REGISTER, {"input": {"token": f"tok-{uuid.uuid4().hex}", **visitor}}
    )
    assert body == refused_registration(message, error_type)


@pytest.mark.anyio
async def test_mutation_is_not_retried(writable: Stack, writable_knobs: Any) -> None:
    gql, upstream = writable.gql(), writable.upstream
    writable_knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "drop"})
    body = await gql(REGISTER, {"input": {"token": f"tok-{uuid.uuid4().hex}"}})
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert [c.path for c in upstream.calls()] == ["/api/v1/livechat/visitor"]


RECORD = """
mutation($input: RecordPageVisitInput!) {
  recordPageVisit(input: $input) { recorded }
}
"""


@pytest.mark.anyio
async def test_record_page_visit_shows_in_the_room(writable: Stack) -> None:
    gql, upstream, admin = writable.gql(), writable.upstream, writable.users["admin"]
    room = rest(upstream.url, "livechat/rooms", admin, {"count": 1, "open": "true"})[
        "rooms"
    ][0]
    title = f"Pricing {uuid.uuid4().hex[:6]}"
    stored = await gql(
        RECORD,
        {
            "input": {
                "token": room["v"]["token"],
                "roomId": room["_id"],
                "title": title,
                "url": "https://example.com/pricing",
            }
        },
    )
    ignored = await gql(
        RECORD,
        {
            "input": {
                "token": room["v"]["token"],
                "roomId": room["_id"],
                "change": "title",
                "title": "ignored",
                "url": "https://example.com/x",
            }
        },
    )
    assert stored == {"data": {"recordPageVisit": {"recorded": True}}}
    assert ignored == {"data": {"recordPageVisit": {"recorded": False}}}
    pages = await gql(
        f'{{ node(id: "{base64.b64encode(("Room:" + room["_id"]).encode()).decode()}")'
        " { ... on Room { pagesVisited(first: 1) { nodes { title url change } } } } }",
        headers=admin,
    )
    assert pages["data"]["node"]["pagesVisited"]["nodes"] == [
        {"title": title, "url": "https://example.com/pricing", "change": "url"}
    ]


@pytest.mark.anyio
async def test_record_page_visit_validation(writable: Stack) -> None:
    body = await writable.gql()(
        'mutation { recordPageVisit(input: {token: "t", title: "x", url: "u"}) '
        "{ recorded } }"
    )
    assert body == {"data": {"recordPageVisit": {"recorded": True}}}


@pytest.mark.anyio
async def test_token_path_injection_stays_one_segment(
    gql: GraphQLClient, upstream: Upstream, knobs: Any
) -> None:
    body = await gql(
        'query { visitorByToken(token: "../visitors.info?visitorId=x") { name } '
        'dots: visitorByToken(token: "..") { name } }'
    )
    assert body == {
        "data": {"visitorByToken": None, "dots": None},
        "errors": [
            {
                "message": "No such record.",
                "locations": [{"line": 1, "column": column}],
                "path": [path],
                "extensions": {
                    "code": "NOT_FOUND",
                    "upstreamMessage": "[invalid-token]",
                },
            }
            for path, column in (("visitorByToken", 9), ("dots", 72))
        ],
    }
    assert sorted((c.path, c.query) for c in upstream.calls()) == [
        ("/api/v1/livechat/visitor/%2E%2E", []),
        ("/api/v1/livechat/visitor/..%2Fvisitors.info%3FvisitorId%3Dx", []),
    ]


@pytest.mark.anyio
async def test_empty_token_is_bad_input(gql: GraphQLClient) -> None:
    body = await gql('{ visitorByToken(token: "") { name } }')
    assert body == {
        "data": {"visitorByToken": None},
        "errors": [
            {
                "message": "`token` must not be empty.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["visitorByToken"],
                "extensions": {"code": "BAD_USER_INPUT", "argument": "token"},
            }
        ],
    }


@pytest.mark.anyio
async def test_viewer_is_forbidden_on_visitors(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    body = await gql(SEARCH, {"term": ""}, headers=users["viewer"])
    assert body == {
        "data": {"visitors": None},
        "errors": [
            {
                "message": "Rocket.Chat refused this to your user.",
                "locations": [{"line": 4, "column": 3}],
                "path": ["visitors"],
                "extensions": {
                    "code": "FORBIDDEN",
                    "upstreamMessage": "User does not have the permissions "
                    "required for this action [error-unauthorized]",
                },
            }
        ],
    }


@pytest.mark.anyio
async def test_chat_history_through_the_last_room(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = rest(upstream.url, "livechat/rooms", admin, {"count": 1})["rooms"][0]
    vid = room["v"]["_id"]
    expected = rest(
        upstream.url,
        f"livechat/visitors.chatHistory/room/{room['_id']}/visitor/{vid}",
        admin,
    )
    body = await gql(
        f'{{ visitor(id: "{vid}") {{ chatHistory(first: 50) '
        "{ totalCount nodes { rocketChatId } } "
        f'viaRoom: chatHistory(roomId: "{room["_id"]}") {{ totalCount }} }} }}',
        headers=admin,
    )
    history = body["data"]["visitor"]["chatHistory"]
    assert history["totalCount"] == expected["total"]
    assert node_ids(history) == [r["_id"] for r in expected["history"]]
    assert body["data"]["visitor"]["viaRoom"]["totalCount"] == expected["total"]


@pytest.mark.anyio
async def test_search_fields_cost_one_call_others_a_lookup_each(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    upstream.clear()
    cheap = await gql(
        '{ visitors(term: "", first: 5) { nodes { rocketChatId name emails { address }'
        " customFields lastChat { rocketChatId } } } }",
        headers=admin,
    )
    assert len(cheap["data"]["visitors"]["nodes"]) == 5
    assert [c.path for c in upstream.calls(gql.request_id)] == [
        "/api/v1/livechat/visitors.search"
    ]
    full = await gql(
        '{ visitors(term: "", first: 5) { edges { node { rocketChatId status createdAt'
        " departmentId } } } }",
        headers=admin,
    )
    calls = upstream.calls(gql.request_id)
    assert [c.path for c in calls] == ["/api/v1/livechat/visitors.search"] + [
        "/api/v1/livechat/visitors.info"
    ] * 5
    for edge in full["data"]["visitors"]["edges"]:
        node = edge["node"]
        document = rest(
            upstream.url,
            "livechat/visitors.info",
            admin,
            {"visitorId": node["rocketChatId"]},
        )["visitor"]
        assert node["status"] == document["status"].upper()
        assert node["createdAt"][:19] == document["ts"][:19]
        assert node["departmentId"] == document.get("department")


def global_id(type_name: str, raw_id: str) -> str:
    return base64.b64encode(f"{type_name}:{raw_id}".encode()).decode()


@pytest.mark.anyio
async def test_room_inputs_take_global_or_raw_ids(writable: Stack) -> None:
    # It records a page visit, so it runs on the writable sandbox.
    gql, upstream, admin = writable.gql(), writable.upstream, writable.users["admin"]
    room = rest(upstream.url, "livechat/rooms", admin, {"count": 1, "open": "true"})[
        "rooms"
    ][0]
    vid = room["v"]["_id"]
    history = """
    query ($visitor: ID!, $room: ID) {
      visitor(id: $visitor) { chatHistory(roomId: $room) { totalCount } }
    }
    """
    answers = [
        await gql(history, {"visitor": vid, "room": room_id}, headers=admin)
        for room_id in (room["_id"], global_id("Room", room["_id"]))
    ]
    expected = rest(
        upstream.url,
        f"livechat/visitors.chatHistory/room/{room['_id']}/visitor/{vid}",
        admin,
    )["total"]
    assert (
        answers
        == [{"data": {"visitor": {"chatHistory": {"totalCount": expected}}}}] * 2
    )
    title = f"Global {uuid.uuid4().hex[:6]}"
    recorded = await gql(
        RECORD,
        {
            "input": {
                "token": room["v"]["token"],
                "roomId": global_id("Room", room["_id"]),
                "title": title,
                "url": "https://example.com/global",
            }
        },
    )
    assert recorded == {"data": {"recordPageVisit": {"recorded": True}}}
    pages = rest(upstream.url, f"livechat/visitors.pagesVisited/{room['_id']}", admin)[
        "pages"
    ]
    assert title in [p["navigation"]["page"]["title"] for p in pages]


@pytest.mark.anyio
async def test_a_global_id_of_another_type_is_bad_input(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    room = rest(upstream.url, "livechat/rooms", users["admin"], {"count": 1})["rooms"]
    visitor = global_id("Visitor", room[0]["v"]["_id"])
    body = await gql(
        "query ($id: ID!, $room: ID) { visitor(id: $id) { chatHistory(roomId: $room)"
        " { totalCount } } }",
        {"id": visitor, "room": visitor},
        headers=users["admin"],
    )
    assert body["data"] == {"visitor": {"chatHistory": None}}
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (
            f"{visitor!r} is the id of a Visitor, not a Room.",
            {"code": "BAD_USER_INPUT", "argument": "roomId"},
        )
    ]
