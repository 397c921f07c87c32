"""Declaring a connection field: once, the same way for every resource.

A connection field's resolver takes only the field's own arguments (filters,
`orderBy`) and returns a `Listing`; `connection(...)` adds the Relay
arguments `first/after/last/before` (a Strawberry field extension) and turns
the listing into the page asked for (`gateway.schema.pagination`). Most
listings are one upstream list call (`upstream_listing`); a room's messages
page by their own stable cursors (`gateway.schema.messages`). An ordering,
if the field has one, is an `Order` (`gateway.schema.ordering`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Optional, Protocol, TypeVar

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions import FieldExtension
from strawberry.types.arguments import StrawberryArgument

from gateway.schema.pagination import PAGE_ARGUMENTS, Connection, PageArgs, fetch_window

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from strawberry.extensions.field_extension import AsyncExtensionResolver
    from strawberry.types.field import StrawberryField

    from gateway.config import Settings
    from gateway.context import Info
    from gateway.upstream.records import Page

NodeT = TypeVar("NodeT")
NodeT_co = TypeVar("NodeT_co", covariant=True)
R = TypeVar("R")


class Listing(Protocol[NodeT_co]):
    """What a connection field's resolver returns: something that can page."""

    async def connection(self, settings: Settings, args: PageArgs) -> Any: ...


@dataclass(frozen=True)
class OffsetListing(Generic[R, NodeT]):
    """A listing read by `fetch(offset, count)`, each record made a node.

    `complete`, if given, may replace the listed records with fuller ones
    (when the listing leaves out fields the query asked for).
    """

    fetch: Callable[[int, int], Awaitable[Page[R]]]
    convert: Callable[[R], NodeT]
    complete: Callable[[list[R]], Awaitable[list[R]]] | None = None

    async def connection(self, settings: Settings, args: PageArgs) -> Connection[NodeT]:
        items, offset, total = await fetch_window(args.window(settings), self.fetch)
        if self.complete is not None and items:
            items = await self.complete(items)
        return Connection.of([self.convert(item) for item in items], offset, total)


def upstream_listing(
    info: Info,
    call: Callable[..., Awaitable[Page[R]]],
    query: object,
    convert: Callable[[R], NodeT],
    *,
    sort: dict[str, int] | None = None,
    complete: Callable[[list[R]], Awaitable[list[R]]] | None = None,
    **options: Any,
) -> OffsetListing[R, NodeT]:
    """A listing over one upstream list call, with the caller's credentials.

    `call(upstream, credentials, query, offset=, count=, sort=, **options)`
    is one of `gateway.upstream`'s list functions; `query` its filter.
    """
    ctx = info.context

    async def fetch(offset: int, count: int) -> Page[R]:
        return await call(
            ctx.upstream,
            ctx.credentials,
            query,
            offset=offset,
            count=count,
            sort=sort,
            **options,
        )

    return OffsetListing(fetch, convert, complete)


class EmptyListing:
    """A listing known to hold nothing, answered without a call."""

    async def connection(self, settings: Settings, args: PageArgs) -> Connection[Any]:
        return Connection.of([], 0, 0)


EMPTY = EmptyListing()


class PageArguments(FieldExtension):
    """Adds `first/after/last/before` to a field and pages its `Listing`.

    The arguments go before `orderBy` when the field has one, else last, so
    every connection reads `(filters..., first, after, last, before, orderBy)`.
    """

    def apply(self, field: StrawberryField) -> None:
        paging = [
            StrawberryArgument(
                python_name=name,
                graphql_name=None,
                type_annotation=StrawberryAnnotation(Optional[kind]),  # noqa: UP045
                description=description,
                default=None,
            )
            for name, kind, description in PAGE_ARGUMENTS
        ]
        names = [argument.python_name for argument in field.arguments]
        at = names.index("order_by") if "order_by" in names else len(names)
        field.arguments = [*field.arguments[:at], *paging, *field.arguments[at:]]

    async def resolve_async(
        self,
        next_: AsyncExtensionResolver,
        source: Any,
        info: Info,
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        **kwargs: Any,
    ) -> Any:
        listing = next_(source, info, **kwargs)
        if inspect.isawaitable(listing):
            listing = await listing
        args = PageArgs(first=first, after=after, last=last, before=before)
        return await listing.connection(info.context.settings, args)


def connection(graphql_type: Any, *, description: str) -> Any:
    """A connection field of `graphql_type` (nullable) over its resolver's Listing.

    The resolver returns a `Listing`; the field's GraphQL type is the given
    connection, so the resolver's own return annotation is not the schema's.
    """
    return strawberry.field(
        graphql_type=Optional[graphql_type],  # noqa: UP045
        description=description,
        extensions=[PageArguments()],
    )
