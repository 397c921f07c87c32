"""Helpers shared by the gateway's end-to-end tests: REST reads, log maths,
the event loops to run on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# asyncio's own event loop and uvloop (what `rc-gateway serve` runs on when it
# is installed): their transports differ. `pytestmark = pytest.mark.parametrize(
# "anyio_backend", EVENT_LOOPS)` runs a module's tests on both.
EVENT_LOOPS = [
    pytest.param(("asyncio", {}), id="asyncio"),
    pytest.param(("asyncio", {"use_uvloop": True}), id="uvloop"),
]


def rest(
    base_url: str,
    path: str,
    headers: dict[str, str],
    params: Any = None,
) -> dict[str, Any]:
    """GET a sandbox REST endpoint directly, as the baseline to compare with."""
    response = httpx.get(f"{base_url}/api/v1/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def rest_ids(
    base_url: str,
    path: str,
    key: str,
    headers: dict[str, str],
    params: Sequence[tuple[str, str | int]] = (),
) -> tuple[list[str], int]:
    """Every id of a REST listing (paged by 100) and its total."""
    ids: list[str] = []
    total = None
    while total is None or len(ids) < total:
        body = rest(
            base_url,
            path,
            headers,
            [*params, ("offset", len(ids)), ("count", 100)],
        )
        total = body["total"]
        page = [item["_id"] for item in body[key]]
        if not page:
            break
        ids.extend(page)
    return ids, total or 0


def round_trips(calls: Iterable[Any]) -> int:
    """Length of the longest chain of calls each started after the last finished.

    Calls made concurrently share a level; calls that had to wait for an
    earlier one (a dependency or a fan-out slot) add one.
    """
    ordered = sorted(calls, key=lambda c: c.started)
    depth: list[int] = []
    for i, call in enumerate(ordered):
        before = [depth[j] for j in range(i) if ordered[j].finished <= call.started]
        depth.append(1 + max(before, default=0))
    return max(depth, default=0)


def max_in_flight(calls: Iterable[Any]) -> int:
    """The most calls that were in progress at the same instant."""
    events = sorted(
        [(c.started, 1) for c in calls] + [(c.finished, -1) for c in calls],
        key=lambda event: (event[0], event[1]),
    )
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


def node_ids(connection: dict[str, Any]) -> list[str]:
    return [node["rocketChatId"] for node in connection["nodes"]]
