"""CORS: preflights and simple requests per GATEWAY_CORS_* and the mode."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx
import pydantic
import pytest

from gateway.config import Settings
from tests.conftest import start_gateway

if TYPE_CHECKING:
    from tests.conftest import Upstream

LOCAL = "http://localhost:5173"
FOREIGN = "https://app.example.com"
QUERY = {"query": "{ __typename }"}
ALLOW_HEADERS = (
    "Accept, Accept-Language, Content-Language, Content-Type, X-Auth-Token, "
    "X-Request-Id, X-User-Id, apollographql-client-name, "
    "apollographql-client-version, traceparent, tracestate"
)
ASKED = "content-type, x-auth-token, x-user-id, x-request-id, traceparent"


def preflight(url: str, origin: str, headers: str = ASKED) -> httpx.Response:
    return httpx.options(
        f"{url}/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.startswith("access-control-")
    }


def post(url: str, origin: str) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json=QUERY, headers={"Origin": origin})


def expected_preflight(origin: str, **extra: str) -> dict[str, str]:
    return {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "GET, POST",
        "access-control-max-age": "600",
        "access-control-allow-headers": ALLOW_HEADERS,
        **extra,
    }


def test_sandbox_mode_allows_local_dev_origins_only(upstream: Upstream) -> None:
    with start_gateway(upstream.url) as url:
        allowed = [
            preflight(url, origin) for origin in (LOCAL, "http://127.0.0.1:3000")
        ]
        refused = preflight(url, FOREIGN)
        answer = post(url, LOCAL)
        foreign_answer = post(url, FOREIGN)
    assert [(r.status_code, cors_headers(r)) for r in allowed] == [
        (200, expected_preflight(LOCAL)),
        (200, expected_preflight("http://127.0.0.1:3000")),
    ]
    assert (refused.status_code, refused.text) == (400, "Disallowed CORS origin")
    assert "access-control-allow-origin" not in refused.headers
    assert (answer.status_code, answer.json(), cors_headers(answer)) == (
        200,
        {"data": {"__typename": "Query"}},
        {
            "access-control-allow-origin": LOCAL,
            "access-control-expose-headers": "X-Request-Id",
        },
    )
    # Starlette still lists the exposed header; without an allowed origin the
    # browser hands the page nothing.
    assert "access-control-allow-origin" not in foreign_answer.headers


def test_fronting_rocket_chat_allows_no_origin_until_configured(
    upstream: Upstream,
) -> None:
    with start_gateway(upstream.url, rocketchat_url=upstream.url) as url:
        refused = preflight(url, LOCAL)
        answer = post(url, LOCAL)
    # No CORS at all: the preflight reaches the endpoint, which allows no OPTIONS.
    assert (refused.status_code, cors_headers(refused)) == (405, {})
    assert (answer.status_code, cors_headers(answer)) == (200, {})


def test_configured_origins_with_credentials(upstream: Upstream) -> None:
    with start_gateway(
        upstream.url,
        rocketchat_url=upstream.url,
        cors_origins=[FOREIGN, "https://admin.example.com"],
        cors_allow_credentials=True,
        cors_max_age=60,
    ) as url:
        allowed = preflight(url, FOREIGN)
        refused = [preflight(url, origin) for origin in (LOCAL, "https://example.com")]
        answer = post(url, FOREIGN)
        unknown_header = preflight(url, FOREIGN, "x-auth-token, x-secret")
    assert (allowed.status_code, cors_headers(allowed)) == (
        200,
        expected_preflight(
            FOREIGN,
            **{
                "access-control-max-age": "60",
                "access-control-allow-credentials": "true",
            },
        ),
    )
    assert [r.status_code for r in refused] == [400, 400]
    assert cors_headers(answer) == {
        "access-control-allow-origin": FOREIGN,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "X-Request-Id",
    }
    assert (unknown_header.status_code, unknown_header.text) == (
        400,
        "Disallowed CORS headers",
    )


def test_any_origin_without_credentials(upstream: Upstream) -> None:
    with start_gateway(upstream.url, cors_origins=["*"]) as url:
        allowed = preflight(url, FOREIGN)
        answer = post(url, FOREIGN)
    assert cors_headers(allowed)["access-control-allow-origin"] == "*"
    assert cors_headers(answer) == {
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "X-Request-Id",
    }


@pytest.mark.parametrize(
    ("environment", "origins"),
    [
        pytest.param("https://a.example, http://b.example:8080", None, id="commas"),
        pytest.param('["https://a.example", "http://b.example:8080"]', None, id="json"),
        pytest.param("http://[::1]:5173", ["http://[::1]:5173"], id="ipv6"),
    ],
)
def test_origins_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: str, origins: list[str] | None
) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", environment)
    expected = origins or ["https://a.example", "http://b.example:8080"]
    assert Settings().cors_origins == expected


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"cors_origins": ["*"], "cors_allow_credentials": True},
            "GATEWAY_CORS_ORIGINS=* cannot be combined with "
            "GATEWAY_CORS_ALLOW_CREDENTIALS=true",
            id="star-with-credentials",
        ),
        pytest.param(
            {"cors_origins": ["https://app.example.com/"]},
            "'https://app.example.com/' is not an origin",
            id="trailing-slash",
        ),
        pytest.param(
            {"cors_origins": ["app.example.com"]},
            "'app.example.com' is not an origin",
            id="no-scheme",
        ),
        pytest.param({"cors_max_age": -1}, "greater than or equal to 0", id="max-age"),
    ],
)
def test_bad_cors_settings_are_refused_at_start(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(pydantic.ValidationError, match=re.escape(message)):
        Settings(**changes)
