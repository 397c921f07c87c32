"""APQ and trusted documents on the real gateway: lookups, registration,
errors with their codes, limits, and the manifest modes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.documents import ManifestError, MemoryStore
from gateway.schema import MAX_QUERY_DEPTH
from tests.conftest import start_gateway

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.conftest import Stack, Upstream

JSON = "application/json"
GRJ = "application/graphql-response+json"
NOT_FOUND = {
    "errors": [
        {
            "message": "PersistedQueryNotFound",
            "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
        }
    ]
}
NO_STORE = "private, no-cache, must-revalidate"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def apq(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


class Client:
    """POST and GET /graphql with the demo admin's credentials."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=url, headers=headers, timeout=30)

    def post(self, body: dict[str, Any], accept: str = JSON) -> httpx.Response:
        return self.http.post("/graphql", json=body, headers={"accept": accept})

    def get(self, params: dict[str, Any], accept: str = JSON) -> httpx.Response:
        encoded = {
            key: json.dumps(value) if isinstance(value, dict) else value
            for key, value in params.items()
        }
        return self.http.get("/graphql", params=encoded, headers={"accept": accept})

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="module")
def client(upstream: Upstream, users: dict[str, dict[str, str]]) -> Iterator[Client]:
    with start_gateway(upstream.url) as url:
        client = Client(url, users["admin"])
        yield client
        client.close()


def answer(response: httpx.Response) -> tuple[int, Any]:
    return response.status_code, response.json()


def test_unknown_hash_is_not_found_then_registered_then_served(client: Client) -> None:
    query = "query ApqPost { rooms(first: 2) { totalCount nodes { rocketChatId } } }"
    expected = client.post({"query": query}).json()
    assert "errors" not in expected

    missing = client.post({"extensions": apq(sha(query))})
    assert (answer(missing), missing.headers["cache-control"]) == (
        (200, NOT_FOUND),
        NO_STORE,
    )
    missing_grj = client.post({"extensions": apq(sha(query))}, accept=GRJ)
    assert answer(missing_grj) == (400, NOT_FOUND)

    registered = client.post({"query": query, "extensions": apq(sha(query))})
    assert answer(registered) == (200, expected)
    hits = [
        client.post({"extensions": apq(sha(query))}),
        client.get({"extensions": apq(sha(query))}),
        client.get({"extensions": apq(sha(query).upper())}, accept=GRJ),
    ]
    assert [answer(hit) for hit in hits] == [(200, expected)] * 3


def test_registration_over_get_with_variables(client: Client) -> None:
    query = "query ApqGet($n: Int!) { rooms(first: $n) { totalCount } }"
    variables = {"n": 1}
    expected = client.get({"query": query, "variables": variables}).json()
    assert "errors" not in expected
    assert answer(client.get({"extensions": apq(sha(query))})) == (200, NOT_FOUND)
    first = client.get(
        {"query": query, "variables": variables, "extensions": apq(sha(query))}
    )
    then = client.get({"variables": variables, "extensions": apq(sha(query))})
    assert [answer(first), answer(then)] == [(200, expected)] * 2


def test_hash_only_get_is_an_operation_even_for_a_browser_accept(
    client: Client,
) -> None:
    query = "query ApqBrowser { rooms(first: 1) { totalCount } }"
    expected = client.post({"query": query, "extensions": apq(sha(query))}).json()
    assert "errors" not in expected
    browser = "text/html,application/xhtml+xml,*/*;q=0.8"
    for params in ({"extensions": apq(sha(query))}, {"documentId": sha(query)}):
        response = client.get(params, accept=browser)
        assert answer(response) == (200, expected)
    unknown = client.get({"extensions": apq(sha("{ nope }"))}, accept="*/*")
    assert answer(unknown) == (200, NOT_FOUND)


@pytest.mark.parametrize(
    ("extensions", "query", "message"),
    [
        pytest.param(
            apq(sha("{ other }")),
            "{ __typename }",
            "provided sha does not match query",
            id="hash-mismatch",
        ),
        pytest.param(
            {"persistedQuery": {"version": 2, "sha256Hash": sha("{ __typename }")}},
            None,
            "Unsupported `extensions.persistedQuery`: only version 1 is.",
            id="version",
        ),
        pytest.param(
            apq("not-a-hash"),
            None,
            "`persistedQuery.sha256Hash` must be a SHA-256 hex digest.",
            id="bad-hash",
        ),
        pytest.param(
            {"persistedQuery": "yes"},
            None,
            "Unsupported `extensions.persistedQuery`: only version 1 is.",
            id="not-an-object",
        ),
    ],
)
def test_malformed_persisted_queries_are_400(
    client: Client, extensions: dict[str, Any], query: str | None, message: str
) -> None:
    body: dict[str, Any] = {"extensions": extensions}
    if query is not None:
        body["query"] = query
    assert answer(client.post(body)) == (
        400,
        {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]},
    )


