"""Path parameters are split on the raw path, before percent-decoding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from tests.conftest import Stack

INVALID_TOKEN = {
    "success": False,
    "error": "[invalid-token]",
    "errorType": "invalid-token",
}
NOT_FOUND = {"success": False, "error": "Not found"}


@pytest.mark.parametrize(
    ("raw", "status", "body"),
    [
        pytest.param("livechat/visitor/a%2Fb", 400, INVALID_TOKEN, id="encoded-slash"),
        pytest.param(
            "livechat/visitor/..%2Fvisitors.info%3FvisitorId%3Dx",
            400,
            INVALID_TOKEN,
            id="encoded-traversal",
        ),
        pytest.param("livechat/visitor/a/b", 404, NOT_FOUND, id="two-segments"),
        pytest.param("livechat/visitor/", 404, NOT_FOUND, id="empty-segment"),
        pytest.param("livechat/nothing-here", 404, NOT_FOUND, id="unknown-route"),
    ],
)
def test_raw_path_dispatch(
    demo_sandbox_url: str, raw: str, status: int, body: object
) -> None:
    response = httpx.get(f"{demo_sandbox_url}/api/v1/{raw}")
    assert (response.status_code, response.json()) == (status, body)


def test_token_with_a_slash_is_found_by_its_encoded_form(writable: Stack) -> None:
    with httpx.Client(base_url=f"{writable.upstream.url}/api/v1/") as client:
        created = client.post(
            "livechat/visitor", json={"visitor": {"token": "slash/token ü"}}
        ).json()["visitor"]
        found = client.get("livechat/visitor/slash%2Ftoken%20%C3%BC")
    assert found.status_code == 200
    assert found.json() == {"visitor": created, "success": True}


def test_wrong_method_is_not_found(demo_sandbox_url: str) -> None:
    response = httpx.post(f"{demo_sandbox_url}/api/v1/livechat/rooms", json={})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_responses_are_json_and_not_cached(demo_sandbox_url: str) -> None:
    response = httpx.get(f"{demo_sandbox_url}/api/v1/livechat/visitor/x")
    assert response.headers["content-type"] == "application/json"
    assert (response.headers["cache-control"], response.headers["pragma"]) == (
        "no-store",
        "no-cache",
    )
