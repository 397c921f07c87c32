"""Route templates: what logs, metrics and spans name instead of concrete paths."""

from __future__ import annotations

import pytest

from gateway.sandbox.http.routing import ROUTES as SANDBOX_ROUTES
from gateway.upstream.client import segment
from gateway.upstream.routes import ROUTES, UNKNOWN_ROUTE, route_of


def test_every_template_is_a_route_rocketchat_has() -> None:
    sandbox = {route.path for route in SANDBOX_ROUTES}
    assert set(ROUTES) <= sandbox
    assert sandbox - set(ROUTES) == {"login", "logout", "me"}


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("livechat/rooms", "/api/v1/livechat/rooms"),
        (f"livechat/visitor/{segment('tok/en?x')}", "/api/v1/livechat/visitor/:token"),
        (
            "livechat/visitors.chatHistory/room/R1/visitor/V1",
            "/api/v1/livechat/visitors.chatHistory/room/:roomId/visitor/:visitorId",
        ),
        (
            "livechat/visitors.pagesVisited/R9",
            "/api/v1/livechat/visitors.pagesVisited/:roomId",
        ),
        ("livechat/visitor", "/api/v1/livechat/visitor"),
        ("livechat/secret-token", UNKNOWN_ROUTE),
        ("livechat/visitor/a/b", UNKNOWN_ROUTE),
    ],
)
def test_route_of(path: str, template: str) -> None:
    assert route_of(path) == template
