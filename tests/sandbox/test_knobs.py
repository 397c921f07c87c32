"""Knobs: latency that overlaps under concurrency, faults, the log, /_sandbox."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import anyio
import httpx
import pytest

from gateway.sandbox import LoggedRequest, SandboxOptions, create_sandbox_app
from gateway.serving import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gateway.sandbox import Sandbox

INTERNAL = {"success": False, "error": "Internal server error"}
# asyncio may wake a timer up to its clock resolution early.
CLOCK_SLACK = 0.005


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    """A small demo sandbox of its own, so knob changes touch no other test."""
    app = create_sandbox_app(SandboxOptions(visitors=5, rooms=10, contacts=5))
    with serve_in_thread(app) as url:
        yield app.state.sandbox, url


@pytest.mark.anyio
async def test_latency_overlaps_across_concurrent_requests(
    served: tuple[Sandbox, str],
) -> None:
    sandbox, url = served
    sandbox.options.latency_ms = 200
    statuses: list[int] = []

    async def call(client: httpx.AsyncClient) -> None:
        response = await client.get("/api/v1/livechat/visitor/nobody")
        statuses.append(response.status_code)

    async with httpx.AsyncClient(base_url=url) as client:
        started = time.monotonic()
        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(call, client)
        elapsed = time.monotonic() - started
    assert statuses == [400] * 20
    # 20 sequential sleeps would take 4 s; overlapping ones take about 0.2 s.
    assert 0.2 - CLOCK_SLACK <= elapsed < 1.0
    assert all(
        entry.finished - entry.started >= 0.2 - CLOCK_SLACK for entry in sandbox.log
    )


def test_jitter_stays_within_its_bound(served: tuple[Sandbox, str]) -> None:
    sandbox, url = served
    sandbox.options.latency_ms = 20
    sandbox.options.jitter_ms = 60
    for _ in range(8):
        httpx.get(f"{url}/api/v1/livechat/visitor/nobody")
    durations = [entry.finished - entry.started for entry in sandbox.log]
    assert len(durations) == 8
    assert all(0.02 - CLOCK_SLACK <= d < 0.08 + 0.1 for d in durations)


def test_fault_500_answers_the_contract_body(served: tuple[Sandbox, str]) -> None:
    sandbox, url = served
    sandbox.options.fault_rate = 1.0
    response = httpx.get(f"{url}/api/v1/livechat/visitor/nobody")
    assert (response.status_code, response.json()) == (500, INTERNAL)
    assert [entry.status for entry in sandbox.log] == [500]


def test_fault_drop_closes_the_connection(served: tuple[Sandbox, str]) -> None:
    sandbox, url = served
    sandbox.options.fault_rate = 1.0
    sandbox.options.fault_kind = "drop"
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{url}/api/v1/livechat/visitor/nobody")
    assert [entry.status for entry in sandbox.log] == [0]


def test_fault_rate_is_a_probability(served: tuple[Sandbox, str]) -> None:
    sandbox, url = served
    sandbox.options.fault_rate = 0.5
    with httpx.Client(base_url=url) as client:
        codes = [
            client.get("/api/v1/livechat/visitor/nobody").status_code
            for _ in range(200)
        ]
    assert set(codes) == {400, 500}
    assert 60 <= codes.count(500) <= 140


def test_log_records_what_arrived(served: tuple[Sandbox, str]) -> None:
    sandbox, url = served
    headers = {
        "X-Auth-Token": "tok",
        "X-User-Id": "uid",
        "X-Forwarded-For": "198.51.100.7, 10.0.0.1",
        "X-Request-Id": "req-1",
    }
    before = time.monotonic()
    response = httpx.get(
        f"{url}/api/v1/livechat/rooms?agents=a&agents=b%2Fc&count=5", headers=headers
    )
    assert response.status_code == 401
    [entry] = sandbox.log
    assert entry == LoggedRequest(
        method="GET",
        path="/api/v1/livechat/rooms",
        query=[("agents", "a"), ("agents", "b/c"), ("count", "5")],
        auth_token="tok",
        user_id="uid",
        forwarded_for="198.51.100.7, 10.0.0.1",
        request_id="req-1",
        started=entry.started,
        finished=entry.finished,
        status=401,
    )
    assert before <= entry.started <= entry.finished <= time.monotonic()


def test_log_keeps_the_raw_path_and_absent_headers(served: tuple[Sandbox, str]) -> None:
    sandbox, url = served
    httpx.get(f"{url}/api/v1/livechat/visitor/a%2Fb")
    [entry] = sandbox.log
    assert (entry.path, entry.auth_token, entry.user_id, entry.forwarded_for) == (
        "/api/v1/livechat/visitor/a%2Fb",
        None,
        None,
        None,
    )


def test_control_endpoints_read_and_clear_the_log(served: tuple[Sandbox, str]) -> None:
    sandbox, url = served
    with httpx.Client(base_url=url) as client:
        client.get("/api/v1/livechat/visitor/x", headers={"X-Request-Id": "r9"})
        listed = client.get("/_sandbox/requests").json()["requests"]
        assert [
            (e["method"], e["path"], e["request_id"], e["status"]) for e in listed
        ] == [("GET", "/api/v1/livechat/visitor/x", "r9", 400)]
        assert client.delete("/_sandbox/requests").json() == {"cleared": 1}
        assert client.get("/_sandbox/requests").json() == {"requests": []}
    assert sandbox.log == []


def test_options_patch_changes_knobs_and_refuses_bad_values(
    served: tuple[Sandbox, str],
) -> None:
    sandbox, url = served
    with httpx.Client(base_url=url) as client:
        changed = client.patch(
            "/_sandbox/options", json={"latency_ms": 5, "fault_kind": "drop"}
        )
        assert changed.status_code == 200
        assert (changed.json()["latency_ms"], changed.json()["fault_kind"]) == (
            5,
            "drop",
        )
        for bad in (
            {"fault_rate": 2},
            {"fault_kind": "x"},
            {"seed": 3},
            {"rate_limit": 1},
        ):
            refused = client.patch("/_sandbox/options", json=bad)
            assert refused.status_code == 400, bad
        assert client.get("/_sandbox/options").json()["fault_rate"] == 0
    assert (sandbox.options.latency_ms, sandbox.options.fault_kind) == (5, "drop")


def test_control_endpoints_skip_latency_faults_and_log(
    served: tuple[Sandbox, str],
) -> None:
    sandbox, url = served
    sandbox.options.latency_ms = 1000
    sandbox.options.fault_rate = 1.0
    started = time.monotonic()
    response = httpx.get(f"{url}/_sandbox/options")
    assert response.status_code == 200
    assert time.monotonic() - started < 0.5
    assert sandbox.log == []
