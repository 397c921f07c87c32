"""The assembled app: health, what travels upstream, and request isolation."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.app import create_app
from gateway.config import Settings
from gateway.serving import serve_in_thread
from tests.conftest import GraphQLClient
from tests.support import rest

if TYPE_CHECKING:
    from starlette.requests import Request

    from tests.conftest import Upstream

QUERY = """
query($agent: [ID!]) {
  rooms(first: 20, filter: {agentIds: $agent}) {
    totalCount nodes { rocketChatId servedBy { rocketChatId } visitor { name } }
  }
}
"""


@pytest.mark.anyio
async def test_healthz(gateway_url: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{gateway_url}/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_app_state_carries_settings_and_demo_headers() -> None:
    settings = Settings(max_page_size=7)
    demo = {"X-Auth-Token": "t", "X-User-Id": "u"}
    app = create_app(settings, "http://127.0.0.1:9", demo_headers=demo)
    assert (app.state.settings, app.state.demo_headers) == (settings, demo)
    assert create_app(settings, "http://127.0.0.1:9").state.demo_headers is None


@pytest.mark.anyio
async def test_every_upstream_call_carries_the_callers_credentials(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    upstream.clear()
    body = await gql(
        QUERY, {"agent": None}, headers={**admin, "X-Forwarded-For": "203.0.113.9"}
    )
    assert "errors" not in body
    calls = upstream.calls()
    assert len(calls) > 1  # the listing plus visitor lookups
    assert {
        (c.auth_token, c.user_id, c.forwarded_for, c.request_id) for c in calls
    } == {
        (
            admin["X-Auth-Token"],
            admin["X-User-Id"],
            "203.0.113.9, 127.0.0.1",
            gql.request_id,
        )
    }


@pytest.mark.anyio
async def test_request_id_is_made_when_missing_or_unsafe(
    gateway_url: str, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    upstream.clear()
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{gateway_url}/graphql",
            json={"query": QUERY},
            headers={**users["admin"], "X-Request-Id": "bad id\twith spaces"},
        )
    made = response.headers["X-Request-Id"]
    assert made != "bad id\twith spaces"
    assert len(made) == 32
    assert {c.request_id for c in upstream.calls()} == {made}


@pytest.mark.anyio
async def test_concurrent_users_never_see_each_others_data(
    gateway_url: str, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin, agent, viewer = users["admin"], users["agent"], users["viewer"]
    agent_rooms = rest(
        upstream.url,
        "livechat/rooms",
        admin,
        [("agents[]", agent["X-User-Id"]), ("count", 20)],
    )
    admin_rooms = rest(upstream.url, "livechat/rooms", admin, {"count": 20})
    plan: list[tuple[str, dict[str, str], dict[str, Any]]] = []
    for _ in range(10):
        plan.append(("admin", admin, {"agent": None}))
        plan.append(("agent", agent, {"agent": [agent["X-User-Id"]]}))
        plan.append(("viewer", viewer, {"agent": None}))
    clients = [GraphQLClient(gateway_url) for _ in plan]
    upstream.clear()
    bodies = await asyncio.gather(
        *(
            client(QUERY, variables, headers=headers)
            for client, (_, headers, variables) in zip(clients, plan, strict=True)
        )
    )
    expected = {
        "admin": [r["_id"] for r in admin_rooms["rooms"]],
        "agent": [r["_id"] for r in agent_rooms["rooms"]],
    }
    owner_of = {}
    for client, body, (name, headers, _) in zip(clients, bodies, plan, strict=True):
        owner_of[client.request_id] = headers
        if name == "viewer":
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            continue
        ids = [n["rocketChatId"] for n in body["data"]["rooms"]["nodes"]]
        assert ids == expected[name]
    for call in upstream.calls():
        owner = owner_of[call.request_id]
        assert (call.auth_token, call.user_id) == (
            owner["X-Auth-Token"],
            owner["X-User-Id"],
        )


def capture_upstream(seen: list[dict[str, str]]) -> Starlette:
    """A stand-in answering livechat/rooms, recording every header it gets."""

    async def rooms(request: Request) -> JSONResponse:
        seen.append(dict(request.headers))
        return JSONResponse(
            {"rooms": [], "count": 0, "offset": 0, "total": 0, "success": True}
        )

    return Starlette(routes=[Route("/api/v1/livechat/rooms", rooms)])


@pytest.mark.anyio
async def test_only_credentials_forwarding_and_request_id_travel() -> None:
    seen: list[dict[str, str]] = []
    with (
        serve_in_thread(capture_upstream(seen)) as fake,
        serve_in_thread(create_app(Settings(), fake)) as url,
    ):
        body = await GraphQLClient(url)(
            "{ rooms { totalCount } }",
            headers={
                "X-Auth-Token": "token-1",
                "X-User-Id": "user-1",
                "X-Request-Id": "req-42",
                "Authorization": "Bearer nope",
                "Cookie": "session=secret",
                "X-Custom": "private",
            },
        )
    assert body == {"data": {"rooms": {"totalCount": 0}}}
    (headers,) = seen
    assert headers["x-auth-token"] == "token-1"
    assert headers["x-user-id"] == "user-1"
    assert headers["x-request-id"] == "req-42"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert not {"authorization", "cookie", "x-custom"} & set(headers)


@pytest.mark.anyio
async def test_each_request_gets_fresh_loaders(
    gateway_url: str, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    query = '{ visitors(term: "", first: 1) { nodes { rocketChatId } } }'
    first = await GraphQLClient(gateway_url)(query, headers=users["admin"])
    vid = first["data"]["visitors"]["nodes"][0]["rocketChatId"]
    lookup = f'{{ visitor(id: "{vid}") {{ name }} }}'
    upstream.clear()
    one, two = GraphQLClient(gateway_url), GraphQLClient(gateway_url)
    await one(lookup, headers=users["admin"])
    denied = await two(lookup, headers=users["viewer"])
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [c.request_id for c in upstream.calls()] == [one.request_id, two.request_id]
