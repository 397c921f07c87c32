"""Bad input and bad upstream answers get coded errors, never a 500 or INTERNAL."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.config import Settings
from gateway.context import Context
from gateway.loaders import Loaders
from gateway.schema import schema
from gateway.upstream.budget import Budget
from gateway.upstream.client import Credentials, Upstream

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.conftest import GraphQLClient, Upstream as Sandbox


def test_oversized_number_in_the_body_is_a_400(gateway_url: str) -> None:
    body = '{"query": "{ __typename }", "variables": {"n": ' + "9" * 5000 + "}}"
    response = httpx.post(
        f"{gateway_url}/graphql",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(
            "query($t: String!) { visitorByToken(token: $t) { id } }",
            {"t": "x" * 20_000},
            id="token-over-url-size",
        ),
        pytest.param(
            "query($t: String!) { visitors(term: $t, first: 1) { totalCount } }",
            {"t": "y" * 9000},
            id="term-over-url-size",
        ),
        pytest.param(
            # Inline, past `variables`' limit and past httpx's own URL limit.
            '{ visitorByToken(token: "' + "z" * 70_000 + '") { id } }',
            None,
            id="literal-over-httpx-url-limit",
        ),
    ],
)
async def test_values_that_cannot_travel_are_bad_user_input_before_any_call(
    gql: GraphQLClient,
    upstream: Sandbox,
    users: dict[str, dict[str, str]],
    query: str,
    variables: dict[str, Any] | None,
) -> None:
    upstream.clear()
    body = await gql(query, variables, headers=users["admin"])
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert upstream.calls(gql.request_id) == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param(
            "query($t: String!) { visitorByToken(token: $t) { id } }",
            "BAD_USER_INPUT",
            id="variable",
        ),
        pytest.param(
            '{ visitorByToken(token: "\\ud800") { id } }',
            "GRAPHQL_PARSE_FAILED",
            id="literal",
        ),
    ],
)
async def test_lone_surrogates_are_coded_errors_before_any_call(
    gateway_url: str, upstream: Sandbox, query: str, code: str
) -> None:
    upstream.clear()
    # JSON may carry a lone surrogate as an escape; Python clients cannot send
    # it otherwise.
    content = json.dumps({"query": query})[:-1] + ', "variables": {"t": "\\ud800"}}'
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{gateway_url}/graphql",
            content=content,
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 200
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert upstream.calls() == []


@pytest.mark.anyio
async def test_non_ascii_credentials_are_unauthenticated(
    gateway_url: str, upstream: Sandbox
) -> None:
    upstream.clear()
    raw = [
        (b"content-type", b"application/json"),
        (b"x-auth-token", "tøken".encode("latin-1")),
        (b"x-user-id", b"someone"),
    ]
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{gateway_url}/graphql",
            content=json.dumps({"query": "{ rooms { totalCount } }"}),
            headers=raw,
        )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"rooms": None}
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "printable ASCII" in body["errors"][0]["message"]
    assert upstream.sandbox.log == []


def shaped(answer: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, json={"success": True, **answer})


async def against(
    handler: Callable[[httpx.Request], httpx.Response], query: str
) -> Any:
    client = httpx.AsyncClient(
        base_url="http://rc.invalid/api/v1/", transport=httpx.MockTransport(handler)
    )
    settings = Settings()
    budget = Budget(max_calls=50, fan_out=5, timeout=5)
    upstream = Upstream([client]).for_request(budget)
    credentials = Credentials("token", "user")
    context = Context(
        settings=settings,
        upstream=upstream,
        credentials=credentials,
        loaders=Loaders(upstream, credentials),
        budget=budget,
    )
    return await schema.execute(query, context_value=context)


ROOMS = "{ rooms(first: 2) { totalCount nodes { rocketChatId } } }"
VISITOR = '{ visitor(id: "v1") { name } }'


@pytest.mark.faults
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("answer", "query"),
    [
        pytest.param({}, ROOMS, id="no-listing"),
        pytest.param({"rooms": "nope", "total": 1}, ROOMS, id="listing-not-a-list"),
        pytest.param({"rooms": []}, ROOMS, id="no-total"),
        pytest.param({"rooms": [{"t": "l"}], "total": 1}, ROOMS, id="item-without-id"),
        pytest.param({"rooms": [{"_id": 5}], "total": 1}, ROOMS, id="id-not-a-string"),
        pytest.param({}, VISITOR, id="no-visitor"),
        pytest.param({"visitor": "v1"}, VISITOR, id="visitor-a-string"),
        pytest.param({"visitor": {"name": "x"}}, VISITOR, id="visitor-without-id"),
    ],
)
async def test_answers_off_the_contract_are_upstream_errors(
    answer: dict[str, Any], query: str
) -> None:
    result = await against(shaped(answer), query)
    assert result.data == {query.split("(")[0].strip("{ "): None}
    assert [e.extensions for e in result.errors] == [
        {"code": "UPSTREAM_ERROR", "upstreamStatus": 200}
    ]
