"""`departments`, Department as a Node, Room.department on every path."""

from __future__ import annotations

from base64 import b64encode
from typing import TYPE_CHECKING, Any

import pytest

from tests.support import rest

if TYPE_CHECKING:
    from tests.conftest import GraphQLClient, Upstream

FIELDS = """
  id rocketChatId name enabled description email showOnRegistration
  showOnOfflineForm agentCount archived requiresTagsToClose closingTags updatedAt
"""
LIST = f"""
query ($text: String, $onlyEnabled: Boolean! = false,
       $includeArchived: Boolean! = false, $first: Int, $after: String) {{
  departments(text: $text, onlyEnabled: $onlyEnabled,
              includeArchived: $includeArchived, first: $first, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {FIELDS} }}
  }}
}}
"""


def gid(type_name: str, raw: str) -> str:
    return b64encode(f"{type_name}:{raw}".encode()).decode()


def expected(doc: dict[str, Any]) -> dict[str, Any]:
    """A department document as the schema renders it."""
    return {
        "id": gid("Department", doc["_id"]),
        "rocketChatId": doc["_id"],
        "name": doc["name"],
        "enabled": doc["enabled"],
        "description": doc.get("description"),
        "email": doc.get("email"),
        "showOnRegistration": doc.get("showOnRegistration"),
        "showOnOfflineForm": doc.get("showOnOfflineForm"),
        "agentCount": doc.get("numAgents"),
        "archived": doc.get("archived", False),
        "requiresTagsToClose": doc.get("requestTagBeforeClosingChat"),
        "closingTags": doc.get("chatClosingTags", []),
        "updatedAt": doc["_updatedAt"],
    }


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variables", "params"),
    [
        pytest.param({}, {}, id="all"),
        pytest.param({"onlyEnabled": True}, {"enabled": "true"}, id="enabled"),
        pytest.param(
            {"includeArchived": True}, {"showArchived": "true"}, id="archived"
        ),
        pytest.param({"text": "sup"}, {"text": "sup"}, id="text"),
    ],
)
async def test_departments_equal_the_rest_listing(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    variables: dict[str, Any],
    params: dict[str, str],
) -> None:
    admin = users["admin"]
    docs = rest(upstream.url, "livechat/department", admin, {**params, "count": 100})
    body = await gql(LIST, {**variables, "first": 100}, headers=admin)
    assert body == {
        "data": {
            "departments": {
                "totalCount": docs["total"],
                "pageInfo": {
                    "hasNextPage": False,
                    "endCursor": body["data"]["departments"]["pageInfo"]["endCursor"],
                },
                "nodes": [expected(d) for d in docs["departments"]],
            }
        }
    }
    assert docs["total"] > 0


@pytest.mark.anyio
async def test_department_node_and_room_department_agree_with_the_listing(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = next(
        r
        for r in rest(upstream.url, "livechat/rooms", admin, {"count": 100})["rooms"]
        if r.get("departmentId")
    )
    doc = rest(upstream.url, f"livechat/department/{room['departmentId']}", admin)[
        "department"
    ]
    query = f"""
    query ($room: ID!, $department: ID!) {{
      room: node(id: $room) {{ ... on Room {{ department {{ {FIELDS} }} }} }}
      department: node(id: $department) {{ ... on Department {{ {FIELDS} }} }}
      rooms(first: 100) {{ nodes {{ rocketChatId department {{ {FIELDS} }} }} }}
    }}
    """
    upstream.clear()
    body = await gql(
        query,
        {"room": gid("Room", room["_id"]), "department": gid("Department", doc["_id"])},
        headers=admin,
    )
    want = expected(doc)
    assert body["data"]["room"] == {"department": want}
    assert body["data"]["department"] == want
    listed = next(
        n for n in body["data"]["rooms"]["nodes"] if n["rocketChatId"] == room["_id"]
    )
    assert listed["department"] == want
    # One lookup per distinct department, however many rooms mention it.
    paths = [c.path for c in upstream.calls(gql.request_id)]
    lookups = [p for p in paths if p.startswith("/api/v1/livechat/department/")]
    assert len(lookups) == len(set(lookups))


@pytest.mark.anyio
async def test_room_department_name_comes_free_in_listings_and_by_lookup_by_id(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = next(
        r
        for r in rest(upstream.url, "livechat/rooms", admin, {"count": 100})["rooms"]
        if r.get("departmentId")
    )
    upstream.clear()
    listed = await gql(
        "{ rooms(first: 100) { nodes { rocketChatId department { id name } } } }",
        headers=admin,
    )
    assert [c.path for c in upstream.calls(gql.request_id)] == [
        "/api/v1/livechat/rooms"
    ]
    by_id = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Room { department { id name } } } }",
        {"id": gid("Room", room["_id"])},
        headers=admin,
    )
    name = next(
        n["department"]
        for n in listed["data"]["rooms"]["nodes"]
        if n["rocketChatId"] == room["_id"]
    )
    assert by_id == {"data": {"node": {"department": name}}}
    assert name["name"] == room["department"]["name"]


@pytest.mark.anyio
async def test_room_filter_takes_department_global_ids(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    department = rest(upstream.url, "livechat/department", admin)["departments"][0]
    want = rest(
        upstream.url,
        "livechat/rooms",
        admin,
        {"departmentId": department["_id"], "count": 1},
    )["total"]
    query = (
        "query ($d: [ID!]) { rooms(filter: {departmentIds: $d}, first: 1) "
        "{ totalCount } }"
    )
    raw = await gql(query, {"d": [department["_id"]]}, headers=admin)
    global_ = await gql(
        query, {"d": [gid("Department", department["_id"])]}, headers=admin
    )
    assert raw == global_ == {"data": {"rooms": {"totalCount": want}}}


@pytest.mark.anyio
async def test_unknown_department_is_not_found_and_viewer_is_forbidden(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    missing = await gql(
        "query ($id: ID!) { node(id: $id) { id } }",
        {"id": gid("Department", "NoSuchDepartment1")},
        headers=users["admin"],
    )
    assert missing["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in missing["errors"]] == ["NOT_FOUND"]
    viewer = await gql("{ departments { totalCount } }", headers=users["viewer"])
    assert viewer["data"] == {"departments": None}
    assert [e["extensions"]["code"] for e in viewer["errors"]] == ["FORBIDDEN"]
