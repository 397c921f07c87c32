"""Fixtures: a stand-in schema behind GraphQLView, and the sandbox + gateway stack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest
import strawberry
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.routing import Route

from gateway.errors import UnauthenticatedError
from gateway.graphiql import asset_routes
from gateway.schema.errors import mask_errors
from gateway.serving import serve_in_thread
from gateway.view import GraphQLView
from tests.http.stack import serve_demo_gateway

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import Upstream


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"

    @strawberry.field
    def echo(self, n: int) -> int:
        return n

    @strawberry.field
    def secret(self) -> str:
        raise UnauthenticatedError("You must be logged in to do this.")

    @strawberry.field
    def lookalike(self) -> str | None:
        # Worded like a parse error: its code must come from what it is.
        raise GraphQLError("Syntax Error: not one, raised by a resolver.")


@strawberry.type
class Mutation:
    @strawberry.mutation
    def poke(self) -> int:
        return 1


# The gateway's error extension: it, not the view, codes GraphQL errors.
STANDIN_SCHEMA = strawberry.Schema(
    query=Query, mutation=Mutation, extensions=[mask_errors]
)


async def no_context(request: Any, response: Any) -> dict[str, Any]:
    return {}


def standin_app(*, graphiql: bool, **options: Any) -> Starlette:
    view = GraphQLView(
        STANDIN_SCHEMA, context_getter=no_context, graphiql=graphiql, **options
    )
    return Starlette(routes=[Route("/graphql", view), *asset_routes()])


@pytest.fixture(scope="session")
def standin() -> Iterator[httpx.Client]:
    """A client for GraphQLView over the stand-in schema, GraphiQL on."""
    with (
        serve_in_thread(standin_app(graphiql=True)) as url,
        httpx.Client(base_url=url) as client,
    ):
        yield client


@pytest.fixture(scope="session")
def standin_without_graphiql() -> Iterator[httpx.Client]:
    with (
        serve_in_thread(standin_app(graphiql=False)) as url,
        httpx.Client(base_url=url) as client,
    ):
        yield client


@pytest.fixture(scope="session")
def standin_without_get_queries() -> Iterator[httpx.Client]:
    """The stand-in with Strawberry's `allow_queries_via_get=False`."""
    with (
        serve_in_thread(standin_app(graphiql=True, allow_queries_via_get=False)) as url,
        httpx.Client(base_url=url) as client,
    ):
        yield client


@pytest.fixture(scope="session")
def stack(upstream: Upstream) -> Iterator[dict[str, Any]]:
    """The shared demo sandbox and a demo gateway in front of it."""
    with serve_demo_gateway(upstream.url) as urls:
        yield urls


@pytest.fixture
def gateway(stack: dict[str, Any]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack["gateway"]) as client:
        yield client
