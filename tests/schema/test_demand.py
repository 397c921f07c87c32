"""Demand control, the per-request fan-out bound and deadline, against the sandbox."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from gateway.config import Settings
from gateway.sandbox import SandboxOptions, login
from gateway.schema import schema
from gateway.schema.cost import estimate
from gateway.schema.prices import CHANNELS_PER_CONTACT
from tests.conftest import GraphQLClient, served_sandbox, start_gateway
from tests.support import max_in_flight

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import Upstream

COST = {"X-Gateway-Cost": "1"}


def estimated(query: str, variables: Any = None, **settings: Any) -> int:
    from graphql import parse

    return estimate(schema._schema, parse(query), None, variables, Settings(**settings))


@pytest.mark.parametrize(
    ("query", "calls"),
    [
        pytest.param("{ rooms { totalCount } }", 1, id="list"),
        pytest.param("{ rooms(last: 5) { totalCount } }", 2, id="last-alone"),
        pytest.param(
            "{ rooms(first: 10) { nodes { visitor { username } } } }",
            1,
            id="embedded-free",
        ),
        pytest.param(
            "{ rooms(first: 10) { nodes { visitor { name } } } }", 11, id="lookups"
        ),
        pytest.param(
            "{ rooms(first: 10) { edges { node { visitorHistory(first: 3) "
            "{ nodes { visitor { name } } } } } } }",
            1 + 10 * (1 + 3 * 1),
            id="nested-lists-multiply",
        ),
        pytest.param('{ nodes(ids: ["a", "b", "c"]) { id } }', 3, id="one-per-id"),
        pytest.param(
            '{ visitors(term: "", first: 4) { nodes { name } } }', 1, id="search-free"
        ),
        pytest.param(
            '{ visitors(term: "", first: 4) { nodes { status } } }',
            5,
            id="search-completed",
        ),
        pytest.param(
            "query($n: Int = 7) { rooms(first: $n) { nodes { contact { name } } } }",
            8,
            id="variable-default",
        ),
        pytest.param(
            "{ a: rooms(first: 2) { ...R } b: rooms(first: 2) { ...R } } "
            "fragment R on RoomConnection { nodes { visitor { name } } }",
            2 * (1 + 2),
            id="fragments",
        ),
        pytest.param(
            'mutation { registerVisitor(input: {token: "t"}) { visitor { id } } }',
            1,
            id="mutation",
        ),
    ],
)
def test_estimates(query: str, calls: int) -> None:
    assert estimated(query) == calls


def test_page_size_comes_from_variables() -> None:
    query = "query($n: Int) { rooms(first: $n) { nodes { visitor { name } } } }"
    assert estimated(query, {"n": 3}) == 4
    assert estimated(query) == 1 + 25  # the default page size


@pytest.mark.anyio
async def test_amplification_is_refused_before_any_call(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    upstream.clear()
    # The 10,001-call query, in the aliases the limits allow.
    query = (
        "{ rooms(first: 100) { nodes { visitorHistory(first: 100) "
        "{ nodes { visitor { name } } } } } }"
    )
    body = await gql(query, headers=users["admin"])
    assert body == {
        "errors": [
            {
                "message": "This operation could make up to 10101 calls to "
                "Rocket.Chat; at most 250 are allowed. Ask for smaller pages or "
                "fewer nested lists.",
                "extensions": {
                    "code": "COST_ESTIMATED_TOO_EXPENSIVE",
                    "cost": {"estimated": 10101, "max": 250},
                },
            }
        ]
    }
    ids = ", ".join(f'"id{i}"' for i in range(100))
    many = (
        "{ " + " ".join(f"n{i}: nodes(ids: [{ids}]) {{ id }}" for i in range(3)) + " }"
    )
    body = await gql(many, headers=users["admin"])
    assert body["errors"][0]["extensions"]["cost"] == {"estimated": 300, "max": 250}
    assert upstream.calls(gql.request_id) == []


@pytest.mark.anyio
async def test_max_upstream_calls_at_below_and_above(
    upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    query = "{ rooms(first: 5) { nodes { visitor { name } } } }"  # 6 calls
    answers = {}
    for limit in (5, 6, 7):
        with start_gateway(upstream.url, max_upstream_calls=limit) as url:
            answers[limit] = await GraphQLClient(url)(
                query, headers={**users["admin"], **COST}
            )
    for limit in (6, 7):
        assert "errors" not in answers[limit]
        cost = answers[limit]["extensions"]["cost"]
        assert (cost["estimated"], cost["max"]) == (6, limit)
        assert 2 <= cost["used"] <= 6  # visitors are de-duplicated
    refused = answers[5]
    assert refused["errors"][0]["extensions"] == {
        "code": "COST_ESTIMATED_TOO_EXPENSIVE",
        "cost": {"estimated": 6, "max": 5},
    }
    assert refused["extensions"] == {"cost": {"estimated": 6, "used": 0, "max": 5}}


@pytest.mark.anyio
async def test_cost_is_reported_only_when_asked(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    query = "{ rooms(first: 1) { totalCount } }"
    plain = await gql(query, headers=users["admin"])
    asked = await gql(query, headers={**users["admin"], **COST})
    assert "extensions" not in plain
    assert asked["extensions"] == {"cost": {"estimated": 1, "used": 1, "max": 250}}


@pytest.mark.anyio
async def test_list_calls_share_the_request_fan_out_bound(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"latency_ms": 50})
    query = (
        "{ "
        + " ".join(f"r{i}: rooms(first: 1) {{ totalCount }}" for i in range(12))
        + " }"
    )
    with start_gateway(upstream.url, max_fan_out=3) as url:
        client = GraphQLClient(url)
        body = await client(query, headers=users["admin"])
    assert "errors" not in body
    calls = upstream.calls(client.request_id)
    assert len(calls) == 12
    assert max_in_flight(calls) == 3


@pytest.mark.anyio
async def test_request_deadline_gives_partial_data_with_upstream_timeout(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"latency_ms": 150})
    query = "{ rooms(first: 6) { nodes { rocketChatId visitor { name } } } }"
    with start_gateway(upstream.url, max_fan_out=1, request_timeout=0.5) as url:
        body = await GraphQLClient(url)(query, headers=users["admin"])
    nodes = body["data"]["rooms"]["nodes"]
    assert len(nodes) == 6
    assert any(node["visitor"] is None for node in nodes)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_TIMEOUT"}
    upstream.wait_for(1)


def resolved_fields() -> set[tuple[str, str]]:
    """(type, field) of every schema field that has a resolver of its own."""
    from strawberry.types.base import StrawberryObjectDefinition

    found = set()
    for definition in schema.schema_converter.type_map.values():
        object_type = definition.definition
        if not isinstance(object_type, StrawberryObjectDefinition):
            continue
        for field in object_type.fields:
            if field.base_resolver is not None:
                name = schema.config.name_converter.get_graphql_name(field)
                found.add((object_type.name, name))
    return found


def test_every_resolved_field_is_priced_or_known_free() -> None:
    """A field with a resolver may call Rocket.Chat: it needs a COSTS entry, or
    a FREE one saying why it makes no call."""
    from gateway.schema.prices import COSTS, FREE

    resolved = resolved_fields()
    assert ("Room", "messages") in resolved  # the walk finds resolvers
    unpriced = resolved - COSTS.keys() - FREE.keys()
    assert unpriced == set(), f"add these to COSTS or FREE in prices.py: {unpriced}"
    assert COSTS.keys() & FREE.keys() == set()
    graphql_fields = {
        (name, field)
        for name, type_ in schema._schema.type_map.items()
        for field in getattr(type_, "fields", {})
    }
    assert (COSTS.keys() | FREE.keys()) - graphql_fields == set()  # no stale entry


@pytest.mark.parametrize(
    ("query", "calls"),
    [
        pytest.param(
            "{ rooms(first: 10) { nodes { servedBy { id username } } } }",
            1,
            id="user-mention-free",
        ),
        pytest.param(
            "{ rooms(first: 10) { nodes { servedBy { name emails { address } "
            "status } closedBy { name } } } }",
            1 + 10 * 2,
            id="one-agent-lookup-per-user",
        ),
        pytest.param(
            "{ rooms(first: 4) { nodes { servedBy { departments { name } } } } }",
            1 + 4 * (1 + 2),
            id="user-departments",
        ),
        pytest.param(
            "{ agents(first: 10) { nodes { name status departments { id } } "
            "edges { node { maxChats } } } }",
            1,
            id="agent-listing-carries-agents",
        ),
        pytest.param(
            "{ agents(first: 2) { nodes { ...U } } } "
            "fragment U on User { departments { name } }",
            1 + 2 * 2,
            id="agent-departments-looked-up",
        ),
        pytest.param(
            "{ rooms(first: 10) { nodes { department { id rocketChatId } } } }",
            1,
            id="department-ref-free",
        ),
        pytest.param(
            "{ rooms(first: 10) { nodes { department { name } } } }",
            11,
            id="department-lookup",
        ),
        pytest.param(
            "{ rooms(first: 2) { nodes { messages(first: 5) { nodes { "
            "author { name } visitor { name } } } } } }",
            1 + 2 * (1 + 5 * 2),
            id="message-author-and-visitor",
        ),
    ],
)
def test_console_estimates(query: str, calls: int) -> None:
    assert estimated(query) == calls


# A contact with more channels than demand control assumes (CHANNELS_PER_CONTACT):
# the estimate passes, the run-time budget has to stop the extra lookups.
CHANNELS = 8
TS = "2024-03-14T13:21:02.239Z"
CROWDED_CONTACT = {
    "users": [
        {"_id": "rocket.cat", "username": "rocket.cat", "roles": ["bot"]},
        {"_id": "u1", "username": "boss", "roles": ["admin"], "password": "pw"},
    ],
    "livechat_visitor": [
        {"_id": f"v{i}", "token": f"t{i}", "username": f"guest-{i}",
         "name": f"Guest {i}", "ts": TS}
        for i in range(CHANNELS)
    ],
    "livechat_contact": [
        {"_id": "c1", "name": "Crowded", "createdAt": TS, "unknown": False,
         "channels": [
            {"name": "widget", "verified": False, "blocked": False,
             "visitor": {"visitorId": f"v{i}", "source": {"type": "widget"}},
             "details": {"type": "widget"}}
            for i in range(CHANNELS)
        ]},
    ],
}  # fmt: skip


@pytest.mark.anyio
async def test_run_time_budget_stops_calls_the_estimate_allowed(
    tmp_path: Path,
) -> None:
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps(CROWDED_CONTACT), encoding="utf-8")
    query = "{ contacts(first: 1) { nodes { name visitors { name } } } }"
    assert estimated(query) == 1 + CHANNELS_PER_CONTACT < 1 + CHANNELS
    with (
        served_sandbox(SandboxOptions(fixture=fixture)) as sandbox,
        start_gateway(sandbox.url, max_upstream_calls=1 + CHANNELS_PER_CONTACT) as url,
    ):
        client = GraphQLClient(url)
        headers = login(sandbox.url, "boss", "pw")
        body = await client(query, headers={**headers, **COST})
        calls = sandbox.calls(client.request_id)
    (contact,) = body["data"]["contacts"]["nodes"]
    assert contact["name"] == "Crowded"
    fetched = [v for v in contact["visitors"] if v is not None]
    assert {v["name"] for v in fetched} <= {f"Guest {i}" for i in range(CHANNELS)}
    assert len(fetched) == CHANNELS_PER_CONTACT
    refused = CHANNELS - CHANNELS_PER_CONTACT
    assert len(body["errors"]) == refused
    for error in body["errors"]:
        assert error["extensions"] == {
            "code": "COST_ACTUAL_TOO_EXPENSIVE",
            "cost": {"used": 1 + CHANNELS_PER_CONTACT, "max": 1 + CHANNELS_PER_CONTACT},
        }
        index = error["path"][-1]
        assert error["path"] == ["contacts", "nodes", 0, "visitors", index]
        assert contact["visitors"][index] is None
    assert body["extensions"]["cost"] == {
        "estimated": 1 + CHANNELS_PER_CONTACT,
        "used": 1 + CHANNELS_PER_CONTACT,
        "max": 1 + CHANNELS_PER_CONTACT,
    }
    assert len(calls) == 1 + CHANNELS_PER_CONTACT  # none beyond the budget
