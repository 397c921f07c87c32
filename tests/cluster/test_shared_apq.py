"""APQ across instances: two gateway processes behind nginx share one Redis;
when Redis goes away, lookups miss and everything else keeps working."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import TYPE_CHECKING, Any

import httpx

from tests.conftest import start_gateway

if TYPE_CHECKING:
    from tests.cluster.conftest import Cluster
    from tests.conftest import Upstream

NOT_FOUND = {
    "errors": [
        {
            "message": "PersistedQueryNotFound",
            "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
        }
    ]
}


def unique_query() -> str:
    name = f"Shared{uuid.uuid4().hex}"
    return (
        f"query {name} {{ rooms(first: 2) {{ totalCount nodes {{ rocketChatId }} }} }}"
    )


def persisted(query: str, *, with_query: bool) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    body: dict[str, Any] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    }
    if with_query:
        body["query"] = query
    return body


def post(url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_hash_registered_through_one_instance_is_served_by_the_other(
    cluster: Cluster, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    one, other = (gateway.url for gateway in cluster.gateways)
    query = unique_query()
    expected = post(one, {"query": query}, admin)
    assert "errors" not in expected

    assert post(other, persisted(query, with_query=False), admin) == NOT_FOUND
    assert post(one, persisted(query, with_query=True), admin) == expected
    assert post(other, persisted(query, with_query=False), admin) == expected

    # Through nginx, round robin: hash-only requests hit both instances.
    before = len(cluster.balancer.upstreams())
    answers = [
        post(cluster.balancer.url, persisted(query, with_query=False), admin)
        for _ in range(6)
    ]
    assert answers == [expected] * 6
    served_by = set(cluster.balancer.upstreams()[before:])
    assert served_by == {f"127.0.0.1:{g.port}" for g in cluster.gateways}


def test_without_redis_each_instance_keeps_its_own(
    upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    query = unique_query()
    with start_gateway(upstream.url) as one, start_gateway(upstream.url) as other:
        registered = post(one, persisted(query, with_query=True), admin)
        assert post(one, persisted(query, with_query=False), admin) == registered
        assert post(other, persisted(query, with_query=False), admin) == NOT_FOUND


def wait_for_hit(url: str, query: str, headers: dict[str, str]) -> Any:
    """Register `query` until a hash-only request finds it (Redis is back)."""
    deadline = time.monotonic() + 10
    while True:
        post(url, persisted(query, with_query=True), headers)
        hit = post(url, persisted(query, with_query=False), headers)
        if hit != NOT_FOUND or time.monotonic() > deadline:
            return hit
        time.sleep(0.2)


def test_redis_down_degrades_to_not_found(
    cluster: Cluster, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    url = cluster.balancer.url
    query = unique_query()
    expected = post(url, persisted(query, with_query=True), admin)
    assert post(url, persisted(query, with_query=False), admin) == expected

    cluster.redis.stop()
    try:
        # Each instance misses (clients then resend the query) ...
        misses = [
            post(url, persisted(query, with_query=False), admin) for _ in range(4)
        ]
        assert misses == [NOT_FOUND] * 4
        # ... and the resent query, plain queries and mutations all still run.
        resent = [post(url, persisted(query, with_query=True), admin) for _ in range(2)]
        assert resent == [expected] * 2
        assert post(url, {"query": query}, admin) == expected
        token = f"redis-down-{uuid.uuid4().hex}"
        mutation = (
            "mutation($token: String!) { registerVisitor(input: "
            '{token: $token, name: "Ada"}) { visitor { token } } }'
        )
        registered = post(
            url, {"query": mutation, "variables": {"token": token}}, admin
        )
        assert registered == {
            "data": {"registerVisitor": {"visitor": {"token": token}}}
        }
    finally:
        cluster.redis.start()
    # Redis is back (empty: it keeps nothing on disk): registration works again.
    fresh = unique_query()
    assert wait_for_hit(url, fresh, admin) == post(url, {"query": fresh}, admin)


def test_a_hung_redis_costs_its_timeout_not_the_request(
    cluster: Cluster, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    url = cluster.gateways[0].url
    query = unique_query()
    expected = post(url, persisted(query, with_query=True), admin)
    cluster.redis.pause(True)
    try:
        # GATEWAY_REDIS_TIMEOUT (0.5 s) runs out: a miss, and the query resent.
        assert post(url, persisted(query, with_query=False), admin) == NOT_FOUND
        assert post(url, persisted(query, with_query=True), admin) == expected
    finally:
        cluster.redis.pause(False)
    assert wait_for_hit(url, query, admin) == expected
