"""Request limits: each refused above its value with its code, accepted at and below."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.config import Settings
from gateway.schema import schema
from gateway.schema.parsing import CACHEABLE_LENGTH, DOCUMENTS
from tests.conftest import GraphQLClient, start_gateway

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.conftest import Upstream


def aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(n)) + " }"


def root_fields(n: int) -> str:
    return "{ " + " __typename" * n + " }"


def depth(n: int) -> str:
    """`rooms { nodes { visitor { lastChat { visitor { ... } } } } }`, n deep.

    Skipped, so nothing runs: only the document's shape is measured.
    """
    links = ["visitor" if i % 2 == 0 else "lastChat" for i in range(n - 2)]
    inner = "rocketChatId"
    for link in reversed(links):
        inner = f"{link} {{ {inner} }}"
    return f"{{ rooms @skip(if: true) {{ nodes {{ {inner} }} }} }}"


def fragment_chain(n: int) -> str:
    """`n` fragments nested inside one another."""
    spreads = [f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(1, n)]
    return "{ ...F1 } " + " ".join(
        [*spreads, f"fragment F{n} on Query {{ __typename }}"]
    )


def tokens(n: int) -> str:
    return "{" + " __typename" * (n - 2) + " }"


CASES: list[Any] = [
    pytest.param("max_aliases", 5, aliases, "MAX_ALIASES_LIMIT", id="aliases"),
    pytest.param(
        "max_root_fields", 5, root_fields, "MAX_ROOT_FIELDS_LIMIT", id="root-fields"
    ),
    pytest.param("max_depth", 6, depth, "MAX_DEPTH_LIMIT", id="depth"),
    pytest.param(
        "max_fragment_depth",
        4,
        fragment_chain,
        "MAX_FRAGMENT_DEPTH_LIMIT",
        id="fragment-depth",
    ),
    pytest.param("max_tokens", 30, tokens, "MAX_TOKENS_LIMIT", id="tokens"),
]


async def run(query: str, variables: Any = None, **settings: Any) -> Any:
    limits = {"max_root_fields": 1000, "max_aliases": 1000, **settings}
    context = SimpleNamespace(settings=Settings(**limits))
    return await schema.execute(query, variable_values=variables, context_value=context)


def codes(result: Any) -> list[str]:
    return [(e.extensions or {}).get("code", "") for e in result.errors or []]


@pytest.mark.anyio
@pytest.mark.parametrize(("setting", "value", "build", "code"), CASES)
async def test_limit_at_below_and_above(
    setting: str, value: int, build: Callable[[int], str], code: str
) -> None:
    results = [await run(build(n), **{setting: value}) for n in (value - 1, value)]
    assert [r.errors for r in results] == [None, None]
    refused = await run(build(value + 1), **{setting: value})
    assert refused.data is None
    assert codes(refused) == [code]
    assert refused.errors[0].extensions["limit"] == value


@pytest.mark.anyio
@pytest.mark.parametrize(("setting", "value", "build", "code"), CASES)
async def test_refused_documents_are_not_cached(
    setting: str, value: int, build: Callable[[int], str], code: str
) -> None:
    query = build(value + 1) + " "  # unique text
    await run(query, **{setting: value})
    assert all(key[0] != query for key in DOCUMENTS.entries)


@pytest.mark.anyio
async def test_long_documents_are_not_cached() -> None:
    query = "{ __typename }" + " " * CACHEABLE_LENGTH
    result = await run(query)
    assert result.errors is None
    assert all(key[0] != query for key in DOCUMENTS.entries)


@pytest.mark.anyio
async def test_variables_size_at_below_and_above() -> None:
    query = "query($v: String!) { visitorByToken(token: $v) @skip(if: true) { id } }"
    # {"v":"xx..."} is 8 bytes plus the string.
    for size, code in ((99, None), (100, None), (101, "VARIABLES_TOO_LARGE")):
        result = await run(query, {"v": "x" * (size - 8)}, max_variables_bytes=100)
        assert codes(result) == ([code] if code else [])


@pytest.mark.anyio
async def test_fragment_bomb_is_refused_in_linear_time() -> None:
    # Each fragment spreads the next twice: 2**40 fields once expanded.
    levels = 40
    fragments = [
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    ]
    query = (
        "{ ...F0 } "
        + " ".join(fragments)
        + f" fragment F{levels} on Query {{ __typename }}"
    )
    result = await run(query, max_fragment_depth=100)
    assert codes(result) == ["MAX_ROOT_FIELDS_LIMIT"]
    assert "More than a billion root fields" in result.errors[0].message
    # The same bomb with aliases.
    aliased = query.replace("on Query { __typename }", "on Query { a: __typename }")
    result = await run(aliased, max_fragment_depth=100, max_root_fields=10**20)
    assert codes(result) == ["MAX_ALIASES_LIMIT"]


@pytest.mark.anyio
async def test_long_fragment_chain_is_refused_without_recursion_error() -> None:
    result = await run(fragment_chain(1000))
    assert codes(result) == ["MAX_FRAGMENT_DEPTH_LIMIT"]


@pytest.mark.anyio
async def test_fragment_cycle_is_a_validation_error() -> None:
    result = await run(
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    )
    assert codes(result) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param("query($v: String) { __typename }", {"v": "x"}, id="unused"),
        pytest.param("{ visitorByToken(token: $v) { id } }", None, id="undefined"),
        pytest.param(
            "{ nodes(ids: [" + "9" * 5000 + "]) { id } }", None, id="huge-int"
        ),
        pytest.param(
            '{ rooms(filter: {createdAt: {start: "yesterday"}}) { totalCount } }',
            None,
            id="bad-date-literal",
        ),
        pytest.param(
            "{ rooms(first: " + "9" * 5000 + ") { totalCount } }", None, id="huge-first"
        ),
    ],
)
async def test_bad_documents_are_validation_errors(query: str, variables: Any) -> None:
    result = await run(query, variables)
    assert result.data is None
    assert codes(result) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.anyio
async def test_introspection_can_be_turned_off() -> None:
    query = "{ __schema { queryType { name } } }"
    on = await run(query)
    off = await run(query, introspection=False)
    assert on.data == {"__schema": {"queryType": {"name": "Query"}}}
    assert codes(off) == ["INTROSPECTION_DISABLED"]
    assert (await run("{ __typename }", introspection=False)).errors is None


@pytest.mark.anyio
async def test_graphiql_introspection_passes_the_default_limits() -> None:
    from graphql import get_introspection_query

    result = await run(get_introspection_query(descriptions=True), max_root_fields=20)
    assert result.errors is None


# Over HTTP: the body limit and batching live in the view.


def test_body_size_at_below_and_above(upstream: Upstream) -> None:
    limit = 2000
    with start_gateway(upstream.url, max_body_bytes=limit) as url:
        statuses = []
        for size in (limit - 1, limit, limit + 1):
            padding = size - len('{"query":"{ __typename }","x":""}')
            body = '{"query":"{ __typename }","x":"' + "x" * padding + '"}'
            assert len(body) == size
            response = httpx.post(
                f"{url}/graphql",
                content=body,
                headers={"Content-Type": "application/json"},
            )
            statuses.append((response.status_code, response.json()))
    assert statuses[:2] == [(200, {"data": {"__typename": "Query"}})] * 2
    assert statuses[2] == (
        413,
        {
            "errors": [
                {
                    "message": f"The request body is larger than {limit} bytes.",
                    "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                }
            ]
        },
    )


def test_body_without_length_is_cut_at_the_limit(upstream: Upstream) -> None:
    def chunks() -> Any:
        yield b'{"query":"{ __typename }","x":"'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    with start_gateway(upstream.url, max_body_bytes=10_000) as url:
        response = httpx.post(
            f"{url}/graphql",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}


@pytest.mark.anyio
async def test_batching(upstream: Upstream, users: dict[str, dict[str, str]]) -> None:
    one = {"query": "{ rooms(first: 2) { totalCount } }"}
    with start_gateway(upstream.url, max_batch=2, max_upstream_calls=3) as url:
        async with httpx.AsyncClient() as client:
            pair = await client.post(
                f"{url}/graphql", json=[one, one], headers=users["admin"]
            )
            three = await client.post(f"{url}/graphql", json=[one] * 3)
            big = {"query": "{ rooms(first: 2) { nodes { visitor { name } } } }"}
            shared = await client.post(
                f"{url}/graphql", json=[big, big], headers=users["admin"]
            )
    assert pair.status_code == 200
    assert [r["data"]["rooms"]["totalCount"] > 0 for r in pair.json()] == [True, True]
    assert three.status_code == 400
    assert three.json()["errors"][0]["extensions"] == {"code": "BATCH_TOO_LARGE"}
    # Each costs 3 calls; together they are over the batch's one budget of 3.
    answers = shared.json()
    assert sorted("data" in a and a["data"] is not None for a in answers) == [
        False,
        True,
    ]
    refused = next(a for a in answers if a.get("data") is None)
    assert refused["errors"][0]["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"


@pytest.mark.anyio
async def test_healthz_answers_while_a_bomb_is_refused(upstream: Upstream) -> None:
    levels = 40
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    bomb = "{ ...F0 } " + fragments + f" fragment F{levels} on Query {{ __typename }}"
    with start_gateway(upstream.url) as url:
        gql = GraphQLClient(url)
        answer, health = await asyncio.gather(
            gql(bomb),
            asyncio.to_thread(httpx.get, f"{url}/healthz", timeout=5),
        )
    assert answer["errors"][0]["extensions"]["code"] == "MAX_FRAGMENT_DEPTH_LIMIT"
    assert health.json() == {"status": "ok"}
