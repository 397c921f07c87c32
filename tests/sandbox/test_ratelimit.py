"""Rate limiting (§0.8): per address and route, 60 s window, 5 or 10 calls, bypass."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from gateway.sandbox import SandboxOptions, create_sandbox_app, login
from gateway.sandbox.http.ratelimit import RateLimiter, client_address
from gateway.serving import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gateway.sandbox import Sandbox

TOO_MANY = re.compile(
    r"^Error, too many requests\. Please slow down\. You must wait (\d+) seconds "
    r"before trying this endpoint again\. \[error-too-many-requests\]$"
)


@pytest.fixture
def limited() -> Iterator[tuple[Sandbox, httpx.Client]]:
    app = create_sandbox_app(
        SandboxOptions(visitors=5, rooms=10, contacts=5, rate_limit=True)
    )
    with serve_in_thread(app) as url, httpx.Client(base_url=f"{url}/api/v1/") as client:
        yield app.state.sandbox, client


def _register(client: httpx.Client, token: str, address: str) -> httpx.Response:
    return client.post(
        "livechat/visitor",
        json={"visitor": {"token": token}},
        headers={"X-Forwarded-For": address},
    )


def test_registration_allows_five_per_address(
    limited: tuple[Sandbox, httpx.Client],
) -> None:
    _, client = limited
    answers = [_register(client, f"t{i}", "198.51.100.1") for i in range(6)]
    assert [r.status_code for r in answers] == [200] * 5 + [429]
    assert [r.headers["X-RateLimit-Remaining"] for r in answers] == [
        "4",
        "3",
        "2",
        "1",
        "0",
        "0",
    ]
    refused = answers[-1]
    assert refused.headers["X-RateLimit-Limit"] == "5"
    reset_ms = int(refused.headers["X-RateLimit-Reset"])
    assert 0 < reset_ms - time.time() * 1000 <= 60_000
    body = refused.json()
    assert set(body) == {"success", "error"}
    assert body["success"] is False
    wait = TOO_MANY.match(body["error"])
    assert wait is not None
    assert 1 <= int(wait.group(1)) <= 60
    # Another address has its own budget.
    assert _register(client, "other", "198.51.100.2").status_code == 200


def test_rightmost_forwarded_address_counts(
    limited: tuple[Sandbox, httpx.Client],
) -> None:
    _, client = limited
    for i in range(5):
        forged = f"203.0.113.{i}, 198.51.100.9"
        assert _register(client, f"s{i}", forged).status_code == 200
    assert _register(client, "s5", "203.0.113.99, 198.51.100.9").status_code == 429


def test_other_routes_allow_ten_and_share_a_bucket_per_route(
    limited: tuple[Sandbox, httpx.Client],
) -> None:
    _, client = limited
    codes = [client.get(f"livechat/visitor/token-{i}").status_code for i in range(11)]
    assert codes == [400] * 10 + [429]
    visited = {
        "token": "t",
        "pageInfo": {"change": "url", "title": "T", "location": {"href": "h"}},
    }
    assert client.post("livechat/page.visited", json=visited).status_code == 200


def test_bypass_permission_exempts_authenticated_routes(
    limited: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, client = limited
    admin = login(str(client.base_url.join("/")), "admin")
    agent = login(str(client.base_url.join("/")), "agent")
    sandbox.limiter.reset()
    assert {
        client.get("livechat/visitors.search?term=", headers=admin).status_code
        for _ in range(15)
    } == {200}
    agent_codes = [
        client.get("livechat/visitors.search?term=", headers=agent).status_code
        for _ in range(11)
    ]
    assert agent_codes == [200] * 10 + [429]


def test_auth_and_permission_come_before_the_limit(
    limited: tuple[Sandbox, httpx.Client],
) -> None:
    sandbox, client = limited
    viewer = login(str(client.base_url.join("/")), "viewer")
    sandbox.limiter.reset()
    codes = [
        client.get("livechat/visitors.search?term=", headers=viewer).status_code
        for _ in range(12)
    ]
    codes += [
        client.get("livechat/visitors.search?term=").status_code for _ in range(3)
    ]
    assert codes == [403] * 12 + [401] * 3


def test_limit_is_off_by_default_and_switchable(
    demo_sandbox_url: str,
) -> None:
    with httpx.Client(base_url=demo_sandbox_url) as client:
        codes = [
            client.get(f"/api/v1/livechat/visitor/off-{i}").status_code
            for i in range(15)
        ]
    assert codes == [400] * 15


def test_runtime_switch_through_the_control_endpoint() -> None:
    app = create_sandbox_app(SandboxOptions(visitors=2, rooms=2, contacts=2))
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as client:
        assert (
            client.patch("/_sandbox/options", json={"rate_limit": True}).status_code
            == 200
        )
        codes = [
            client.get("/api/v1/livechat/visitor/x").status_code for _ in range(11)
        ]
        assert codes == [400] * 10 + [429]
        client.patch("/_sandbox/options", json={"rate_limit": False})
        assert client.get("/api/v1/livechat/visitor/x").status_code == 400


def test_window_restarts_after_it_ends() -> None:
    limiter = RateLimiter(window=0.2)
    verdicts = [limiter.hit("a", "GET x", 2).allowed for _ in range(3)]
    time.sleep(0.25)
    verdicts.append(limiter.hit("a", "GET x", 2).allowed)
    assert verdicts == [True, True, False, True]


@pytest.mark.parametrize(
    ("forwarded", "peer", "expected"),
    [
        pytest.param(None, "127.0.0.1", "127.0.0.1", id="peer"),
        pytest.param("1.1.1.1", "127.0.0.1", "1.1.1.1", id="one-hop"),
        pytest.param("9.9.9.9, 2.2.2.2 ", "127.0.0.1", "2.2.2.2", id="rightmost"),
        pytest.param(" , ", "127.0.0.1", "127.0.0.1", id="blank"),
    ],
)
def test_client_address(forwarded: str | None, peer: str, expected: str) -> None:
    assert client_address(forwarded, peer) == expected
