"""/metrics after known traffic: exact counts by operation, outcome, code and route."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import GraphQLClient, start_gateway
from tests.ops.metrics_support import matching, scrape, value
from tests.test_serve import serving

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Stack, Upstream

P = "rc_gateway_"


@pytest.fixture
def own_gateway(writable: Stack) -> Iterator[str]:
    """A gateway of its own, so no other test's traffic is in its metrics (in
    front of the writable sandbox: the traffic records a page visit)."""
    with start_gateway(writable.upstream.url) as url:
        yield url


@pytest.mark.anyio
async def test_counts_after_known_traffic(
    own_gateway: str, writable: Stack, writable_knobs: Any
) -> None:
    gql = GraphQLClient(own_gateway)
    upstream, admin, knobs = writable.upstream, writable.users["admin"], writable_knobs
    ok = await gql(
        "query Rooms { rooms(first: 3) { nodes { visitor { name } } } }",
        headers=admin,
    )
    assert "errors" not in ok
    ok_calls = len(upstream.calls(gql.request_id))
    await gql("query Anonymous { rooms(first: 1) { totalCount } }")
    await gql('{ visitorByToken(token: "no-such-token") { id } }')
    await gql("{ rooms(first: 1) { nope } }", headers=admin)
    await gql("{ rooms(first: ", headers=admin)
    await gql(
        'mutation { recordPageVisit(input: {token: "x", roomId: "y", '
        'change: "url", title: "t", url: "https://example.com"}) { recorded } }'
    )
    knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "500"})
    failed = await gql("{ rooms(first: 1) { totalCount } }", headers=admin)
    knobs.update_knobs({"fault_rate": 0.0})
    assert failed["errors"][0]["extensions"]["code"] == "UPSTREAM_ERROR"
    httpx.put(f"{own_gateway}/graphql")
    httpx.get(f"{own_gateway}/healthz")

    samples = scrape(own_gateway)
    assert matching(samples, f"{P}graphql_requests_total") == {
        frozenset({("operation_type", "query"), ("outcome", "success")}): 1,
        frozenset({("operation_type", "query"), ("outcome", "partial")}): 3,
        frozenset({("operation_type", "query"), ("outcome", "error")}): 1,
        frozenset({("operation_type", "unknown"), ("outcome", "error")}): 2,
        frozenset({("operation_type", "mutation"), ("outcome", "success")}): 1,
    }
    assert matching(samples, f"{P}graphql_errors_total") == {
        frozenset({("code", "UNAUTHENTICATED")}): 1,
        frozenset({("code", "NOT_FOUND")}): 1,
        frozenset({("code", "GRAPHQL_VALIDATION_FAILED")}): 1,
        frozenset({("code", "GRAPHQL_PARSE_FAILED")}): 1,
        frozenset({("code", "UPSTREAM_ERROR")}): 1,
        frozenset({("code", "METHOD_NOT_ALLOWED")}): 1,
    }
    assert (
        value(
            samples,
            f"{P}graphql_request_duration_seconds_count",
            operation_type="query",
        )
        == 5
    )
    assert value(samples, f"{P}graphql_requests_in_flight") == 0
    rooms = {"method": "GET", "route": "/api/v1/livechat/rooms"}
    assert (
        value(samples, f"{P}upstream_requests_total", **rooms, status_class="2xx") == 1
    )
    assert (
        value(samples, f"{P}upstream_requests_total", **rooms, status_class="5xx") == 1
    )
    assert value(samples, f"{P}upstream_request_duration_seconds_count", **rooms) == 2
    by_token = {"method": "GET", "route": "/api/v1/livechat/visitor/:token"}
    assert (
        value(samples, f"{P}upstream_requests_total", **by_token, status_class="4xx")
        == 1
    )
    visitors = {"method": "GET", "route": "/api/v1/livechat/visitors.info"}
    assert (
        value(samples, f"{P}upstream_requests_total", **visitors, status_class="2xx")
        == ok_calls - 1
    )
    assert not any("no-such-token" in str(key) for key in samples)
    actual = {"kind": "actual"}
    assert value(samples, f"{P}graphql_upstream_calls_count", **actual) == 8
    assert value(samples, f"{P}graphql_upstream_calls_sum", **actual) == ok_calls + 3
    page_visited = {"method": "POST", "route": "/api/v1/livechat/page.visited"}
    assert (
        value(
            samples, f"{P}upstream_requests_total", **page_visited, status_class="2xx"
        )
        == 1
    )
    assert value(samples, f"{P}graphql_upstream_calls_bucket", **actual, le="0.0") == 4
    assert value(samples, f"{P}demand_control_rejections_total") == 0


def test_workers_share_one_set_of_metrics(
    upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    env = {"ROCKETCHAT_URL": upstream.url}
    requests = 12
    with serving("--workers", "2", env=env) as (url, _):
        for _ in range(requests):
            response = httpx.post(
                f"{url}/graphql",
                json={"query": "query Count { rooms(first: 1) { totalCount } }"},
                headers=users["admin"],
            )
            assert response.status_code == 200
        # New connections land on either worker; every scrape sums both.
        scrapes = [scrape(url) for _ in range(4)]
    for samples in scrapes:
        assert (
            value(
                samples,
                f"{P}graphql_requests_total",
                operation_type="query",
                outcome="success",
            )
            == requests
        )
        assert (
            value(
                samples,
                f"{P}upstream_requests_total",
                method="GET",
                route="/api/v1/livechat/rooms",
                status_class="2xx",
            )
            == requests
        )
