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

How a connection field is declared is in `gateway.schema.connections`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Annotated,
    Generic,
    TypeAlias,
    TypeVar,
)

import strawberry
from strawberry.relay import PageInfo

from gateway.errors import BadUserInputError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from gateway.config import Settings
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
