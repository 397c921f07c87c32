"""create_app: the Starlette app serving `/graphql` and the operator endpoints."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.access import AccessMiddleware
from gateway.config import Settings, load_settings
from gateway.context import build_context
from gateway.cors import cors_middleware
from gateway.documents import PersistedDocuments
from gateway.graphiql import asset_routes
from gateway.probes import Readiness, metrics, readyz
from gateway.schema import schema
from gateway.telemetry.hub import Telemetry
from gateway.telemetry.metrics import Metrics
from gateway.telemetry.multiprocess import mark_process_dead
from gateway.telemetry.tracing import Tracing, provider_from_environment
from gateway.upstream.client import Upstream
from gateway.view import GraphQLView

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from opentelemetry.trace import TracerProvider
    from starlette.requests import Request


class State(TypedDict):
    """Lifespan state: what every request reaches as `request.state`."""

    upstream: Upstream


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the process serves requests (the upstream is not probed)."""
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings,
    upstream_url: str,
    *,
    demo_headers: Mapping[str, str] | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """The gateway in front of the Rocket.Chat server at `upstream_url`.

    `demo_headers` (sandbox mode only) are the demo admin's credentials, kept
    on `app.state` for the GraphiQL page to pre-fill. Spans go to
    `tracer_provider`, else to what the OTEL_* variables configure (none
    when they ask for nothing or the otel extra is missing).
    """
    owned_provider = None
    if tracer_provider is None:
        tracer_provider = owned_provider = provider_from_environment()
    collected = Metrics() if settings.metrics else None
    telemetry = Telemetry(
        collected, Tracing(tracer_provider) if tracer_provider is not None else None
    )

    documents = PersistedDocuments.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        try:
            async with Upstream.open(upstream_url, settings, telemetry) as upstream:
                try:
                    yield {"upstream": upstream}
                finally:
                    await documents.aclose()
        finally:
            if owned_provider is not None:
                owned_provider.shutdown()  # type: ignore[attr-defined]
            mark_process_dead()

    view = GraphQLView(
        schema,
        context_getter=build_context,
        graphiql=settings.graphiql,
        persist_headers=settings.graphiql_persist_headers,
        documents=documents,
    )
    routes = [
        # Every method reaches the view, which answers 405 as a JSON error.
        Route("/graphql", view),
        *asset_routes(),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    if collected is not None:
        routes.append(Route("/metrics", metrics, methods=["GET"]))
    sandbox = settings.rocketchat_url is None or demo_headers is not None
    app = Starlette(
        routes=routes,
        # Outermost first: the access line covers CORS preflights too.
        middleware=[
            Middleware(
                AccessMiddleware,
                telemetry=telemetry,
                forwarded_allow_ips=settings.forwarded_allow_ips,
            ),
            *cors_middleware(settings, sandbox=sandbox),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.upstream_url = upstream_url
    app.state.demo_headers = dict(demo_headers) if demo_headers else None
    app.state.telemetry = telemetry
    app.state.metrics = collected
    app.state.readiness = Readiness(settings.readiness_cache_seconds)
    return app


def app_from_environment() -> Starlette:
    """App factory for uvicorn workers: everything comes from the environment."""
    settings = load_settings()
    if settings.rocketchat_url is None:
        raise RuntimeError("ROCKETCHAT_URL must be set for a worker process")
    return create_app(
        settings, str(settings.rocketchat_url), demo_headers=settings.demo_headers
    )
