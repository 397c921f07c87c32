"""The GraphQL HTTP endpoint: Strawberry's ASGI view with our context."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.asgi import GraphQL

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket
    from strawberry.schema import BaseSchema

    ContextGetter = Callable[
        [Request | WebSocket, Response | WebSocket], Awaitable[Any]
    ]


class GraphQLView(GraphQL[Any, None]):
    """Serves `/graphql`; `context_getter` builds each request's context."""

    def __init__(
        self, schema: BaseSchema, *, context_getter: ContextGetter, **options: Any
    ) -> None:
        super().__init__(schema, **options)
        self._context_getter = context_getter

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Any:
        return await self._context_getter(request, response)
