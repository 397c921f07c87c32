"""`node` / `nodes`: global ids round-trip to every node type, failures stay local."""

from __future__ import annotations

from base64 import b64encode
from typing import TYPE_CHECKING

import pytest
import strawberry
from strawberry import relay

from gateway.config import Settings
from gateway.context import Context, Info
from gateway.loaders import Loaders
from gateway.schema.contacts import Contact
from gateway.schema.rooms import Room
from gateway.schema.visitors import Visitor
from gateway.upstream.client import Credentials, Upstream as RestClient
from tests.support import rest

if TYPE_CHECKING:
    from tests.conftest import GraphQLClient, Upstream

NODES = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename id
    ... on Visitor { rocketChatId username }
    ... on Room { rocketChatId name }
    ... on Contact { rocketChatId name }
  }
}
"""


def gid(type_name: str, raw: str) -> str:
    return b64encode(f"{type_name}:{raw}".encode()).decode()


@pytest.mark.anyio
async def test_ids_from_listings_round_trip(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    listing = await gql(
        "{ rooms(first: 2) { nodes { id rocketChatId name } }"
        ' visitors(term: "", first: 2) { nodes { id rocketChatId username } }'
        " contacts(first: 2) { nodes { id rocketChatId name } } }",
        headers=admin,
    )
    data = listing["data"]
    expected = [
        {"__typename": typename, **node}
        for typename, key in (
            ("Room", "rooms"),
            ("Visitor", "visitors"),
            ("Contact", "contacts"),
        )
        for node in data[key]["nodes"]
    ]
    body = await gql(NODES, {"ids": [n["id"] for n in expected]}, headers=admin)
    assert body == {"data": {"nodes": expected}}
    single = await gql(
        "query($id: ID!) { node(id: $id) { id ... on Room { name } } }",
        {"id": expected[0]["id"]},
        headers=admin,
    )
    assert single == {
        "data": {"node": {"id": expected[0]["id"], "name": expected[0]["name"]}}
    }


@pytest.mark.anyio
async def test_one_bad_id_fails_only_its_slot(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = rest(upstream.url, "livechat/rooms", admin, {"count": 1})["rooms"][0]
    ids = [
        gid("Room", room["_id"]),
        gid("Room", "NoSuchRoom1234567"),
        gid("Contact", "000000000000000000000000"),
        gid("Visitor", "000000000000000000000000"),
        "not-a-global-id",
        gid("Message", "x"),
    ]
    body = await gql(NODES, {"ids": ids}, headers=admin)
    assert body["data"]["nodes"] == [
        {
            "__typename": "Room",
            "id": ids[0],
            "rocketChatId": room["_id"],
            "name": room["fname"],
        },
        None,
        None,
        None,
        None,
        None,
    ]
    errors = sorted((e["path"][1], e["extensions"]["code"]) for e in body["errors"])
    assert errors == [
        (1, "NOT_FOUND"),
        (2, "NOT_FOUND"),
        (3, "NOT_FOUND"),
        (4, "BAD_USER_INPUT"),
        (5, "BAD_USER_INPUT"),
    ]


@pytest.mark.anyio
async def test_room_not_visible_to_agent_is_forbidden(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin, agent = users["admin"], users["agent"]
    rooms = rest(upstream.url, "livechat/rooms", admin, {"count": 100, "open": "true"})
    other = next(
        r for r in rooms["rooms"] if r["servedBy"]["_id"] != agent["X-User-Id"]
    )
    own = next(r for r in rooms["rooms"] if r["servedBy"]["_id"] == agent["X-User-Id"])
    body = await gql(
        NODES,
        {"ids": [gid("Room", own["_id"]), gid("Room", other["_id"])]},
        headers=agent,
    )
    assert body["data"]["nodes"][0]["rocketChatId"] == own["_id"]
    assert body["data"]["nodes"][1] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["nodes", 1], "FORBIDDEN")
    ]


@pytest.mark.anyio
async def test_same_id_twice_is_one_call(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = rest(upstream.url, "livechat/rooms", admin, {"count": 1})["rooms"][0]
    upstream.clear()
    body = await gql(NODES, {"ids": [gid("Room", room["_id"])] * 3}, headers=admin)
    assert len(body["data"]["nodes"]) == 3
    assert [c.path for c in upstream.calls()] == ["/api/v1/rooms.info"]


@pytest.mark.anyio
async def test_room_node_never_carries_the_visitor_token(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = rest(upstream.url, "livechat/rooms", admin, {"count": 1})["rooms"][0]
    info = rest(upstream.url, "rooms.info", admin, {"roomId": room["_id"]})["room"]
    assert info["v"]["token"]  # the upstream sends it ...
    body = await gql(
        "query($id: ID!) { node(id: $id) { ... on Room { visitor { token } } } }",
        {"id": gid("Room", room["_id"])},
        headers=admin,
    )
    assert body == {"data": {"node": {"visitor": {"token": None}}}}  # ... we don't


@pytest.mark.anyio
async def test_too_many_ids_is_bad_input(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    upstream.clear()
    body = await gql(
        NODES,
        {"ids": [gid("Room", str(i)) for i in range(101)]},
        headers=users["admin"],
    )
    assert body["data"] is None
    assert body["errors"][0]["message"] == "`ids` may hold at most 100 ids, got 101."
    assert upstream.calls(gql.request_id) == []


@strawberry.type
class RelayQuery:
    @strawberry.field
    async def lookup(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        node: relay.Node | None = await id.resolve_node(info, required=False)
        return node


@pytest.mark.anyio
async def test_strawberry_relay_resolves_our_nodes(
    upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    room = rest(upstream.url, "livechat/rooms", admin, {"count": 1})["rooms"][0]
    relay_schema = strawberry.Schema(query=RelayQuery, types=[Visitor, Room, Contact])
    credentials = Credentials(admin["X-Auth-Token"], admin["X-User-Id"])
    settings = Settings()
    query = "query($id: ID!) { lookup(id: $id) { __typename ... on Room { name } } }"
    async with RestClient.open(upstream.url, settings) as client:
        results = []
        for global_id in (gid("Room", room["_id"]), gid("Visitor", "0" * 24)):
            context = Context(
                settings=settings,
                upstream=client,
                credentials=credentials,
                loaders=Loaders(client, credentials, max_fan_out=4),
            )
            result = await relay_schema.execute(
                query, variable_values={"id": global_id}, context_value=context
            )
            results.append((result.data, result.errors))
    assert results == [
        ({"lookup": {"__typename": "Room", "name": room["fname"]}}, None),
        ({"lookup": None}, None),
    ]
