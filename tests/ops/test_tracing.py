"""Tracing: a span per request and per REST call, W3C trace context in and out."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.app import create_app
from gateway.config import Settings
from gateway.serving import serve_in_thread
from gateway.telemetry.tracing import provider_from_environment, requested

if TYPE_CHECKING:
    from collections.abc import Iterator

    from opentelemetry.sdk.trace import ReadableSpan
    from starlette.requests import Request

    from tests.conftest import Upstream

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"
QUERY = """
query Rooms($term: String!) {
  rooms(first: 2) { nodes { visitor { name } } }
  visitors(term: $term, first: 1) { totalCount }
}
"""


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


def tree(spans: tuple[ReadableSpan, ...]) -> list[tuple[int, str]]:
    """(depth, name) in depth-first order, children sorted by name."""
    by_parent: dict[int | None, list[ReadableSpan]] = {}
    ids = {span.context.span_id for span in spans}
    for span in spans:
        parent = span.parent.span_id if span.parent else None
        by_parent.setdefault(parent if parent in ids else None, []).append(span)
    lines: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for span in sorted(by_parent.get(parent, []), key=lambda s: s.name):
            lines.append((depth, span.name))
            walk(span.context.span_id, depth + 1)

    walk(None, 0)
    return lines


def test_span_tree_of_one_request(
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    app = create_app(Settings(), upstream.url, tracer_provider=provider)
    with serve_in_thread(app) as url:
        response = httpx.post(
            f"{url}/graphql",
            json={"query": QUERY, "variables": {"term": "secret-term"}},
            headers={**users["admin"], "traceparent": TRACEPARENT},
        )
    assert response.status_code == 200
    assert "errors" not in response.json()
    spans = exporter.get_finished_spans()
    server = next(span for span in spans if span.kind == SpanKind.SERVER)
    clients = [span for span in spans if span.kind == SpanKind.CLIENT]
    visitor_lookups = sum(
        span.name == "GET /api/v1/livechat/visitors.info" for span in clients
    )
    assert tree(spans) == [
        (0, "query Rooms"),
        (1, "GET /api/v1/livechat/rooms"),
        *[(1, "GET /api/v1/livechat/visitors.info")] * visitor_lookups,
        (1, "GET /api/v1/livechat/visitors.search"),
    ]
    assert visitor_lookups >= 1
    assert f"{server.context.trace_id:032x}" == TRACE_ID
    assert server.parent is not None
    assert f"{server.parent.span_id:016x}" == PARENT_ID
    assert dict(server.attributes or {}) == {
        "http.request.method": "POST",
        "url.path": "/graphql",
        "http.route": "/graphql",
        "graphql.operation.name": "Rooms",
        "graphql.operation.type": "query",
        "rc_gateway.upstream_calls": len(clients),
        "rc_gateway.request_id": response.headers["x-request-id"],
        "http.response.status_code": 200,
    }
    rooms = next(span for span in clients if "rooms" in span.name)
    assert dict(rooms.attributes or {}) == {
        "http.request.method": "GET",
        "url.template": "/api/v1/livechat/rooms",
        "http.response.status_code": 200,
    }
    everything = repr([dict(span.attributes or {}) for span in spans])
    assert "secret-term" not in everything
    assert users["admin"]["X-Auth-Token"] not in everything


def test_trace_context_is_propagated_to_rocketchat(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    seen: list[str | None] = []

    async def rooms(request: Request) -> JSONResponse:
        seen.append(request.headers.get("traceparent"))
        return JSONResponse(
            {"rooms": [], "count": 0, "offset": 0, "total": 0, "success": True}
        )

    fake = Starlette(routes=[Route("/api/v1/livechat/rooms", rooms)])
    with serve_in_thread(fake) as fake_url:
        app = create_app(Settings(), fake_url, tracer_provider=provider)
        with serve_in_thread(app) as url:
            httpx.post(
                f"{url}/graphql",
                json={"query": "{ rooms { totalCount } }"},
                headers={
                    "X-Auth-Token": "t",
                    "X-User-Id": "u",
                    "traceparent": TRACEPARENT,
                },
            )
    (client,) = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.CLIENT]
    assert seen == [f"00-{TRACE_ID}-{client.context.span_id:016x}-01"]


def test_failed_upstream_call_is_an_error_span(
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    knobs: Any,
) -> None:
    app = create_app(Settings(), upstream.url, tracer_provider=provider)
    with serve_in_thread(app) as url:
        knobs.update_knobs({"fault_rate": 1.0, "fault_kind": "500"})
        httpx.post(
            f"{url}/graphql",
            json={"query": "{ rooms { totalCount } }"},
            headers=users["admin"],
        )
    (client,) = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.CLIENT]
    assert client.status.is_ok is False
    assert (client.attributes or {})["rc_gateway.error_code"] == "UPSTREAM_ERROR"
    assert (client.attributes or {})["http.response.status_code"] == 500


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        (
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
                "OTEL_SDK_DISABLED": "true",
            },
            False,
        ),
    ],
)
def test_standard_variables_turn_tracing_on(environ: dict[str, str], on: bool) -> None:
    assert requested(environ) is on


def test_without_configuration_tracing_is_off_and_not_loaded(
    upstream: Upstream,
) -> None:
    # redis-py imports opentelemetry's API for its own optional hooks; the
    # gateway's tracing (SDK, propagators) is never loaded when unconfigured.
    script = (
        "import sys, httpx\n"
        "from gateway.app import create_app\n"
        "from gateway.config import Settings\n"
        "from gateway.serving import serve_in_thread\n"
        f"app = create_app(Settings(), {upstream.url!r})\n"
        "assert app.state.telemetry.tracing is None\n"
        "with serve_in_thread(app) as url:\n"
        "    assert httpx.get(url + '/readyz').status_code == 200\n"
        "loaded = ('opentelemetry.sdk.trace', 'opentelemetry.propagate')\n"
        "print([name for name in loaded if name in sys.modules])\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": ""},
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout == "[]\n"


def test_console_exporter_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "chat-edge")
    provider = provider_from_environment()
    assert isinstance(provider, TracerProvider)
    assert provider.resource.attributes["service.name"] == "chat-edge"
    provider.shutdown()
