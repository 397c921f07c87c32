"""Prometheus metrics: one set per app, summed across workers in multiprocess mode.

With `serve --workers N`, PROMETHEUS_MULTIPROC_DIR is set before this module
is imported: every worker writes its samples there and a scrape of any
worker collects all of them. Otherwise each app has its own registry.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

from gateway.telemetry.multiprocess import multiprocess_mode

PREFIX = "rc_gateway"
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
CALL_BUCKETS = (0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500)

# `*_created` timestamps double the series and no dashboard reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]


class Metrics:
    """The gateway's counters, gauges and histograms, and their exposition."""

    def __init__(self) -> None:
        self.multiprocess = multiprocess_mode()
        registry = None if self.multiprocess else CollectorRegistry(auto_describe=True)
        self._registry = registry
        if registry is not None:
            for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
                registry.register(collector)
        self.requests = Counter(
            f"{PREFIX}_graphql_requests",
            "GraphQL requests answered, by operation type and outcome "
            "(success, partial: data with errors, error: no data).",
            ["operation_type", "outcome"],
            registry=registry,
        )
        self.request_duration = Histogram(
            f"{PREFIX}_graphql_request_duration_seconds",
            "Time from receiving a GraphQL request to its last byte sent.",
            ["operation_type"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            f"{PREFIX}_graphql_errors",
            "Errors in GraphQL responses, by extensions.code.",
            ["code"],
            registry=registry,
        )
        self.in_flight = Gauge(
            f"{PREFIX}_graphql_requests_in_flight",
            "GraphQL requests being answered now.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.upstream_requests = Counter(
            f"{PREFIX}_upstream_requests",
            "REST calls to Rocket.Chat, by method, route template and status class "
            "(2xx, 4xx, 5xx, or `error` when no answer came).",
            ["method", "route", "status_class"],
            registry=registry,
        )
        self.upstream_duration = Histogram(
            f"{PREFIX}_upstream_request_duration_seconds",
            "Duration of one REST call to Rocket.Chat.",
            ["method", "route"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.calls_per_request = Histogram(
            f"{PREFIX}_graphql_upstream_calls",
            "REST calls one GraphQL request made (`actual`) and, under demand "
            "control, was estimated to make (`estimated`).",
            ["kind"],
            buckets=CALL_BUCKETS,
            registry=registry,
        )
        self.rejections = Counter(
            f"{PREFIX}_demand_control_rejections",
            "GraphQL requests refused because their estimated cost was too high.",
            registry=registry,
        )

    def exposition(self) -> tuple[bytes, str]:
        """The text format of every sample (all workers' in multiprocess mode)."""
        registry = self._registry
        if registry is None:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