@pytest.mark.parametrize("document_id", [42, "", ["a"]])
def test_a_document_id_that_is_not_a_string_is_400(
    client: Client, document_id: object
) -> None:
    assert answer(client.post({"documentId": document_id})) == (
        400,
        {
            "errors": [
                {
                    "message": "`documentId` must be a non-empty string.",
                    "extensions": {"code": "BAD_REQUEST"},
                }
            ]
        },
    )


def deep_query(depth: int) -> str:
    query = "rocketChatId"
    for _ in range(depth):
        query = f"visitor {{ lastChat {{ {query} }} }}"
    return f"query TooDeep {{ rooms(first: 1) {{ nodes {{ {query} }} }} }}"


def test_registered_documents_pass_the_same_limits(client: Client) -> None:
    query = deep_query(MAX_QUERY_DEPTH)
    plain = client.post({"query": query}, accept=GRJ)
    assert plain.status_code == 400
    assert plain.json()["errors"][0]["extensions"]["code"] == (
        "GRAPHQL_VALIDATION_FAILED"
    )
    persisted = client.post({"query": query, "extensions": apq(sha(query))}, accept=GRJ)
    assert answer(persisted) == answer(plain)
    # Refused documents are not stored: the hash stays unknown.
    assert answer(client.post({"extensions": apq(sha(query))})) == (200, NOT_FOUND)


def test_a_persisted_mutation_never_runs_over_get(writable: Stack) -> None:
    upstream = writable.upstream
    client = Client(writable.gateway_url, {})
    mutation = (
        "mutation ApqRegister($input: RegisterVisitorInput!) "
        "{ registerVisitor(input: $input) { visitor { token } } }"
    )
    variables = {"input": {"token": "apq-get-1", "name": "Apq"}}
    first = client.post(
        {"query": mutation, "variables": variables, "extensions": apq(sha(mutation))}
    )
    assert first.json() == {
        "data": {"registerVisitor": {"visitor": {"token": "apq-get-1"}}}
    }
    upstream.clear()
    again = client.get({"variables": variables, "extensions": apq(sha(mutation))})
    client.close()
    assert (again.status_code, again.headers["allow"]) == (405, "POST")
    assert upstream.calls() == []


def test_apq_off_answers_not_supported(upstream: Upstream) -> None:
    with start_gateway(upstream.url, apq=False) as url:
        response = httpx.post(
            f"{url}/graphql",
            json={"query": "{ __typename }", "extensions": apq(sha("{ __typename }"))},
        )
    assert answer(response) == (
        200,
        {
            "errors": [
                {
                    "message": "PersistedQueryNotSupported",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
                }
            ]
        },
    )


@pytest.mark.anyio
async def test_memory_store_keeps_the_most_recently_used() -> None:
    store = MemoryStore(2)
    await store.put("a", "{ a }")
    await store.put("b", "{ b }")
    assert await store.get("a") == "{ a }"  # now b is the least recently used
    await store.put("c", "{ c }")
    assert [await store.get(key) for key in "abc"] == ["{ a }", None, "{ c }"]


# Trusted documents.

