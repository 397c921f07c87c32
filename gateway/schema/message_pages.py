"""Message: a room's transcript, with cursors that survive new messages.

Rocket.Chat pages messages by offset only. Offsets counted from the oldest
message do not move when new messages arrive (they are appended), so every
cursor here holds the message's position in oldest-first order plus its id;
newest-first pages are read oldest-first and reversed. A page starting at a
cursor re-reads the cursor's own message and checks its id, so a deletion
that moved it is an error rather than a silently shifted page.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import strawberry
from strawberry.relay import PageInfo

from gateway.errors import BadUserInputError
from gateway.schema.messages import Message, MessageOrder

if TYPE_CHECKING:
    from gateway.config import Settings
    from gateway.schema.pagination import PageArgs
    from gateway.upstream.records import ChatMessageRecord, Page

CURSOR_PREFIX = "message:"
OLDEST_FIRST = {"ts": 1, "_id": 1}
NEWEST_FIRST = {"ts": -1, "_id": -1}


@strawberry.type(description="A message of a page, with its stable cursor.")
class MessageEdge:
    cursor: str = strawberry.field(
        description="Opaque; stays valid as new messages arrive."
    )
    node: Message


@strawberry.type(description="One page of a room's messages.")
class MessageConnection:
    edges: list[MessageEdge]
    nodes: list[Message]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Messages in the whole listing.")


def encode_cursor(position: int, message_id: str) -> str:
    return base64.b64encode(f"{CURSOR_PREFIX}{position}:{message_id}".encode()).decode()


def decode_cursor(cursor: str, argument: str) -> tuple[int, str]:
    """(oldest-first position, message id); BAD_USER_INPUT if not ours."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    position, _, message_id = text.removeprefix(CURSOR_PREFIX).partition(":")
    if (
        not text.startswith(CURSOR_PREFIX)
        or not position.isdigit()
        or len(position) > 9
        or not message_id
    ):
        raise BadUserInputError(
            f"`{argument}` is not a message cursor this API handed out.",
            argument=argument,
        )
    return int(position), message_id


MessageFetch = Callable[
    [int, int, dict[str, int]], Awaitable["Page[ChatMessageRecord]"]
]


@dataclass(frozen=True)
class MessageListing:
    """A room's messages, read by `fetch(offset, count, sort)`, in `order`."""

    fetch: MessageFetch
    order: MessageOrder

    async def connection(self, settings: Settings, args: PageArgs) -> MessageConnection:
        return await message_page(settings, self.fetch, self.order, args)


async def message_page(
    settings: Settings, fetch: MessageFetch, order: MessageOrder, args: PageArgs
) -> MessageConnection:
    """Resolve a message connection; `fetch(offset, count, sort)` is one call.

    In display order `after` moves away from the start (older messages when
    NEWEST_FIRST) and `before` towards it. One upstream call per page.
    """
    first, after, last, before = args.first, args.after, args.last, args.before
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= settings.max_page_size:
            raise BadUserInputError(
                f"`{name}` must be between 0 and {settings.max_page_size}.",
                argument=name,
            )
    if first is not None and last is not None:
        raise BadUserInputError("Give `first` or `last`, not both.", argument="last")
    if after is not None and before is not None:
        raise BadUserInputError(
            "Give `after` or `before`, not both.", argument="before"
        )
    anchor = None
    if after is not None:
        anchor = decode_cursor(after, "after")
    elif before is not None:
        anchor = decode_cursor(before, "before")
    size = last if last is not None else first
    if size is None:
        size = settings.default_page_size
    toward_start = last is not None or before is not None
    newest = order is MessageOrder.NEWEST_FIRST
    # In oldest-first positions: does the page run to higher positions?
    ascending = toward_start if newest else not toward_start

    if anchor is None:
        if toward_start:
            # `last` alone: the far end of the display order.
            sort = OLDEST_FIRST if newest else NEWEST_FIRST
        else:
            sort = NEWEST_FIRST if newest else OLDEST_FIRST
        page = await fetch(0, max(size, 1), sort)
        items = list(page.items[:size])
        total = page.total
        if sort is NEWEST_FIRST:
            positions = [total - 1 - i for i in range(len(items))]
        else:
            positions = list(range(len(items)))
    else:
        position, message_id = anchor
        if ascending:
            start, end = position, position + size + 1
        else:
            start, end = max(0, position - size), position + 1
        page = await fetch(start, end - start, OLDEST_FIRST)
        total = page.total
        got = list(page.items)
        at = position - start
        if at >= len(got) or got[at].id != message_id:
            raise BadUserInputError(
                "The message this cursor points at moved or is gone; "
                "start again from the first page.",
                argument="after" if after is not None else "before",
            )
        window = got[at + 1 :] if ascending else got[:at]
        positions = (
            [start + at + 1 + i for i in range(len(window))]
            if ascending
            else [start + i for i in range(len(window))]
        )
        items = window
        if not ascending:
            items, positions = items[::-1], positions[::-1]
        items, positions = items[:size], positions[:size]

    # `items` now runs away from the anchor (or from the listing's end).
    pairs = list(zip(items, positions, strict=True))
    if toward_start:
        pairs.reverse()  # display order
    edges = [
        MessageEdge(cursor=encode_cursor(p, m.id), node=Message.from_record(m))
        for m, p in pairs
    ]
    display = [p for _, p in pairs]

    def before_display(p: int) -> bool:
        """True when something precedes position p in display order."""
        return p < total - 1 if newest else p > 0

    def after_display(p: int) -> bool:
        return p > 0 if newest else p < total - 1

    if display:
        has_previous = before_display(display[0])
        has_next = after_display(display[-1])
    else:
        has_previous = anchor is not None and not toward_start
        has_next = anchor is not None and toward_start
    return MessageConnection(
        edges=edges,
        nodes=[e.node for e in edges],
        page_info=PageInfo(
            has_previous_page=has_previous,
            has_next_page=has_next,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
