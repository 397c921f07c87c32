"""Visitor: the type and its root queries (`visitor`, `visitorByToken`, `visitors`).

The visitor-facing writes are in `visitor_writes`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from gateway.context import Info
from gateway.errors import BadUserInputError, NotFoundError
from gateway.schema import refs
from gateway.schema.common import (
    Email,
    Phone,
    User,
    build_on_use,
    from_record_on_use,
)
from gateway.schema.connections import (
    EMPTY,
    Listing,
    OffsetListing,
    connection,
    upstream_listing,
)
from gateway.schema.ids import load_nodes, parse_id
from gateway.schema.lookahead import requested_node_fields
from gateway.schema.ordering import Order, sort_of
from gateway.schema.pagination import Connection
from gateway.schema.scalars import json_value
from gateway.upstream import visitors
from gateway.upstream.records import VisitorRecord

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from gateway.schema.rooms import Room

RoomType = Annotated["Room", strawberry.lazy("gateway.schema.rooms")]

# What a `visitors.search` result carries (its projection leaves out status,
# dates, department, agents, ...); `token` is null for agents either way.
SEARCH_FIELDS = frozenset(
    {
        "id",
        "rocketChatId",
        "token",
        "username",
        "name",
        "emails",
        "phones",
        "customFields",
        "lastChatAt",
        "lastChat",
        "chatHistory",
        "__typename",
    }
)


@strawberry.enum(description="A visitor's presence.")
class VisitorStatus(Enum):
    ONLINE = "online"
    AWAY = "away"
    BUSY = "busy"
    OFFLINE = "offline"


def visitor_status(value: str | None) -> VisitorStatus | None:
    try:
        return VisitorStatus(value) if value is not None else None
    except ValueError:
        return None


@strawberry.type(
    description=(
        "Someone who talks to the organisation through livechat (the widget, "
        "email, SMS, an app). A visitor may have many rooms."
    )
)
class Visitor(relay.Node):
    raw_id: relay.NodeID[str]
    token: str | None = strawberry.field(
        description=(
            "The visitor's secret: whoever holds it can act as the visitor. "
            "Only returned to a caller who proved it (`visitorByToken`, "
            "`registerVisitor`); null everywhere else."
        )
    )
    username: str | None = strawberry.field(
        graphql_type=str, description="`guest-N` unless chosen."
    )
    name: str | None
    emails: list[Email]
    phones: list[Phone]
    department_id: str | None = strawberry.field(
        description="`_id` of the department the visitor was routed to."
    )
    status: VisitorStatus | None = strawberry.field(
        description=(
            "Presence, always as the visitor record says (null only for a "
            "value this API does not know)."
        )
    )
    created_at: datetime | None = strawberry.field(graphql_type=datetime)
    updated_at: datetime | None = strawberry.field(graphql_type=datetime)
    last_chat_at: datetime | None = strawberry.field(
        description="When the visitor's latest room was opened."
    )
    last_agent: User | None = strawberry.field(
        description="The agent who last served the visitor."
    )
    last_agent_at: datetime | None = strawberry.field(
        description="When `lastAgent` took the visitor's latest served room."
    )
    custom_fields: JSON | None = strawberry.field(
        description="Visitor custom-field values keyed by field id (`livechatData`)."
    )
    contact_manager: User | None = strawberry.field(
        description="The agent responsible for the visitor."
    )
    user_agent: str | None = strawberry.field(
        description="Browser user agent seen at registration."
    )
    ip: str | None = strawberry.field(description="Address seen at registration.")
    host: str | None = strawberry.field(description="Site the widget ran on.")
    external_ids: JSON | None = strawberry.field(
        description="Ids of this visitor in other systems (Rocket.Chat 8.4+)."
    )
    activity: list[str] = strawberry.field(description="Months with activity.")
    disabled: bool | None = strawberry.field(description="True after a GDPR removal.")
    rocket_chat_id: str = strawberry.field(
        description="The visitor's Rocket.Chat `_id`."
    )
    last_chat_id: strawberry.Private[str | None]
    record: strawberry.Private[VisitorRecord | None]

    @strawberry.field(description="The visitor's most recent room.")
    async def last_chat(self, info: Info) -> RoomType | None:
        if self.last_chat_id is None:
            return None
        return await refs.room(info, self.last_chat_id, self.last_chat_at)

    @connection(
        Connection[RoomType],
        description=(
            "Every room of this visitor, newest first. Rocket.Chat checks "
            "access through one room: `roomId` (default: the visitor's last "
            "room) must be a room the caller may read."
        ),
    )
    async def chat_history(
        self,
        info: Info,
        room_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A room's global id or `_id`."),
        ] = None,
    ) -> Listing[RoomType]:
        gate = parse_id(room_id, "Room", "roomId") if room_id else self.last_chat_id
        if gate is None:
            record = await info.context.loaders.visitor.load(self.raw_id)
            gate = record.last_chat.room_id if record.last_chat else None
        if gate is None:
            return EMPTY
        return refs.visitor_rooms(info, gate, self.raw_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Visitor | None]:
        """Relay's lookup by id, through the per-request visitor loader."""
        return await load_nodes(
            info.context.loaders.visitor, cls.from_record, node_ids, required=required
        )

    @classmethod
    def from_record(cls, record: VisitorRecord) -> Visitor:
        """The visitor of a record; its attributes are built on first use."""
        return from_record_on_use(cls, record)

    if not TYPE_CHECKING:  # to mypy, Visitor has its declared attributes only

        def __getattr__(self, name: str) -> Any:
            return build_on_use(self, name, _BUILT_ON_USE)


