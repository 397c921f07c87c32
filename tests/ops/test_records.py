"""Failures logged once per REST attempt; demand control's counts replace ours."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from gateway.app import create_app
from gateway.config import Settings
from gateway.serving import serve_in_thread
from gateway.telemetry.logs import fields_of
from gateway.telemetry.requests import RequestRecord
from tests.test_serve import free_port

if TYPE_CHECKING:
    import pytest


def test_unreachable_upstream_is_logged_per_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    caplog.set_level(logging.INFO, logger="gateway")
    with serve_in_thread(create_app(Settings(), nowhere)) as url:
        body = httpx.post(
            f"{url}/graphql",
            json={"query": "{ rooms(first: 1) { totalCount } }"},
            headers={"X-Auth-Token": "t", "X-User-Id": "u", "X-Request-Id": "r-1"},
        ).json()
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    failures = [r for r in caplog.records if r.name == "gateway.upstream"]
    # A GET whose connection failed is retried once: two attempts, two lines.
    assert [(r.levelname, r.getMessage()) for r in failures] == [
        ("WARNING", "upstream GET /api/v1/livechat/rooms failed: UPSTREAM_UNAVAILABLE")
    ] * 2
    fields = [fields_of(r) for r in failures]
    for entry in fields:
        entry.pop("duration_ms")
    assert (
        fields
        == [
            {
                "request_id": "r-1",
                "method": "GET",
                "route": "/api/v1/livechat/rooms",
                "status": None,
                "code": "UPSTREAM_UNAVAILABLE",
            }
        ]
        * 2
    )
    (access,) = [r for r in caplog.records if r.name == "gateway.access"]
    assert fields_of(access)["upstream_calls"] == 2
    assert fields_of(access)["error_codes"] == ["UPSTREAM_UNAVAILABLE"]


@dataclass
class Counted:
    used: int
    estimated: int | None


def test_a_budget_replaces_the_own_count() -> None:
    record = RequestRecord(upstream_calls=3)
    assert record.calls() == (3, None)
    record.budget = Counted(used=7, estimated=9)
    assert record.calls() == (7, 9)
