"""Every failure reaches the client with a stable `extensions.code`."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
import strawberry

from gateway.errors import NotFoundError
from gateway.schema import schema
from gateway.schema.errors import GatewaySchema, mask_errors
from gateway.schema.parsing import DOCUMENTS
from tests.conftest import GraphQLClient, start_gateway

if TYPE_CHECKING:
    from tests.conftest import Stack, Upstream

ROOMS = "{ rooms(first: 3) { totalCount } }"


@pytest.mark.anyio
async def test_missing_credentials_short_circuit(
    gql: GraphQLClient, upstream: Upstream
) -> None:
    upstream.clear()
    body = await gql(ROOMS)
    assert body["data"] == {"rooms": None}
    assert [e["extensions"] for e in body["errors"]] == [{"code": "UNAUTHENTICATED"}]
    assert upstream.calls(gql.request_id) == []


@pytest.mark.anyio
async def test_half_the_credentials_is_unauthenticated(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    only_token = {"X-Auth-Token": users["admin"]["X-Auth-Token"]}
    body = await gql(ROOMS, headers=only_token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.anyio
async def test_wrong_token_is_unauthenticated_by_upstream(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    upstream.clear()
    forged = {**users["admin"], "X-Auth-Token": "x" * 43}
    body = await gql(ROOMS, headers=forged)
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert body["errors"][0]["message"] == "You must be logged in to do this."
    assert [c.status for c in upstream.calls(gql.request_id)] == [401]


@pytest.mark.anyio
async def test_partial_data_when_one_root_field_fails(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    body = await gql(
        "{ rooms(first: 1) { totalCount }"
        ' visitors(term: "", first: 1) { totalCount } }',
        headers=users["agent"],
    )
    assert body["data"]["rooms"] is None
    assert body["data"]["visitors"]["totalCount"] > 0
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["rooms"], "FORBIDDEN")
    ]


@pytest.mark.anyio
async def test_upstream_500_is_upstream_error(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "500"})
    body = await gql(ROOMS, headers=users["admin"])
    assert body["data"] == {"rooms": None}
    assert body["errors"][0]["extensions"] == {
        "code": "UPSTREAM_ERROR",
        "upstreamStatus": 500,
    }
    # An answer, even a 500, is not retried.
    assert len(upstream.calls(gql.request_id)) == 1


@pytest.mark.anyio
async def test_answer_cut_after_its_headers_is_unavailable_and_not_retried(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "drop"})
    body = await gql(ROOMS, headers=users["admin"])
    assert body["data"] == {"rooms": None}
    assert body["errors"][0]["extensions"] == {"code": "UPSTREAM_UNAVAILABLE"}
    # The sandbox sent the headers, then closed: Rocket.Chat may have acted on
    # it, so it is not sent again.
    assert [c.status for c in upstream.calls(gql.request_id)] == [0]


@pytest.mark.anyio
async def test_rate_limit_is_rate_limited_with_retry_after(
    writable: Stack, writable_knobs: Any
) -> None:
    gql = writable.gql()
    writable_knobs.update_knobs({"rate_limit": True})
    client = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}
    mutation = (
        "mutation($t: String!) "
        "{ registerVisitor(input: {token: $t}) { visitor { username } } }"
    )
    answers = [
        await gql(mutation, {"t": f"tok-{uuid.uuid4().hex}"}, headers=client)
        for _ in range(6)
    ]
    assert ["errors" in a for a in answers] == [False] * 5 + [True]
    error = answers[-1]["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < error["extensions"]["retryAfter"] <= 60
    assert "too many requests" in error["message"]


@pytest.mark.anyio
async def test_slow_upstream_is_upstream_timeout(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    knobs.update_knobs({"latency_ms": 500})
    with start_gateway(upstream.url, upstream_timeout=0.1) as url:
        client = GraphQLClient(url)
        body = await client(ROOMS, headers=users["admin"])
    assert body["data"] == {"rooms": None}
    assert body["errors"][0]["extensions"] == {"code": "UPSTREAM_TIMEOUT"}
    # The sandbox still finishes the abandoned call; wait so it is logged here.
    (call,) = upstream.wait_for(1)
    assert call.request_id == client.request_id


@pytest.mark.anyio
async def test_graphql_validation_errors_carry_a_code(gql: GraphQLClient) -> None:
    body = await gql("{ rooms(first: 1) { noSuchField } }")
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "noSuchField" in body["errors"][0]["message"]


@pytest.mark.anyio
async def test_syntax_errors_carry_a_code(gql: GraphQLClient) -> None:
    body = await gql("{ rooms(first: 1) { totalCount }")
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert body["errors"][0]["message"].startswith("Syntax Error")


@strawberry.type
class Broken:
    @strawberry.field
    def bug(self) -> str | None:
        raise RuntimeError("secret internals")

    @strawberry.field
    def missing(self) -> str | None:
        raise NotFoundError("No such thing.")

    @strawberry.field
    def fine(self) -> str:
        return "ok"


@pytest.mark.anyio
async def test_unexpected_exceptions_are_masked() -> None:
    schema = GatewaySchema(query=Broken, extensions=[mask_errors])
    result = await schema.execute("{ bug missing fine }")
    assert result.data == {"bug": None, "missing": None, "fine": "ok"}
    errors = [(e.message, e.extensions) for e in result.errors or []]
    assert sorted(errors, key=str) == sorted(
        [
            ("Unexpected error.", {"code": "INTERNAL_SERVER_ERROR"}),
            ("No such thing.", {"code": "NOT_FOUND"}),
        ],
        key=str,
    )


@pytest.mark.anyio
async def test_malformed_date_input_is_bad_user_input(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    upstream.clear()
    body = await gql(
        "query($d: DateTime!) { rooms(filter: {createdAt: {start: $d}}) "
        "{ totalCount } }",
        {"d": "last tuesday"},
        headers=users["admin"],
    )
    assert body == {
        "errors": [
            {
                "message": "Variable '$d' has invalid value: Expected value of "
                "type 'DateTime', but encountered error 'Invalid isoformat "
                "string: 'last tuesday''; found: 'last tuesday'.",
                "locations": [{"line": 1, "column": 7}],
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }
    assert upstream.calls(gql.request_id) == []


@pytest.mark.anyio
async def test_query_depth_is_limited(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    chain = "lastChat { visitor { " * 6 + "name" + " } }" * 6
    upstream.clear()
    body = await gql(
        f'{{ visitors(term: "", first: 1) {{ nodes {{ {chain} }} }} }}',
        headers=users["admin"],
    )
    assert body == {
        "errors": [
            {
                "message": "The operation is 14 fields deep, over the maximum "
                "operation depth of 12.",
                "extensions": {"code": "MAX_DEPTH_LIMIT", "limit": 12},
            }
        ]
    }
    assert upstream.calls(gql.request_id) == []


@pytest.mark.anyio
async def test_repeated_documents_are_validated_once() -> None:
    query = "{ __typename depthProbe: __typename }"
    await schema.execute(query)
    validations = DOCUMENTS.validations
    result = await schema.execute(query)
    assert result.errors is None
    assert DOCUMENTS.validations == validations
