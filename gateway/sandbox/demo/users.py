"""The demo accounts every generated data set has, their password, and logging in.

The one place the demo credentials are spelled: the seed creates these users,
`rc-gateway serve` and `rc-gateway sandbox` print them, tests and benchmarks
log in with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoUser:
    """A demo account printed at start and documented in the README."""

    username: str
    name: str
    roles: tuple[str, ...]


DEMO_USERS = (
    DemoUser("admin", "Ada Admin", ("admin",)),
    DemoUser("agent", "Alex Agent", ("user", "livechat-agent")),
    DemoUser("viewer", "Vic Viewer", ("user",)),
    DemoUser("agent.two", "Sam Support", ("user", "livechat-agent")),
    DemoUser("agent.three", "Kim Kowalski", ("user", "livechat-agent")),
)
# The three the start-up banners and the README introduce, one per role.
FEATURED_USERS = tuple(demo.username for demo in DEMO_USERS[:3])


def login(
    base_url: str, user: str = "admin", password: str = DEMO_PASSWORD
) -> dict[str, str]:
    """Log in as Rocket.Chat's `POST /api/v1/login` wants; the two auth headers.

    `base_url` is the server's root (no `/api/v1`). Raises httpx.HTTPStatusError
    when the login is refused.
    """
    response = httpx.post(
        base_url.rstrip("/") + "/api/v1/login",
        json={"user": user, "password": password},
        timeout=10,
    )
    response.raise_for_status()
    data = response.json()["data"]
    return {"X-Auth-Token": data["authToken"], "X-User-Id": data["userId"]}
