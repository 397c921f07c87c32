"""One redis-server, two gateway processes sharing it, nginx in front."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests.cluster.servers import GatewayProcess, Nginx, RedisServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Stack, Upstream


@dataclass
class Cluster:
    redis: RedisServer
    gateways: list[GatewayProcess]
    balancer: Nginx


@pytest.fixture(scope="session")
def upstream(writable: Stack) -> Upstream:
    """The cluster registers visitors, so it fronts the writable sandbox."""
    return writable.upstream


@pytest.fixture(scope="session")
def users(writable: Stack) -> dict[str, dict[str, str]]:
    return writable.users


@pytest.fixture(scope="module")
def cluster(
    upstream: Upstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("cluster")
    redis = RedisServer(directory)
    redis.start()
    environment = {"ROCKETCHAT_URL": upstream.url, "GATEWAY_REDIS_URL": redis.url}
    gateways = [GatewayProcess(directory, environment) for _ in range(2)]
    balancer = None
    try:
        for gateway in gateways:
            gateway.wait_ready()
        balancer = Nginx(directory, [gateway.port for gateway in gateways])
        yield Cluster(redis, gateways, balancer)
    finally:
        if balancer is not None:
            balancer.stop()
        for gateway in gateways:
            gateway.stop()
        redis.stop()
