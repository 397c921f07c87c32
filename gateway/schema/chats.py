"""The visitor's chat: open or resume it, write, close, read its messages.

The token is the proof; no credentials are needed. Every mutation is one
upstream write, never retried, and returns a payload (the agents' actions on
rooms are in `room_actions`).
Rocket.Chat's refusals arrive as coded errors (`ROOM_CLOSED`,
`AGENT_UNAVAILABLE`, `NOT_FOUND`, ...; see `upstream/refusals.py`).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry.relay import PageInfo

from gateway.context import Info
from gateway.errors import BadUserInputError
from gateway.schema.ids import parse_id
from gateway.schema.messages import Message
from gateway.schema.pagination import After, First
from gateway.schema.rooms import Room
from gateway.upstream import messages, rooms

if TYPE_CHECKING:
    from gateway.upstream.records import ChatMessageRecord, RoomRecord


@strawberry.input(description="Open or resume the visitor's chat.")
class StartChatInput:
    token: str = strawberry.field(description="The visitor's token: the proof.")
    room_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Resume this open room; without it, the visitor's open room.",
    )
    agent_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An agent to prefer when a room is opened (global id or `_id`).",
    )


@strawberry.type(description="The visitor's open room.")
class StartChatPayload:
    room: Room
    created: bool = strawberry.field(description="True when the room was just opened.")


@strawberry.input(description="A message from the visitor.")
class SendMessageInput:
    token: str
    room_id: strawberry.ID = strawberry.field(description="Global id or `_id`.")
    text: str
    client_message_id: str | None = strawberry.field(
        default=None,
        description=(
            "An `_id` chosen by the client; sending the same one again is "
            "refused (DUPLICATE_MESSAGE) instead of writing twice."
        ),
    )


@strawberry.type(description="The message as stored.")
class SendMessagePayload:
    message: Message


@strawberry.input(description="The visitor closes its room.")
class CloseChatInput:
    token: str
    room_id: strawberry.ID = strawberry.field(description="Global id or `_id`.")


@strawberry.type(description="The outcome of the visitor closing its room.")
class CloseChatPayload:
    room_id: strawberry.ID = strawberry.field(description="The closed room's `_id`.")
    comment: str | None = strawberry.field(description="The comment Rocket.Chat wrote.")


def _token(value: str) -> str:
    if not value:
        raise BadUserInputError("`token` must not be empty.", argument="token")
    return value


@strawberry.type
class ChatVisitorMutation:
    @strawberry.mutation(
        description=(
            "Get the visitor's open room, or open one (`GET livechat/room`). "
            "The token is the proof; no credentials needed."
        )
    )
    async def start_chat(self, info: Info, input: StartChatInput) -> StartChatPayload:
        ctx = info.context
        record: RoomRecord
        record, created = await rooms.visitor_room(
            ctx.upstream,
            ctx.credentials,
            _token(input.token),
            room_id=parse_id(input.room_id, "Room", "roomId")
            if input.room_id
            else None,
            agent_id=(
                parse_id(input.agent_id, "User", "agentId") if input.agent_id else None
            ),
        )
        return StartChatPayload(room=Room.from_record(record), created=created)

    @strawberry.mutation(
        description="Send a message as the visitor (`POST livechat/message`)."
    )
    async def send_message(
        self, info: Info, input: SendMessageInput
    ) -> SendMessagePayload:
        ctx = info.context
        if not input.text.strip():
            raise BadUserInputError("`text` must not be blank.", argument="text")
        record = await messages.send_visitor_message(
            ctx.upstream,
            ctx.credentials,
            token=_token(input.token),
            room_id=parse_id(input.room_id, "Room", "roomId"),
            text=input.text,
            message_id=input.client_message_id,
        )
        return SendMessagePayload(message=Message.from_record(record))

    @strawberry.mutation(
        description="Close the visitor's room as the visitor (`livechat/room.close`)."
    )
    async def close_chat(self, info: Info, input: CloseChatInput) -> CloseChatPayload:
        ctx = info.context
        room_id = parse_id(input.room_id, "Room", "roomId")
        comment = await rooms.close_visitor_room(
            ctx.upstream, ctx.credentials, _token(input.token), room_id
        )
        return CloseChatPayload(room_id=strawberry.ID(room_id), comment=comment)


CHAT_CURSOR_PREFIX = "chat:"


def encode_chat_cursor(record: ChatMessageRecord) -> str:
    stamp = record.created_at.isoformat() if record.created_at else ""
    return base64.b64encode(f"{CHAT_CURSOR_PREFIX}{stamp}".encode()).decode()


def decode_chat_cursor(cursor: str) -> datetime:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(CHAT_CURSOR_PREFIX):
            raise ValueError(text)
        return datetime.fromisoformat(text.removeprefix(CHAT_CURSOR_PREFIX))
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise BadUserInputError(
            "`before` is not a chat cursor this API handed out.", argument="before"
        ) from exc


@strawberry.type(description="A message of the visitor's chat, with its cursor.")
class ChatMessageEdge:
    cursor: str = strawberry.field(
        description="Opaque; the message's time, so it survives new messages."
    )
    node: Message


@strawberry.type(
    description=(
        "A page of the visitor's chat, newest first. Rocket.Chat gives no "
        "total here; `pageInfo.hasNextPage` says whether older messages exist."
    )
)
class ChatMessageConnection:
    edges: list[ChatMessageEdge]
    nodes: list[Message]
    page_info: PageInfo


@strawberry.type
class ChatQuery:
    @strawberry.field(
        description=(
            "The visitor's own room as the widget shows it "
            "(`livechat/messages.history`): newest first, system events "
            "included. The token is the proof; no credentials needed. "
            "Page to older messages with `after: pageInfo.endCursor`."
        )
    )
    async def chat_messages(
        self,
        info: Info,
        token: str,
        room_id: strawberry.ID,
        first: First = None,
        after: After = None,
    ) -> ChatMessageConnection | None:
        ctx = info.context
        limit = ctx.settings.default_page_size if first is None else first
        if not 1 <= limit <= ctx.settings.max_page_size:
            raise BadUserInputError(
                f"`first` must be between 1 and {ctx.settings.max_page_size}.",
                argument="first",
            )
        older_than = decode_chat_cursor(after) if after is not None else None
        # One extra message tells whether older ones exist.
        records = await messages.visitor_history(
            ctx.upstream,
            ctx.credentials,
            parse_id(room_id, "Room", "roomId"),
            _token(token),
            limit=limit + 1,
            before=older_than,
        )
        page = records[:limit]
        edges = [
            ChatMessageEdge(cursor=encode_chat_cursor(r), node=Message.from_record(r))
            for r in page
        ]
        return ChatMessageConnection(
            edges=edges,
            nodes=[e.node for e in edges],
            page_info=PageInfo(
                has_previous_page=after is not None,
                has_next_page=len(records) > limit,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
