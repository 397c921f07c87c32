"""Room: the livechat conversation type and the small types it is made of.

Finding rooms (`rooms`, its filter and ordering) is in `room_search`. The
module runs past 300 lines only by the Room type itself: one described
attribute per field Rocket.Chat keeps on a room.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from gateway.context import Info
from gateway.loaders import PagesKey
from gateway.schema import refs
from gateway.schema.common import Source, User, build_on_use, from_record_on_use
from gateway.schema.connections import EMPTY, Listing, OffsetListing, connection
from gateway.schema.ids import load_nodes
from gateway.schema.message_pages import MessageConnection, MessageListing
from gateway.schema.messages import MessageOrder
from gateway.schema.pagination import Connection
from gateway.schema.scalars import json_value
from gateway.upstream import messages
from gateway.upstream.records import PageVisitRecord, RoomRecord

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from gateway.schema.contacts import Contact
    from gateway.schema.departments import Department
    from gateway.schema.visitors import Visitor
    from gateway.upstream.records import ChatMessageRecord, Page

VisitorType = Annotated["Visitor", strawberry.lazy("gateway.schema.visitors")]
ContactType = Annotated["Contact", strawberry.lazy("gateway.schema.contacts")]
DepartmentType = Annotated["Department", strawberry.lazy("gateway.schema.departments")]
RoomType = Annotated["Room", strawberry.lazy("gateway.schema.rooms")]


@strawberry.enum(description="Where a room is in its life.")
class RoomState(Enum):
    QUEUED = "queued"
    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


@strawberry.enum(description="Who closed a room.")
class Closer(Enum):
    USER = "user"
    VISITOR = "visitor"


@strawberry.type(description="The last message of a room.")
class LastMessage:
    rocket_chat_id: str | None = strawberry.field(graphql_type=str)
    text: str | None = strawberry.field(
        graphql_type=str, description="The text; empty for system messages."
    )
    created_at: datetime | None = strawberry.field(graphql_type=datetime)
    author: User | None


@strawberry.type(description="A page the visitor opened, from its navigation history.")
class PageVisit:
    rocket_chat_id: str
    title: str | None = strawberry.field(graphql_type=str)
    url: str | None = strawberry.field(graphql_type=str)
    change: str | None = strawberry.field(
        graphql_type=str, description="`url` or `title`."
    )
    created_at: datetime | None = strawberry.field(graphql_type=datetime)
    expires_at: datetime | None = strawberry.field(
        description="Set when the visit was recorded without a room."
    )

    @classmethod
    def from_record(cls, record: PageVisitRecord) -> PageVisit:
        return cls(
            rocket_chat_id=record.id,
            title=record.title,
            url=record.url,
            change=record.change,
            created_at=record.created_at,
            expires_at=record.expires_at,
        )


def room_state(record: RoomRecord) -> RoomState:
    if not record.open:
        return RoomState.CLOSED
    if record.on_hold:
        return RoomState.ON_HOLD
    if record.served_by is None:
        return RoomState.QUEUED
    return RoomState.OPEN


@strawberry.type(
    description=(
        "A livechat conversation between a visitor and the organisation's agents."
    )
)
class Room(relay.Node):
    raw_id: relay.NodeID[str]
    name: str | None = strawberry.field(
        graphql_type=str,
        description="Display name (`fname`): the visitor's name when it opened.",
    )
    state: RoomState = strawberry.field(
        description="Derived from `open`, `onHold` and `servedBy`."
    )
    open: bool = strawberry.field(description="True until the room is closed.")
    on_hold: bool = strawberry.field(
        description="True while an agent has put the conversation on hold."
    )
    message_count: int | None = strawberry.field(
        graphql_type=int,
        description="Messages in the room (`msgs`), navigation entries included.",
    )
    user_count: int | None = strawberry.field(
        graphql_type=int, description="Users subscribed to the room (`usersCount`)."
    )
    created_at: datetime | None = strawberry.field(graphql_type=datetime)
    updated_at: datetime | None = strawberry.field(graphql_type=datetime)
    last_message_at: datetime | None = strawberry.field(
        graphql_type=datetime,
        description="When the last message was sent (`lm`); at first, the creation.",
    )
    visitor_last_message_at: datetime | None = strawberry.field(
        description="When the visitor last wrote."
    )
    queued_at: datetime | None = strawberry.field(
        description="When the room entered the queue."
    )
    closed_at: datetime | None
    closer: Closer | None = strawberry.field(
        description="Whether an agent (USER) or the visitor closed it."
    )
    closed_by: User | None = strawberry.field(
        description="The user who closed the room."
    )
    served_by: User | None = strawberry.field(
        description="The agent serving the room; null while queued."
    )
    assigned_at: datetime | None = strawberry.field(
        description="When `servedBy` took the room; null while queued."
    )
    source: Source | None
    tags: list[str]
    custom_fields: JSON | None = strawberry.field(
        description="Room custom-field values keyed by field id (`livechatData`)."
    )
    last_message: LastMessage | None
    metrics: JSON | None = strawberry.field(description="Response-time metrics.")
    response_by: JSON | None = strawberry.field(
        description="Who answered first and when (`responseBy`)."
    )
    waiting_response: bool | None = strawberry.field(
        description="True while the visitor waits for an agent's answer."
    )
    priority_id: str | None = strawberry.field(
        description="`_id` of the room's priority (Enterprise)."
    )
    sla_id: str | None = strawberry.field(
        description="`_id` of the room's SLA policy (Enterprise)."
    )
    contact_id: str | None = strawberry.field(description="The contact's `_id`.")
    transcript_request: JSON | None = strawberry.field(
        description="A pending request to e-mail the transcript."
    )
    status: str | None = strawberry.field(description="Rocket.Chat's raw `status`.")
    verified: bool | None = strawberry.field(
        description="Whether the contact behind the room was verified."
    )
    creator: User | None = strawberry.field(description="The user who opened it.")
    rocket_chat_id: str = strawberry.field(description="The room's Rocket.Chat `_id`.")
    record: strawberry.Private[RoomRecord | None]

    @strawberry.field(
        description=(
            "The visitor. Its id, username and status come with the room; "
            "other fields cost one lookup per distinct visitor."
        )
    )
    async def visitor(self, info: Info) -> VisitorType | None:
        embedded = self.record.visitor if self.record else None
        if embedded is None:
            return None
        return await refs.visitor(info, embedded, refs.EMBEDDED_VISITOR_FIELDS)

    @strawberry.field(
        description=(
            "The room's department. Its id (and in listings its name) come "
            "with the room; other fields cost one lookup per department."
        )
    )
    async def department(self, info: Info) -> DepartmentType | None:
        mention = self.record.department if self.record else None
        return await refs.department(info, mention) if mention else None

    @strawberry.field(description="The room's contact.")
    async def contact(self, info: Info) -> ContactType | None:
        if self.contact_id is None:
            return None
        return await refs.contact(info, self.contact_id)

    @connection(
        MessageConnection,
        description=(
            "The transcript as an agent reads it (`livechat/:rid/messages`): "
            "written messages and the closing, newest first unless ordered. "
            "Cursors stay valid as new messages arrive. Needs `view-l-room` "
            "and access to the room."
        ),
    )
    def messages(
        self,
        info: Info,
        order: MessageOrder = MessageOrder.NEWEST_FIRST,
        search: Annotated[
            str | None,
            strawberry.argument(description="Only messages containing this text."),
        ] = None,
    ) -> MessageListing:
        ctx = info.context
        room_id = self.raw_id

        async def fetch(
            offset: int, count: int, sort: dict[str, int]
        ) -> Page[ChatMessageRecord]:
            return await messages.list_room_messages(
                ctx.upstream,
                ctx.credentials,
                room_id,
                offset=offset,
                count=count,
                sort=sort,
                search=search,
            )

        return MessageListing(fetch, order)

    @connection(
        Connection[PageVisit], description="Pages the visitor opened, newest first."
    )
    def pages_visited(self, info: Info) -> OffsetListing[PageVisitRecord, PageVisit]:
        loader = info.context.loaders.pages_visited
        room_id = self.raw_id

        async def fetch(offset: int, count: int) -> Page[PageVisitRecord]:
            return await loader.load(PagesKey(room_id, offset, count))

        return OffsetListing(fetch, PageVisit.from_record)

    @connection(
        Connection[RoomType],
        description="Every room of this room's visitor (this one included).",
    )
    def visitor_history(self, info: Info) -> Listing[Room]:
        embedded = self.record.visitor if self.record else None
        if embedded is None:
            return EMPTY
        return refs.visitor_rooms(info, self.raw_id, embedded.id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Room | None]:
        """Relay's lookup by id, through the per-request room loader."""
        return await load_nodes(
            info.context.loaders.room, cls.from_record, node_ids, required=required
        )

    @classmethod
    def from_record(cls, record: RoomRecord) -> Room:
        """The room of a record; its attributes are built on first use."""
        return from_record_on_use(cls, record)

    if not TYPE_CHECKING:  # to mypy, Room has exactly its declared attributes

        def __getattr__(self, name: str) -> Any:
            return build_on_use(self, name, _BUILT_ON_USE)


