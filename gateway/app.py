"""create_app: the Starlette app serving `/graphql` and `/healthz`."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, TypedDict

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.config import Settings
from gateway.context import build_context
from gateway.cors import cors_middleware
from gateway.documents import PersistedDocuments
from gateway.graphiql import asset_routes
from gateway.schema import schema
from gateway.upstream.client import Upstream
from gateway.view import GraphQLView

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

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
) -> Starlette:
    """The gateway in front of the Rocket.Chat server at `upstream_url`.

    `demo_headers` (sandbox mode only) are the demo admin's credentials, kept
    on `app.state` for the GraphiQL page to pre-fill.
    """

    documents = PersistedDocuments.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with Upstream.open(upstream_url, settings) as upstream:
            try:
                yield {"upstream": upstream}
            finally:
                await documents.aclose()

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
    ]
    sandbox = settings.rocketchat_url is None or demo_headers is not None
    app = Starlette(
        routes=routes,
        middleware=cors_middleware(settings, sandbox=sandbox),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.upstream_url = upstream_url
    app.state.demo_headers = dict(demo_headers) if demo_headers else None
    return app


def app_from_environment() -> Starlette:
    """App factory for uvicorn workers: everything comes from the environment."""
    settings = Settings()
    if settings.rocketchat_url is None:
        raise RuntimeError("ROCKETCHAT_URL must be set for a worker process")
    return create_app(
        settings, str(settings.rocketchat_url), demo_headers=settings.demo_headers
    )