def _last_chat_at(record: VisitorRecord) -> datetime | None:
    return record.last_chat.created_at if record.last_chat else None


# How each attribute of a visitor but its id and record is built on first use.
_BUILT_ON_USE: dict[str, Callable[[VisitorRecord], Any]] = {
    # The record's own value, as it is.
    **{
        name: attrgetter(name)
        for name in (
            "token",
            "username",
            "name",
            "department_id",
            "created_at",
            "updated_at",
            "user_agent",
            "ip",
            "host",
            "disabled",
        )
    },
    "rocket_chat_id": attrgetter("id"),
    "emails": lambda record: [Email(address=a) for a in record.emails],
    "phones": lambda record: [Phone(phone_number=p) for p in record.phones],
    "status": lambda record: visitor_status(record.status),
    "last_chat_at": _last_chat_at,
    "last_agent": lambda record: User.from_record(record.last_agent),
    "last_agent_at": lambda record: record.last_agent.at if record.last_agent else None,
    "custom_fields": lambda record: json_value(record.custom_fields),
    "contact_manager": lambda record: User.from_record(record.contact_manager),
    "external_ids": lambda record: json_value(record.external_ids),
    "activity": lambda record: list(record.activity),
    "last_chat_id": lambda record: (
        record.last_chat.room_id if record.last_chat else None
    ),
}


@strawberry.enum(description="What visitors can be sorted by.")
class VisitorOrderField(Enum):
    CREATED_AT = "ts"
    NAME = "name"
    USERNAME = "username"
    LAST_CHAT_AT = "lastChat.ts"


@strawberry.input(description="How to sort visitors.")
class VisitorOrder(Order[VisitorOrderField]):
    pass


@strawberry.type
class VisitorQuery:
    @strawberry.field(description="A visitor by global id or Rocket.Chat `_id`.")
    async def visitor(self, info: Info, id: strawberry.ID) -> Visitor | None:
        visitor_id = parse_id(id, "Visitor")
        return Visitor.from_record(await info.context.loaders.visitor.load(visitor_id))

    @strawberry.field(
        description=(
            "The visitor holding this token, token included. Needs no "
            "credentials: the token is the proof."
        )
    )
    async def visitor_by_token(self, info: Info, token: str) -> Visitor | None:
        if not token:
            raise BadUserInputError("`token` must not be empty.", argument="token")
        record = await info.context.loaders.visitor_by_token.load(token)
        return Visitor.from_record(record)

    @connection(
        Connection[Visitor],
        description=(
            "Visitors whose name, username or searchable custom field contains "
            "`term` (case-insensitive), or whose email or phone equals it. The "
            "search returns id, names, emails, phones, custom fields and last "
            "chat; asking for any other field costs one lookup per visitor."
        ),
    )
    def visitors(
        self, info: Info, term: str, order_by: VisitorOrder | None = None
    ) -> OffsetListing[VisitorRecord, Visitor]:
        async def complete(found: list[VisitorRecord]) -> list[VisitorRecord]:
            return await whole_visitors(info, found)

        # The search projects visitors down: read whole ones only when the
        # query asks for a field the projection left out.
        needs_whole = not requested_node_fields(info) <= SEARCH_FIELDS
        return upstream_listing(
            info,
            visitors.search_visitors,
            term,
            Visitor.from_record,
            sort=sort_of(order_by),
            complete=complete if needs_whole else None,
        )


async def whole_visitors(info: Info, found: list[VisitorRecord]) -> list[VisitorRecord]:
    """The whole records of visitors a search found, one lookup each.

    A visitor gone since the search keeps what the search said of it.
    """
    loader = info.context.loaders.visitor
    results = await asyncio.gather(
        *(loader.load(record.id) for record in found), return_exceptions=True
    )
    whole: list[VisitorRecord] = []
    for record, result in zip(found, results, strict=True):
        if isinstance(result, NotFoundError):
            whole.append(record)
        elif isinstance(result, BaseException):
            raise result
        else:
            whole.append(result)
    return whole


refs.register(VisitorRecord, Visitor.from_record)
