"""Upstream.request: encoding, credentials, and the one error-mapping table.

The sandbox covers what Rocket.Chat really answers; these tests use
httpx.MockTransport only for what it cannot do (timeouts, broken bodies,
refused connections) and for tagged variants of older or newer releases.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from gateway.errors import (
    BadUserInputError,
    ForbiddenError,
    GatewayError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from gateway.upstream.client import Credentials, Upstream, segment

if TYPE_CHECKING:
    from collections.abc import Callable

CREDS = Credentials(auth_token="tok", user_id="uid", request_id="r1")


def upstream_with(
    handler: Callable[[httpx.Request], httpx.Response], *, retry_reads: bool = True
) -> tuple[Upstream, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = httpx.AsyncClient(
        base_url="http://rc.invalid/api/v1/", transport=httpx.MockTransport(record)
    )
    return Upstream([client], retry_reads=retry_reads), seen


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("../visitors.info?visitorId=x", "..%2Fvisitors.info%3FvisitorId%3Dx"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a b/c#d%e", "a%20b%2Fc%23d%25e"),
        ("plain-token_1.2", "plain-token_1.2"),
    ],
)
def test_segment(value: str, encoded: str) -> None:
    assert segment(value) == encoded


def test_credentials_headers_hold_only_what_may_travel() -> None:
    creds = Credentials("t", "u", forwarded_for="1.2.3.4", request_id="r")
    assert creds.headers() == {
        "X-Auth-Token": "t",
        "X-User-Id": "u",
        "X-Forwarded-For": "1.2.3.4",
        "X-Request-Id": "r",
    }
    assert Credentials().headers() == {}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("livechat/visitors.info", {"visitorId": "a&b=c d/é+%2F"}),
        ("livechat/rooms", {"offset": 0, "count": 25, "sort": '{"ts":-1}'}),
        ("livechat/rooms", {"agents[]": ["a", "b c"], "open": "true"}),
        ("livechat/visitor/%2E%2E", None),
        ("livechat/visitor/a%2Fb%3Fc", {}),
        ("/livechat/department?onlyMyDepartments=true", {"count": 5}),
        ("livechat/department?onlyMyDepartments=true&x=a%2Fb", None),
        # What httpx changes: dot segments, characters to encode, bad escapes.
        ("livechat/./visitor/../rooms", None),
        ("livechat/visitor/é x", None),
        ("livechat/visitor/%zz", {"q": "ü"}),
        ("livechat/visitor/.well", {"q": "."}),
    ],
)
@pytest.mark.anyio
async def test_calls_are_the_requests_httpx_would_build(
    path: str, params: dict[str, Any] | None
) -> None:
    """Each call is built without `AsyncClient.build_request`, to the same bytes."""
    upstream, seen = upstream_with(lambda r: httpx.Response(200, json={}))
    await upstream.request("POST", path, CREDS, params=params, json={"k": "é"})
    client = httpx.AsyncClient(base_url="http://rc.invalid/api/v1/")
    expected = client.build_request(
        "POST", path, params=params, json={"k": "é"}, headers=CREDS.headers()
    )
    (sent,) = seen
    assert str(sent.url) == str(expected.url)
    assert sent.url.raw_path == expected.url.raw_path
    assert sent.url == expected.url
    assert sent.headers.raw == expected.headers.raw
    assert sent.content == expected.content
    assert sent.extensions["timeout"] == expected.extensions["timeout"]


@pytest.mark.anyio
async def test_success_envelope_and_headers() -> None:
    upstream, seen = upstream_with(
        lambda r: httpx.Response(200, json={"visitor": {"_id": "v"}, "success": True})
    )
    body = await upstream.request(
        "GET", "livechat/visitors.info", CREDS, params={"visitorId": "a&b=c"}
    )
    assert body == {"visitor": {"_id": "v"}, "success": True}
    (request,) = seen
    assert str(request.url) == (
        "http://rc.invalid/api/v1/livechat/visitors.info?visitorId=a%26b%3Dc"
    )
    assert (request.headers["x-auth-token"], request.headers["x-user-id"]) == (
        "tok",
        "uid",
    )


@pytest.mark.anyio
async def test_missing_credentials_never_call() -> None:
    upstream, seen = upstream_with(lambda r: httpx.Response(200, json={}))
    with pytest.raises(UnauthenticatedError):
        await upstream.request("GET", "livechat/rooms", Credentials(auth_token="t"))
    assert seen == []
    await upstream.request("GET", "livechat/visitor/x", Credentials(), auth=False)
    assert len(seen) == 1


def body(status: int, payload: Any, **headers: str) -> Callable[..., httpx.Response]:
    return lambda request: httpx.Response(status, json=payload, headers=headers)


MAPPING = [
    pytest.param(
        body(401, {"success": False, "error": "You must be logged in to do this."}),
        UnauthenticatedError,
        {"code": "UNAUTHENTICATED"},
        id="401",
    ),
    pytest.param(
        body(401, {"status": "error", "message": "You must be logged in to do this."}),
        UnauthenticatedError,
        {"code": "UNAUTHENTICATED"},
        id="401-6.x-body",
    ),
    pytest.param(
        body(403, {"success": False, "error": "unauthorized"}),
        ForbiddenError,
        {"code": "FORBIDDEN", "upstreamMessage": "unauthorized"},
        id="403-rooms",
    ),
    pytest.param(
        body(403, {"success": False, "error": "forbidden"}),
        ForbiddenError,
        {"code": "FORBIDDEN", "upstreamMessage": "forbidden"},
        id="403-develop",
    ),
    pytest.param(
        body(
            400, {"success": False, "error": "not-allowed", "errorType": "Not Allowed"}
        ),
        ForbiddenError,
        {"code": "FORBIDDEN", "upstreamMessage": "not-allowed"},
        id="rooms-info-not-allowed",
    ),
    pytest.param(
        body(400, {"success": False, "error": "visitor-not-found"}),
        NotFoundError,
        {"code": "NOT_FOUND", "upstreamMessage": "visitor-not-found"},
        id="visitor-not-found",
    ),
    pytest.param(
        body(
            400,
            {
                "success": False,
                "error": "[invalid-token]",
                "errorType": "invalid-token",
            },
        ),
        NotFoundError,
        {"code": "NOT_FOUND", "upstreamMessage": "[invalid-token]"},
        id="invalid-token",
    ),
    pytest.param(
        body(
            400,
            {
                "success": False,
                "error": "Invalid token [invalid-token]",
                "errorType": "invalid-token",
            },
        ),
        NotFoundError,
        {"code": "NOT_FOUND", "upstreamMessage": "Invalid token [invalid-token]"},
        id="invalid-token-develop",
    ),
    pytest.param(
        body(
            400,
            {
                "success": False,
                "error": "x [error-room-not-found]",
                "errorType": "error-room-not-found",
            },
        ),
        NotFoundError,
        {"code": "NOT_FOUND", "upstreamMessage": "x [error-room-not-found]"},
        id="room-not-found",
    ),
    pytest.param(
        body(404, {"success": False, "error": "Resource not found"}),
        NotFoundError,
        {"code": "NOT_FOUND", "upstreamMessage": "Resource not found"},
        id="contact-404",
    ),
    pytest.param(
        body(
            400,
            {
                "success": False,
                "error": "must be number [invalid-params]",
                "errorType": "invalid-params",
            },
        ),
        BadUserInputError,
        {
            "code": "BAD_USER_INPUT",
            "upstreamMessage": "must be number [invalid-params]",
            "errorType": "invalid-params",
        },
        id="validation",
    ),
    pytest.param(
        body(400, {"success": False, "error": "Match error: Missing key 'visitor'"}),
        BadUserInputError,
        {
            "code": "BAD_USER_INPUT",
            "upstreamMessage": "Match error: Missing key 'visitor'",
        },
        id="plain-400",
    ),
    pytest.param(
        body(
            429,
            {
                "success": False,
                "error": "Error, too many requests. Please slow down. "
                "You must wait 42 seconds before trying this endpoint again. "
                "[error-too-many-requests]",
            },
        ),
        RateLimitedError,
        {"code": "RATE_LIMITED", "retryAfter": 42},
        id="429-message",
    ),
    pytest.param(
        lambda request: httpx.Response(
            429,
            json={"success": False, "error": "slow down"},
            headers={"X-RateLimit-Reset": str(int((time.time() + 30.5) * 1000))},
        ),
        RateLimitedError,
        {"code": "RATE_LIMITED", "retryAfter": 31},
        id="429-header",
    ),
    pytest.param(
        body(503, {"success": False, "error": "maintenance"}),
        UpstreamUnavailableError,
        {"code": "UPSTREAM_UNAVAILABLE", "upstreamStatus": 503},
        id="503",
    ),
    pytest.param(
        body(500, {"success": False, "error": "Internal server error"}),
        UpstreamError,
        {"code": "UPSTREAM_ERROR", "upstreamStatus": 500},
        id="500",
    ),
    pytest.param(
        lambda request: httpx.Response(200, text="<html>proxy error</html>"),
        UpstreamError,
        {"code": "UPSTREAM_ERROR", "upstreamStatus": 200},
        id="not-json",
    ),
    pytest.param(
        body(200, ["a", "list"]),
        UpstreamError,
        {"code": "UPSTREAM_ERROR", "upstreamStatus": 200},
        id="not-an-object",
    ),
    pytest.param(
        lambda request: httpx.Response(502, text="Bad Gateway"),
        UpstreamUnavailableError,
        {"code": "UPSTREAM_UNAVAILABLE", "upstreamStatus": 502},
        id="502-html",
    ),
]


@pytest.mark.faults
@pytest.mark.anyio
@pytest.mark.parametrize(("handler", "error", "extensions"), MAPPING)
async def test_error_mapping(
    handler: Callable[[httpx.Request], httpx.Response],
    error: type[GatewayError],
    extensions: dict[str, Any],
) -> None:
    upstream, _ = upstream_with(handler)
    with pytest.raises(GatewayError) as caught:
        await upstream.request("GET", "livechat/rooms", CREDS)
    assert type(caught.value) is error
    assert caught.value.extensions == extensions


def raising(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.faults
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("exc", "error", "calls"),
    [
        pytest.param(httpx.ReadTimeout("slow"), UpstreamTimeoutError, 1, id="timeout"),
        pytest.param(
            httpx.ConnectError("refused"), UpstreamUnavailableError, 2, id="refused"
        ),
        pytest.param(
            httpx.RemoteProtocolError("Server disconnected"),
            UpstreamUnavailableError,
            2,
            id="dropped",
        ),
        pytest.param(
            httpx.ReadError("reset before an answer"),
            UpstreamUnavailableError,
            2,
            id="reset",
        ),
    ],
)
async def test_transport_failures(
    exc: Exception, error: type[GatewayError], calls: int
) -> None:
    upstream, seen = upstream_with(raising(exc))
    with pytest.raises(error) as caught:
        await upstream.request("GET", "livechat/rooms", CREDS)
    assert isinstance(caught.value.__cause__, type(exc))
    assert len(seen) == calls


@pytest.mark.faults
@pytest.mark.anyio
async def test_a_get_is_retried_once_and_can_succeed() -> None:
    attempts: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json={"success": True})

    upstream, _ = upstream_with(flaky)
    assert await upstream.request("GET", "me", CREDS) == {"success": True}
    assert len(attempts) == 2


@pytest.mark.faults
@pytest.mark.anyio
@pytest.mark.parametrize(("method", "retry_reads"), [("POST", True), ("GET", False)])
async def test_no_retry_for_posts_or_when_disabled(
    method: str, retry_reads: bool
) -> None:
    upstream, seen = upstream_with(
        raising(httpx.ConnectError("refused")), retry_reads=retry_reads
    )
    with pytest.raises(UpstreamUnavailableError):
        await upstream.request(method, "livechat/visitor", CREDS, json={}, auth=False)
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("content", "headers", "decoded"),
    [
        # orjson's own ground.
        (
            b'{"success":true,"n":1,"s":"\xc3\xa9"}',
            {},
            {"success": True, "n": 1, "s": "é"},
        ),
        # What orjson refuses and `json` takes: UTF-16.
        (
            '{"success":true,"s":"é"}'.encode("utf-16"),
            {"Content-Type": "application/json; charset=utf-16"},
            {"success": True, "s": "é"},
        ),
    ],
)
@pytest.mark.anyio
async def test_answers_are_decoded_as_json_would(
    content: bytes, headers: dict[str, str], decoded: Any
) -> None:
    upstream, _ = upstream_with(
        lambda r: httpx.Response(200, content=content, headers=headers)
    )
    assert await upstream.request("GET", "me", CREDS) == decoded


@pytest.mark.anyio
async def test_an_answer_only_json_decodes_is_still_read() -> None:
    upstream, _ = upstream_with(
        lambda r: httpx.Response(200, content=b'{"success":true,"x":NaN}')
    )
    body = await upstream.request("GET", "me", CREDS)
    assert body["success"] is True
    assert repr(body["x"]) == "nan"


@pytest.mark.anyio
async def test_idle_connections_are_dropped_before_node_drops_them() -> None:
    """Node's http server closes an idle keep-alive connection after 5 s; a
    request sent on it as it closes would fail, so the pool lets it go first."""
    from gateway.config import Settings
    from gateway.upstream.wire import WireTransport

    async with Upstream.open("http://rc.invalid", Settings()) as upstream:
        client = next(upstream._lanes).client
        transport = client._transport
    assert isinstance(transport, WireTransport)
    assert 0 < transport.keepalive_expiry < 5