ROOMS = "query TrustedRooms { rooms(first: 3) { totalCount nodes { rocketChatId } } }"
BY_TOKEN = (
    "query TrustedVisitor($token: String!) { visitorByToken(token: $token) { token } }"
)
MANIFEST = {
    hashlib.sha1(ROOMS.encode()).hexdigest(): ROOMS,
    sha(BY_TOKEN): BY_TOKEN,
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trusted") / "persisted-documents.json"
    path.write_text(json.dumps(MANIFEST))
    return path


@pytest.fixture(scope="module")
def trusted_only(
    upstream: Upstream, users: dict[str, dict[str, str]], manifest: Path
) -> Iterator[Client]:
    with start_gateway(
        upstream.url, trusted_documents=manifest, trusted_documents_only=True
    ) as url:
        client = Client(url, users["admin"])
        yield client
        client.close()


def test_trusted_documents_by_id_prefixed_hash_and_apq(
    client: Client, trusted_only: Client
) -> None:
    expected = client.post({"query": ROOMS}).json()
    assert "errors" not in expected
    rooms_id = hashlib.sha1(ROOMS.encode()).hexdigest()
    requests = [
        trusted_only.post({"documentId": rooms_id}),
        trusted_only.get({"documentId": rooms_id}),
        trusted_only.post({"documentId": f"sha256:{sha(ROOMS)}"}),
        trusted_only.post({"extensions": apq(sha(ROOMS))}),
        trusted_only.get({"extensions": apq(sha(ROOMS))}),
        trusted_only.post({"query": ROOMS}),  # the exact text of a trusted one
    ]
    assert [answer(r) for r in requests] == [(200, expected)] * len(requests)
    by_token = trusted_only.post(
        {"documentId": sha(BY_TOKEN), "variables": {"token": "nobody-has-this"}}
    )
    assert by_token.json()["data"] == {"visitorByToken": None}


def test_trusted_only_refuses_every_other_document(trusted_only: Client) -> None:
    other = "{ rooms(first: 1) { totalCount } }"
    refused = {
        "errors": [
            {
                "message": "Only trusted documents may run here: send a "
                "`documentId` from the gateway's manifest.",
                "extensions": {"code": "QUERY_NOT_IN_SAFELIST"},
            }
        ]
    }
    unknown_id = {
        "errors": [
            {
                "message": "Unknown documentId 'abc'.",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert [
        answer(trusted_only.post({"query": other})),
        answer(trusted_only.get({"query": other}, accept=GRJ)),
        answer(trusted_only.post({"query": other, "extensions": apq(sha(other))})),
        answer(trusted_only.post({"extensions": apq(sha(other))})),
        answer(trusted_only.post({"documentId": "abc"})),
    ] == [
        (200, refused),
        (400, refused),
        (200, refused),
        (200, NOT_FOUND),
        (200, unknown_id),
    ]
    both = trusted_only.post({"documentId": sha(BY_TOKEN), "query": BY_TOKEN})
    assert answer(both) == (
        400,
        {
            "errors": [
                {
                    "message": "Send either `query` or `documentId`, not both.",
                    "extensions": {"code": "BAD_REQUEST"},
                }
            ]
        },
    )


def test_trusted_documents_alongside_apq(
    upstream: Upstream, users: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    # Apollo's manifest format; free-form queries and APQ keep working.
    path = tmp_path / "persisted-query-manifest.json"
    operations = [
        {"id": "rooms-1", "name": "TrustedRooms", "type": "query", "body": ROOMS}
    ]
    path.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": operations,
            }
        )
    )
    other = "query Other { rooms(first: 1) { totalCount } }"
    with start_gateway(upstream.url, trusted_documents=path) as url:
        client = Client(url, users["admin"])
        trusted = client.post({"documentId": "rooms-1"})
        free = client.post({"query": other})
        registered = client.post({"query": other, "extensions": apq(sha(other))})
        by_hash = client.post({"documentId": sha(other)})
        client.close()
    assert trusted.json()["data"]["rooms"]["totalCount"] > 0
    assert [free.json(), registered.json(), by_hash.json()] == [free.json()] * 3
    assert "errors" not in free.json()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("not json", "is not a JSON file", id="not-json"),
        pytest.param("[]", "a manifest is a JSON object", id="list"),
        pytest.param("{}", "the manifest has no documents", id="empty"),
        pytest.param('{"a": 1}', "document 'a' is not a GraphQL string", id="value"),
        pytest.param(
            '{"format": "apollo-persisted-query-manifest", "version": 2}',
            "an Apollo manifest needs version 1",
            id="apollo-version",
        ),
    ],
)
def test_a_bad_manifest_stops_the_start(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(content)
    with pytest.raises(ManifestError, match=message):
        create_app(Settings(trusted_documents=path), "http://127.0.0.1:9")


def test_trusted_only_needs_a_manifest() -> None:
    with pytest.raises(ValueError, match="needs GATEWAY_TRUSTED_DOCUMENTS"):
        Settings(trusted_documents_only=True)


def test_serve_stops_at_start_on_a_bad_manifest(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text('{"a": ""}')
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--port", "0"],
        env={**os.environ, "GATEWAY_TRUSTED_DOCUMENTS": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        1,
        f"rc-gateway serve: GATEWAY_TRUSTED_DOCUMENTS: {path}: "
        "document 'a' is not a GraphQL string\n",
    )


@pytest.mark.parametrize(
    "url", ["localhost:6379", "http://redis.internal", "redis.internal"]
)
def test_redis_url_needs_a_redis_scheme(url: str) -> None:
    with pytest.raises(ValueError, match="use a redis://, rediss:// or unix:// URL"):
        Settings(redis_url=url)
