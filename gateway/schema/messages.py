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
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.relay import PageInfo

from gateway.context import Info
from gateway.errors import BadUserInputError
from gateway.schema import refs
from gateway.schema.common import User
from gateway.upstream.records import ChatMessageRecord, VisitorRecord

if TYPE_CHECKING:
    from gateway.config import Settings
    from gateway.schema.pagination import PageArgs
    from gateway.schema.visitors import Visitor
    from gateway.upstream.records import Page

VisitorType = Annotated["Visitor", strawberry.lazy("gateway.schema.visitors")]

CURSOR_PREFIX = "message:"
OLDEST_FIRST = {"ts": 1, "_id": 1}
NEWEST_FIRST = {"ts": -1, "_id": -1}


@strawberry.enum(description="What a message is: written text or a system event.")
class MessageKind(Enum):
    TEXT = "text"
    CHAT_STARTED = "livechat-started"
    AGENT_JOINED = "uj"
    AGENT_LEFT = "ul"
    COMMAND = "command"
    TRANSFERRED = "livechat_transfer_history"
    CLOSED = "livechat-close"
    PAGE_VISITED = "livechat_navigation_history"
    OTHER = "other"


KNOWN_KINDS = {kind.value for kind in MessageKind}


@strawberry.enum(description="Which end of the transcript a page starts from.")
class MessageOrder(Enum):
    NEWEST_FIRST = "newest"
    OLDEST_FIRST = "oldest"


@strawberry.type(description="A file or link preview attached to a message.")
class Attachment:
    title: str | None
    title_link: str | None = strawberry.field(description="Where the file is.")
    description: str | None
    type: str | None = strawberry.field(description="Rocket.Chat's attachment type.")
    image_url: str | None


@strawberry.type(
    description=(
        "One message of a room: text someone wrote, or a system event "
        "(`kind` other than TEXT). The visitor's token is never included."
    )
)
class Message:
    rocket_chat_id: str = strawberry.field(description="The message's `_id`.")
    text: str = strawberry.field(
        description="The text; for a closing, the comment; empty for most events."
    )
    created_at: datetime | None = strawberry.field(graphql_type=datetime)
    edited_at: datetime | None
    kind: MessageKind = strawberry.field(
        description="TEXT for written messages; kinds this API does not know: OTHER."
    )
    system_type: str | None = strawberry.field(
        description="Rocket.Chat's raw message type (`t`); null for TEXT."
    )
    by_visitor: bool = strawberry.field(
        description="True when the visitor wrote (or caused) it; `author` is then "
        "the visitor's user-shaped reference."
    )
    alias: str | None = strawberry.field(
        description="The visitor's name as shown on its messages."
    )
    attachments: list[Attachment]
    author_ref: strawberry.Private[ChatMessageRecord]

    @strawberry.field(description="Who wrote it, when an agent or another user did.")
    def author(self) -> User | None:
        record = self.author_ref
        return None if record.from_visitor else User.from_record(record.author)

    @strawberry.field(
        description=(
            "The visitor, when the visitor wrote it: its id and username come "
            "with the message, other fields cost a lookup (agents only)."
        )
    )
    async def visitor(self, info: Info) -> VisitorType | None:
        author = self.author_ref.author
        if not self.author_ref.from_visitor or author is None or not author.id:
            return None
        mention = VisitorRecord(id=author.id, username=author.username)
        return await refs.visitor(info, mention, refs.EMBEDDED_VISITOR_FIELDS)

    @classmethod
    def from_record(cls, record: ChatMessageRecord) -> Message:
        kind = record.type or "text"
        return cls(
            rocket_chat_id=record.id,
            text=record.text,
            created_at=record.created_at,
            edited_at=record.edited_at,
            kind=MessageKind(kind) if kind in KNOWN_KINDS else MessageKind.OTHER,
            system_type=record.type,
            by_visitor=record.from_visitor,
            alias=record.alias,
            attachments=[
                Attachment(
                    title=a.title,
                    title_link=a.title_link,
                    description=a.description,
                    type=a.type,
                    image_url=a.image_url,
                )
                for a in record.attachments
            ],
            author_ref=record,
        )


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
