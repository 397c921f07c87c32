"""Message: one message of a room's transcript, text or system event.

Its pages, with cursors that survive new messages, are in `message_pages`.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.context import Info
from gateway.schema import refs
from gateway.schema.common import User
from gateway.upstream.records import ChatMessageRecord, VisitorRecord

if TYPE_CHECKING:
    from gateway.schema.visitors import Visitor

VisitorType = Annotated["Visitor", strawberry.lazy("gateway.schema.visitors")]


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
