"""GraphQLView over HTTP: media types, status codes and JSON errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from gateway.http.negotiation import negotiate

if TYPE_CHECKING:
    import httpx

GRJ = "application/graphql-response+json"
JSON = "application/json"
ACCEPT_GRJ = {"accept": GRJ}
ACCEPT_JSON = {"accept": JSON}


def http_error(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


PARSE_ERROR = {
    "errors": [
        {
            "message": "Syntax Error: Expected Name, found <EOF>.",
            "locations": [{"line": 1, "column": 8}],
            "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
        }
    ]
}
VALIDATION_ERROR = {
    "errors": [
        {
            "message": "Cannot query field 'nope' on type 'Query'.",
            "locations": [{"line": 1, "column": 3}],
            "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
        }
    ]
}
COERCION_ERROR = {
    "errors": [
        {
            "message": "Variable '$n' has invalid value:"
            " Int cannot represent non-integer value: 'x'",
            "locations": [{"line": 1, "column": 7}],
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ]
}
FIELD_ERROR = {
    "data": None,
    "errors": [
        {
            "message": "You must be logged in to do this.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["secret"],
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ],
}
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
COERCE = "query($n: Int!) { echo(n: $n) }"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param(None, JSON, id="missing"),
        pytest.param("", JSON, id="empty"),
        pytest.param("*/*", JSON, id="anything"),
        pytest.param(JSON, JSON, id="json"),
        pytest.param(GRJ, GRJ, id="graphql-response"),
        pytest.param(f"{GRJ}, {JSON};q=0.9", GRJ, id="apollo-client"),
        pytest.param(
            f"{GRJ}, application/graphql+json, {JSON}, text/event-stream, "
            "multipart/mixed",
            GRJ,
            id="urql",
        ),
        pytest.param(f"{JSON}, {GRJ};q=0.5", JSON, id="json-preferred"),
        pytest.param(f"{GRJ};q=0, */*", JSON, id="graphql-response-refused"),
        pytest.param("text/html, */*;q=0.8", JSON, id="browser"),
        pytest.param("text/plain", None, id="unacceptable"),
        pytest.param(f"{GRJ};q=oops", None, id="bad-quality"),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


@pytest.mark.parametrize(
    ("request_args", "status", "media_type", "body"),
    [
        pytest.param(
            {"json": {"query": "{ hello }"}, "headers": ACCEPT_GRJ},
            200,
            GRJ,
            {"data": {"hello": "world"}},
            id="post-graphql-response",
        ),
        pytest.param(
            {"json": {"query": "{ hello }"}, "headers": ACCEPT_JSON},
            200,
            JSON,
            {"data": {"hello": "world"}},
            id="post-json",
        ),
        pytest.param(
            {"json": {"query": "{ hello"}, "headers": ACCEPT_GRJ},
            400,
            GRJ,
            PARSE_ERROR,
            id="parse-error-graphql-response",
        ),
        pytest.param(
            {"json": {"query": "{ hello"}, "headers": ACCEPT_JSON},
            200,
            JSON,
            PARSE_ERROR,
            id="parse-error-json",
        ),
        pytest.param(
            {"json": {"query": "{ nope }"}, "headers": ACCEPT_GRJ},
            400,
            GRJ,
            VALIDATION_ERROR,
            id="validation-error-graphql-response",
        ),
        pytest.param(
            {"json": {"query": "{ nope }"}, "headers": ACCEPT_JSON},
            200,
            JSON,
            VALIDATION_ERROR,
            id="validation-error-json",
        ),
        pytest.param(
            {"json": {"query": COERCE, "variables": {"n": "x"}}, "headers": ACCEPT_GRJ},
            400,
            GRJ,
            COERCION_ERROR,
            id="variable-coercion-graphql-response",
        ),
        pytest.param(
            {"json": {"query": "{ secret }"}, "headers": ACCEPT_GRJ},
            200,
            GRJ,
            FIELD_ERROR,
            id="field-error-keeps-200",
        ),
        pytest.param(
            {"json": {"query": "{ hello }"}, "headers": {"accept": "text/plain"}},
            406,
            JSON,
            http_error(
                "Nothing acceptable in Accept; this endpoint answers "
                "application/graphql-response+json or application/json.",
                "NOT_ACCEPTABLE",
            ),
            id="not-acceptable",
        ),
        pytest.param(
            {"content": b'{"query": "{ hello }"}', "headers": ACCEPT_GRJ},
            415,
            GRJ,
            http_error(
                "POST requests need Content-Type: application/json.",
                "UNSUPPORTED_MEDIA_TYPE",
            ),
            id="no-content-type",
        ),
        pytest.param(
            {"content": b"{ hello }", "headers": {"content-type": "text/plain"}},
            415,
            JSON,
            http_error(
                "Unsupported Content-Type 'text/plain'; use application/json.",
                "UNSUPPORTED_MEDIA_TYPE",
            ),
            id="text-body",
        ),
        pytest.param(
            {
                "content": b'{"query": "{ hello }"}',
                "headers": {"content-type": "application/json; charset=latin-1"},
            },
            415,
            JSON,
            http_error(
                "Unsupported charset 'latin-1'; use utf-8.", "UNSUPPORTED_MEDIA_TYPE"
            ),
            id="not-utf-8",
        ),
        pytest.param(
            {
                "content": b'{"query": "{ hello }"}',
                "headers": {"content-type": 'Application/JSON; Charset="UTF-8"'},
            },
            200,
            JSON,
            {"data": {"hello": "world"}},
            id="content-type-case-and-quotes",
        ),
        pytest.param(
            {
                "content": b'{"query": "{ hello }"}',
                "headers": {"content-type": 'application/json; charset="utf-16"'},
            },
            415,
            JSON,
            http_error(
                "Unsupported charset 'utf-16'; use utf-8.", "UNSUPPORTED_MEDIA_TYPE"
            ),
            id="quoted-charset-not-utf-8",
        ),
        pytest.param(
            {"json": {"query": "query($n: Int) { hello }"}, "headers": ACCEPT_GRJ},
            400,
            GRJ,
            {
                "errors": [
                    {
                        "message": "Variable '$n' is never used.",
                        "locations": [{"line": 1, "column": 7}],
                        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
                    }
                ]
            },
            id="validation-error-about-a-variable",
        ),
        pytest.param(
            {"json": {"query": "{ lookalike }"}, "headers": ACCEPT_GRJ},
            200,
            GRJ,
            {
                "data": {"lookalike": None},
                "errors": [
                    {
                        "message": "Syntax Error: not one, raised by a resolver.",
                        "locations": [{"line": 1, "column": 3}],
                        "path": ["lookalike"],
                        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                    }
                ],
            },
            id="field-error-worded-like-a-parse-error",
        ),
        pytest.param(
            {"content": b"{", "headers": {"content-type": "application/json"}},
            400,
            JSON,
            http_error("Unable to parse request body as JSON", "BAD_REQUEST"),
            id="body-not-json",
        ),
        pytest.param(
            {"content": b'"\xff"', "headers": {"content-type": "application/json"}},
            400,
            JSON,
            http_error("The request body is not valid UTF-8.", "BAD_REQUEST"),
            id="body-bad-bytes",
        ),
        pytest.param(
            {"content": b'"{ hello }"', "headers": {"content-type": JSON}},
            400,
            JSON,
            http_error(
                "The request body must be a JSON object with a `query`.", "BAD_REQUEST"
            ),
            id="body-a-string",
        ),
        pytest.param(
            {"content": b"[" * 100_000, "headers": {"content-type": JSON}},
            400,
            JSON,
            http_error("The request body is nested too deeply.", "BAD_REQUEST"),
            id="body-nested-too-deeply",
        ),
        pytest.param(
            {"json": [{"query": "{ hello }"}]},
            400,
            JSON,
            http_error(
                "Batching is turned off; send one operation per request.",
                "BATCHING_DISABLED",
            ),
            id="batch",
        ),
        pytest.param(
            {"json": {"query": "{ hello }", "variables": [1]}},
            400,
            JSON,
            http_error(
                "The GraphQL operation's `variables` must be an object or null, "
                "if provided.",
                "BAD_REQUEST",
            ),
            id="variables-a-list",
        ),
        pytest.param(
            {"json": {"variables": {}}, "headers": ACCEPT_GRJ},
            400,
            GRJ,
            http_error("No GraphQL query found in the request.", "BAD_REQUEST"),
            id="no-query",
        ),
        pytest.param(
            {"json": {"query": "{ hello }", "operationName": 3}},
            400,
            JSON,
            http_error(
                "The GraphQL operation's `operationName` must be a string.",
                "BAD_REQUEST",
            ),
            id="operation-name-not-string",
        ),
        pytest.param(
            {"json": {"query": "{ hello }", "operationName": "Other"}},
            400,
            JSON,
            http_error('Unknown operation named "Other".', "BAD_REQUEST"),
            id="unknown-operation",
        ),
    ],
)
def test_post(
    standin: httpx.Client,
    request_args: dict[str, Any],
    status: int,
    media_type: str,
    body: dict[str, Any],
) -> None:
    response = standin.post("/graphql", **request_args)
    assert (
        response.status_code,
        response.headers["content-type"],
        response.json(),
    ) == (
        status,
        f"{media_type}; charset=utf-8",
        body,
    )


def test_query_over_get(standin: httpx.Client) -> None:
    response = standin.get(
        "/graphql",
        params={"query": COERCE, "variables": '{"n": 7}'},
        headers=ACCEPT_GRJ,
    )
    assert (response.status_code, response.json()) == (200, {"data": {"echo": 7}})


def test_mutation_over_get_is_405_allowing_post(standin: httpx.Client) -> None:
    response = standin.get(
        "/graphql", params={"query": "mutation { poke }"}, headers=ACCEPT_GRJ
    )
    assert (response.status_code, response.headers["allow"], response.json()) == (
        405,
        "POST",
        http_error(
            "Only queries can be sent with GET; send mutations with POST.",
            "METHOD_NOT_ALLOWED",
        ),
    )


def test_mutation_over_post(standin: httpx.Client) -> None:
    response = standin.post("/graphql", json={"query": "mutation { poke }"})
    assert (response.status_code, response.json()) == (200, {"data": {"poke": 1}})


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(standin: httpx.Client, method: str) -> None:
    response = standin.request(method, "/graphql", json={"query": "{ hello }"})
    assert (
        response.status_code,
        response.headers["allow"],
        response.headers["content-type"],
        response.json(),
    ) == (
        405,
        "GET, POST",
        "application/json; charset=utf-8",
        http_error(
            f"{method} is not supported; use GET or POST.", "METHOD_NOT_ALLOWED"
        ),
    )


def test_browser_get_renders_graphiql(standin: httpx.Client) -> None:
    response = standin.get("/graphql", headers={"accept": BROWSER})
    assert (response.status_code, response.headers["content-type"]) == (
        200,
        "text/html; charset=utf-8",
    )
    assert '<div id="graphiql">' in response.text


def test_graphiql_disabled(standin_without_graphiql: httpx.Client) -> None:
    response = standin_without_graphiql.get("/graphql", headers={"accept": BROWSER})
    assert (response.status_code, response.json()) == (
        400,
        http_error("No GraphQL query found in the request.", "BAD_REQUEST"),
    )
    assets = standin_without_graphiql.get("/graphiql/page.js")
    assert assets.status_code == 200


def test_get_with_variables_that_are_not_json(standin: httpx.Client) -> None:
    response = standin.get("/graphql", params={"query": COERCE, "variables": "{n: 1"})
    assert (response.status_code, response.json()) == (
        400,
        http_error(
            "The `variables` and `extensions` parameters must be JSON.", "BAD_REQUEST"
        ),
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "{ hello }",
            "Queries over GET are turned off; send them with POST.",
            id="query",
        ),
        pytest.param(
            "mutation { poke }",
            "Operations over GET are turned off; send them with POST.",
            id="mutation",
        ),
    ],
)
def test_get_refused_without_queries_via_get(
    standin_without_get_queries: httpx.Client, query: str, message: str
) -> None:
    response = standin_without_get_queries.get(
        "/graphql", params={"query": query}, headers=ACCEPT_GRJ
    )
    assert (
        response.status_code,
        response.headers["allow"],
        response.headers["content-type"],
        response.json(),
    ) == (
        405,
        "POST",
        f"{GRJ}; charset=utf-8",
        http_error(message, "METHOD_NOT_ALLOWED"),
    )


def test_post_and_graphiql_without_queries_via_get(
    standin_without_get_queries: httpx.Client,
) -> None:
    posted = standin_without_get_queries.post("/graphql", json={"query": "{ hello }"})
    page = standin_without_get_queries.get("/graphql", headers={"accept": BROWSER})
    assert (posted.status_code, posted.json(), page.status_code) == (
        200,
        {"data": {"hello": "world"}},
        200,
    )
    assert '<div id="graphiql">' in page.text


def test_answers_encode_what_orjson_cannot_through_json() -> None:
    from gateway.view import GraphQLView

    view = GraphQLView.__new__(GraphQLView)
    plain = {"data": {"name": "Zoë", "n": 1}}
    assert json.loads(view.encode_json(plain)) == plain
    huge = {"data": {"n": 2**70}}
    assert json.loads(view.encode_json(huge)) == huge


def test_a_post_body_is_decoded_once(
    standin: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.http.bodies import decode_json

    decoded: list[object] = []

    def counting(data: str | bytes) -> object:
        decoded.append(data)
        return decode_json(data)

    monkeypatch.setattr("gateway.view.decode_json", counting)
    first = standin.post("/graphql", json={"query": "{ hello }"})
    second = standin.post("/graphql", json={"query": "{ echo(n: 2) }"})
    assert first.json() == {"data": {"hello": "world"}}
    assert second.json() == {"data": {"echo": 2}}
    assert len(decoded) == 2
