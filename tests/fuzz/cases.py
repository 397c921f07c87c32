"""Fuzz cases for the gateway: schema-driven GraphQL and malformed HTTP bodies.

Shared by the bounded run in `make test` (tests/fuzz/test_fuzz.py) and the
long run by hand (`bench/fuzz.py`). Each case is one HTTP request; `check`
says what every answer must be: below 500, JSON, and never
INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import GraphQLSchema, StringValueNode, build_schema
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from gateway.schema import schema

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Case:
    """One request: a raw body (bytes) or a JSON payload, and its headers."""

    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    method: str = "POST"


def sdl_schema() -> GraphQLSchema:
    return build_schema(str(schema))


SCALARS = {
    "DateTime": st.sampled_from(
        ["2024-03-14T13:21:02.239Z", "yesterday", "", "2024-13-99"]
    ).map(lambda v: StringValueNode(value=v)),
    "JSON": st.just(StringValueNode(value="{}")),
}


def graphql_payloads(mode: Mode) -> st.SearchStrategy[dict[str, Any]]:
    queries = from_schema(sdl_schema(), custom_scalars=SCALARS, mode=mode)
    return queries.map(lambda q: {"query": q})


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)

# Bodies a careless or hostile client sends.
MALFORMED = st.one_of(
    st.binary(max_size=200),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(
        st.sampled_from(["query", "variables", "operationName", "extensions"]),
        JSON_VALUES,
        max_size=4,
    ).map(lambda v: json.dumps(v).encode()),
    st.text(max_size=200).map(lambda q: json.dumps({"query": q}).encode()),
    st.integers(min_value=1, max_value=6000).map(
        lambda n: b'{"query":"{ __typename }","variables":{"n":' + b"9" * n + b"}}"
    ),
)

HEADERS = st.sampled_from(
    [
        (),
        (("Accept", "application/graphql-response+json"),),
        (("X-Auth-Token", "bad"), ("X-User-Id", "bad")),
        (("X-Auth-Token", "t\u00f8ken"), ("X-User-Id", "x")),
        (("X-Gateway-Cost", "1"),),
    ]
)


def cases(mode: Mode = Mode.POSITIVE) -> st.SearchStrategy[Case]:
    graphql_cases = st.builds(
        lambda payload, headers: Case(json.dumps(payload).encode(), headers),
        graphql_payloads(mode),
        HEADERS,
    )
    malformed_cases = st.builds(Case, MALFORMED, HEADERS)
    return st.one_of(graphql_cases, malformed_cases)


def send(
    client: httpx.Client, case: Case, credentials: dict[str, str]
) -> httpx.Response:
    headers = {"Content-Type": "application/json", **credentials}
    raw = [(k.encode(), v.encode("latin-1")) for k, v in headers.items()]
    raw += [(k.encode(), v.encode("latin-1")) for k, v in case.headers]
    return client.request(case.method, "/graphql", content=case.body, headers=raw)


def problems(response: httpx.Response) -> list[str]:
    """What is wrong with an answer (empty when it is fine)."""
    found = []
    if response.status_code >= 500:
        found.append(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        return [*found, f"not JSON: {response.text[:200]!r}"]
    answers = body if isinstance(body, list) else [body]
    for answer in answers:
        for error in (answer or {}).get("errors") or []:
            if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
                found.append(f"INTERNAL_SERVER_ERROR: {error.get('message')}")
            if "code" not in (error.get("extensions") or {}):
                found.append(f"uncoded error: {error.get('message')}")
    return found