def _last_message(record: RoomRecord) -> LastMessage | None:
    last = record.last_message
    if last is None:
        return None
    return LastMessage(
        rocket_chat_id=last.id,
        text=last.text,
        created_at=last.created_at,
        author=User.from_record(last.author),
    )


def _closer(record: RoomRecord) -> Closer | None:
    return Closer(record.closer) if record.closer in {"user", "visitor"} else None


# How each attribute of a room but its id and record is built on first use.
_BUILT_ON_USE: dict[str, Callable[[RoomRecord], Any]] = {
    # The record's own value, as it is.
    **{
        name: attrgetter(name)
        for name in (
            "name",
            "open",
            "on_hold",
            "message_count",
            "user_count",
            "created_at",
            "updated_at",
            "last_message_at",
            "visitor_last_message_at",
            "queued_at",
            "closed_at",
            "waiting_response",
            "priority_id",
            "sla_id",
            "contact_id",
            "status",
            "verified",
        )
    },
    "rocket_chat_id": attrgetter("id"),
    "state": room_state,
    "assigned_at": lambda record: record.served_by.at if record.served_by else None,
    "tags": lambda record: list(record.tags),
    "custom_fields": lambda record: json_value(record.custom_fields),
    "metrics": lambda record: json_value(record.metrics),
    "response_by": lambda record: json_value(record.response_by),
    "transcript_request": lambda record: json_value(record.transcript_request),
    "closer": _closer,
    "closed_by": lambda record: User.from_record(record.closed_by),
    "served_by": lambda record: User.from_record(record.served_by),
    "source": lambda record: Source.from_record(record.source),
    "last_message": _last_message,
    "creator": lambda record: User.from_record(record.creator),
}


refs.register(RoomRecord, Room.from_record)
