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
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Generic, TypeAlias, TypeVar

import strawberry
from strawberry.relay import PageInfo

from gateway.errors import BadUserInputError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from gateway.config import Settings
    from gateway.upstream.records import Page

NodeT = TypeVar("NodeT")
R = TypeVar("R")
CURSOR_PREFIX = "offset:"

First: TypeAlias = Annotated[
    int | None,
    strawberry.argument(
        description="Page forward: at most this many items (default 25, max 100)."
    ),
]
After: TypeAlias = Annotated[
    str | None,
    strawberry.argument(description="Start after the item with this cursor."),
]
Last: TypeAlias = Annotated[
    int | None,
    strawberry.argument(description="Page backward: at most this many items."),
]
Before: TypeAlias = Annotated[
    str | None,
    strawberry.argument(description="End before the item with this cursor."),
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


async def paginate(
    settings: Settings,
    fetch: Callable[[int, int], Awaitable[Page[R]]],
    convert: Callable[[R], NodeT],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    complete: Callable[[list[R]], Awaitable[list[R]]] | None = None,
) -> Connection[NodeT]:
    """Resolve a connection field: arguments → window → upstream → page.

    `complete`, if given, may replace the listed records with fuller ones
    (when the listing leaves out fields the query asked for).
    """
    win = window(
        first=first,
        after=after,
        last=last,
        before=before,
        default_size=settings.default_page_size,
        max_size=settings.max_page_size,
    )
    items, offset, total = await fetch_window(win, fetch)
    if complete is not None and items:
        items = await complete(items)
    return Connection.of([convert(item) for item in items], offset, total)
