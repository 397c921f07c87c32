"""Relay connections over offset/count listings: cursors, windows, page info.

A cursor is opaque base64 of an item's offset in the listing. `first/after`
and `last/before` map to one upstream window (`offset`, `count`) by the pure
function `window`; `totalCount` and both `has...Page` flags come from the
upstream `total`.

`last` without `before` (and without `first`) is the one case where the window
depends on the total, which only the upstream knows. The gateway then asks
for the first `last` items past `after`: if the listing turns out to hold no
more than that, the answer is already complete (one call); otherwise a second
call fetches the true tail. No other argument combination makes two calls.

A connection field is declared once, the same way for every resource: its
resolver takes only the field's own arguments (filters, `orderBy`) and returns
a `Listing`; `connection(...)` adds `first/after/last/before` (a Strawberry
field extension) and turns the listing into the page asked for. Its
ordering, if any, is an `Order` (gateway.schema.ordering).
"""

from __future__ import annotations

import base64
import binascii
import inspect
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Generic,
    Optional,
    Protocol,
    TypeAlias,
    TypeVar,
)

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions import FieldExtension
from strawberry.relay import PageInfo
from strawberry.types.arguments import StrawberryArgument

from gateway.errors import BadUserInputError

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
CURSOR_PREFIX = "offset:"

# The Relay arguments every connection field takes, in this order, with these
# descriptions (the descriptions are read by `PageArguments`).
PAGE_ARGUMENTS: tuple[tuple[str, type, str], ...] = (
    ("first", int, "Page forward: at most this many items (default 25, max 100)."),
    ("after", str, "Start after the item with this cursor."),
    ("last", int, "Page backward: at most this many items."),
    ("before", str, "End before the item with this cursor."),
)

DESCRIPTIONS = {name: description for name, _, description in PAGE_ARGUMENTS}
First: TypeAlias = Annotated[
    int | None, strawberry.argument(description=DESCRIPTIONS["first"])
]
After: TypeAlias = Annotated[
    str | None, strawberry.argument(description=DESCRIPTIONS["after"])
]


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, argument: str) -> int:
    """The offset inside `cursor`; BAD_USER_INPUT when it is not one of ours."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    digits = text.removeprefix(CURSOR_PREFIX)
    if not text.startswith(CURSOR_PREFIX) or not digits.isdigit() or len(digits) > 9:
        raise BadUserInputError(
            f"`{argument}` is not a cursor this API handed out.", argument=argument
        )
    return int(digits)


@dataclass(frozen=True)
class Window:
    """A slice `[start, end)` of a listing; `end` None means "ends at the total".

    `tail` is set when only the last `tail` items before `end` are wanted and
    `end` is unknown until the total is.
    """

    start: int
    end: int | None
    tail: int | None = None


def window(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    default_size: int,
    max_size: int,
) -> Window:
    """Turn Relay arguments into a Window; raise BAD_USER_INPUT on bad ones."""
    for name, size in (("first", first), ("last", last)):
        if size is not None and size < 0:
            raise BadUserInputError(f"`{name}` must not be negative.", argument=name)
        if size is not None and size > max_size:
            raise BadUserInputError(
                f"`{name}` may be at most {max_size}, got {size}.", argument=name
            )
    start = decode_cursor(after, "after") + 1 if after is not None else 0
    end = decode_cursor(before, "before") if before is not None else None
    if end is not None:
        end = max(end, start)
    if first is None and last is None:
        first = default_size
    if first is not None:
        end = start + first if end is None else min(end, start + first)
    if last is not None:
        if end is None:
            return Window(start=start, end=None, tail=last)
        start = max(start, end - last)
    return Window(start=start, end=end)


async def fetch_window(
    win: Window, fetch: Callable[[int, int], Awaitable[Page[R]]]
) -> tuple[list[R], int, int]:
    """Fetch `win` with `fetch(offset, count)`: (items, offset of first, total).

    One call, except `last` without `before` over a listing longer than
    `last` (see the module docstring). A zero-sized window still asks for one
    item, because `count=0` means "no limit" upstream.
    """
    if win.end is None:
        size = win.tail or 0
        probe = await fetch(win.start, max(size, 1))
        if probe.total - win.start <= size:
            return list(probe.items[:size]), win.start, probe.total
        offset = max(win.start, probe.total - size)
        page = await fetch(offset, size)
        return list(page.items[:size]), offset, page.total
    size = win.end - win.start
    page = await fetch(win.start, max(size, 1))
    return list(page.items[:size]), win.start, page.total


@strawberry.type(description="An item of a page, with the cursor pointing at it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(
        description="Opaque; pass to `after` or `before` to page from this item."
    )
    node: NodeT


@strawberry.type(
    description=(
        "One page of a listing. `totalCount` counts the whole listing, "
        "whatever page this is."
    )
)
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    nodes: list[NodeT] = strawberry.field(description="The page's items, in order.")
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many items match, across all pages."
    )

    @classmethod
    def of(cls, items: list[NodeT], offset: int, total: int) -> Connection[NodeT]:
        edges = [
            Edge(cursor=encode_cursor(offset + i), node=node)
            for i, node in enumerate(items)
        ]
        return cls(
            edges=edges,
            nodes=items,
            page_info=PageInfo(
                has_previous_page=offset > 0 and total > 0,
                has_next_page=offset + len(items) < total,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )


@dataclass(frozen=True)
class PageArgs:
    """The Relay arguments of one connection field, as the client sent them."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def window(self, settings: Settings) -> Window:
        return window(
            first=self.first,
            after=self.after,
            last=self.last,
            before=self.before,
            default_size=settings.default_page_size,
            max_size=settings.max_page_size,
        )


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
