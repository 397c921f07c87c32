"""`rc-gateway serve` as a process: access lines, failures logged, no secrets."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.test_serve import serving

if TYPE_CHECKING:
    from tests.conftest import Stack, Upstream

REGISTER = """
mutation Register($token: String!) {
  registerVisitor(input: {token: $token, name: "Log Test"}) { visitor { id } }
}
"""


def traffic(url: str, admin: dict[str, str], secret: str, missing: str) -> list[str]:
    """Requests carrying secrets every way a client sends them; their ids."""
    ids = []

    def send(method: str, **options: Any) -> None:
        request_id = uuid.uuid4().hex
        ids.append(request_id)
        headers = {"Accept": "application/json", "X-Request-Id": request_id}
        headers.update(options.pop("headers", {}))
        response = httpx.request(method, f"{url}/graphql", headers=headers, **options)
        assert response.status_code < 500, response.text

    send("POST", json={"query": REGISTER, "variables": {"token": secret}})
    literal = f'query ByToken {{ visitorByToken(token: "{secret}") {{ id }} }}'
    send("GET", params={"query": literal})
    send(
        "POST",
        json={
            "query": "query Var($t: String!) { visitorByToken(token: $t) { id } }",
            "variables": {"t": missing},
        },
    )
    send(
        "POST",
        json={"query": "query Rooms { rooms(first: 2) { totalCount } }"},
        headers={**admin, "X-Forwarded-For": "203.0.113.9"},
    )
    return ids


@pytest.mark.parametrize(
    ("log_format", "level"),
    [("json", "debug"), ("text", "debug"), ("json", "info"), ("text", "warning")],
)
def test_log_has_one_line_per_request_and_no_secret(
    writable: Stack, log_format: str, level: str
) -> None:
    # The traffic registers a visitor, so it goes to the writable sandbox.
    upstream, admin = writable.upstream, writable.users["admin"]
    secret = f"visitor-secret-{uuid.uuid4().hex}"
    missing = f"missing-secret-{uuid.uuid4().hex}"
    env = {"ROCKETCHAT_URL": upstream.url, "GATEWAY_LOG_FORMAT": log_format}
    args = ("--log-level", level, "--forwarded-allow-ips", "127.0.0.1")
    with serving(*args, env=env) as (url, lines):
        ids = traffic(url, admin, secret, missing)
    text = "".join(lines)
    for leaked in (admin["X-Auth-Token"], secret, missing, "query=", "ByToken {"):
        assert leaked not in text
    if level == "warning":
        assert not [line for line in lines if "gateway.access" in line]
        return
    access = [line for line in lines if "gateway.access" in line]
    graphql = [line for line in access if "/graphql" in line]
    assert len(graphql) == len(ids)
    assert not [line for line in lines if "uvicorn.access" in line]
    if log_format == "json":
        entries = [json.loads(line) for line in graphql]
        assert [entry["request_id"] for entry in entries] == ids
        by_id = {entry["request_id"]: entry for entry in entries}
        rooms = by_id[ids[3]]
        assert {k: v for k, v in rooms.items() if k not in ("time", "duration_ms")} == {
            "level": "info",
            "logger": "gateway.access",
            "message": "POST /graphql 200",
            "request_id": ids[3],
            "method": "POST",
            "path": "/graphql",
            "status": 200,
            "client": "203.0.113.9",
            "user_id": admin["X-User-Id"],
            "operation_name": "Rooms",
            "operation_type": "query",
            "upstream_calls": 1,
            "estimated_calls": None,
            "error_codes": [],
        }
        assert isinstance(rooms["duration_ms"], float)
        assert by_id[ids[1]]["operation_name"] == "ByToken"
        assert by_id[ids[1]]["method"] == "GET"
        assert by_id[ids[2]]["error_codes"] == ["NOT_FOUND"]
        (failure,) = [
            json.loads(line) for line in lines if '"gateway.upstream"' in line
        ]
        assert {
            k: v for k, v in failure.items() if k not in ("time", "duration_ms")
        } == {
            "level": "info",
            "logger": "gateway.upstream",
            "message": "upstream GET /api/v1/livechat/visitor/:token failed: NOT_FOUND",
            "request_id": ids[2],
            "method": "GET",
            "route": "/api/v1/livechat/visitor/:token",
            "status": 400,
            "code": "NOT_FOUND",
        }
    else:
        rooms = next(line for line in graphql if ids[3] in line)
        assert "INFO gateway.access: POST /graphql 200 " in rooms
        for part in (
            f"request_id={ids[3]}",
            "client=203.0.113.9",
            f"user_id={admin['X-User-Id']}",
            "operation_name=Rooms",
            "operation_type=query",
            "upstream_calls=1",
        ):
            assert part in rooms.split()


def test_upstream_failures_are_logged_once_as_warnings(
    upstream: Upstream, users: dict[str, dict[str, str]], knobs: Any
) -> None:
    env = {"ROCKETCHAT_URL": upstream.url, "GATEWAY_LOG_FORMAT": "json"}
    with serving(env=env) as (url, lines):
        knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "500"})
        body = httpx.post(
            f"{url}/graphql",
            json={"query": "{ rooms(first: 1) { totalCount } }"},
            headers={**users["admin"], "X-Request-Id": "failing-1"},
        ).json()
        knobs.update_knobs({"fault_rate": 0.0})
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_ERROR"
    failures = [json.loads(line) for line in lines if '"gateway.upstream"' in line]
    assert [
        {k: v for k, v in entry.items() if k not in ("time", "duration_ms")}
        for entry in failures
    ] == [
        {
            "level": "warning",
            "logger": "gateway.upstream",
            "message": "upstream GET /api/v1/livechat/rooms failed: UPSTREAM_ERROR",
            "request_id": "failing-1",
            "method": "GET",
            "route": "/api/v1/livechat/rooms",
            "status": 500,
            "code": "UPSTREAM_ERROR",
        }
    ]
