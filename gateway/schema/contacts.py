"""Contact: the omnichannel person behind one or more visitors, `contacts`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from gateway.context import Info
from gateway.schema import refs
from gateway.schema.common import (
    Email,
    Phone,
    Source,
    User,
)
from gateway.schema.connections import OffsetListing, connection, upstream_listing
from gateway.schema.ids import load_nodes
from gateway.schema.ordering import Order, sort_of
from gateway.schema.pagination import Connection
from gateway.schema.scalars import json_value
from gateway.upstream import contacts
from gateway.upstream.records import ContactRecord, VisitorRecord

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

    from gateway.schema.rooms import Room
    from gateway.schema.visitors import Visitor
    from gateway.upstream.records import ChannelRecord

VisitorType = Annotated["Visitor", strawberry.lazy("gateway.schema.visitors")]
RoomType = Annotated["Room", strawberry.lazy("gateway.schema.rooms")]


@strawberry.type(
    description="A field whose incoming value disagreed with the stored one."
)
class ContactConflict:
    field: str | None
    value: JSON | None


@strawberry.type(description="One way the contact was reached: a visitor on a source.")
class ContactChannel:
    name: str | None = strawberry.field(description="Channel name, e.g. `widget`.")
    visitor_id: str | None = strawberry.field(description="The visitor's `_id`.")
    source: Source | None
    verified: bool | None
    blocked: bool | None = strawberry.field(
        description="True when this channel is blocked."
    )
    field: str | None = strawberry.field(description="What verified it (e.g. email).")
    value: str | None
    verified_at: datetime | None
    details: JSON | None = strawberry.field(
        description="Source details Rocket.Chat keeps for the channel."
    )
    last_chat_at: datetime | None
    last_chat_id: strawberry.Private[str | None]

    @strawberry.field(
        description="The channel's visitor; its id comes free, the rest costs a lookup."
    )
    async def visitor(self, info: Info) -> VisitorType | None:
        if self.visitor_id is None:
            return None
        return await refs.visitor(info, VisitorRecord(id=self.visitor_id))

    @strawberry.field(description="The channel's latest room.")
    async def last_chat(self, info: Info) -> RoomType | None:
        if self.last_chat_id is None:
            return None
        return await refs.room(info, self.last_chat_id, self.last_chat_at)

    @classmethod
    def from_record(cls, record: ChannelRecord) -> ContactChannel:
        return cls(
            name=record.name,
            visitor_id=record.visitor_id,
            source=Source.from_record(record.source),
            verified=record.verified,
            blocked=record.blocked,
            field=record.field,
            value=record.value,
            verified_at=record.verified_at,
            details=json_value(record.details),
            last_chat_at=record.last_chat.created_at if record.last_chat else None,
            last_chat_id=record.last_chat.room_id if record.last_chat else None,
        )


@strawberry.type(
    description=(
        "A person known to the organisation, across channels. Contacts created "
        "automatically for a visitor are `unknown` until an agent confirms them."
    )
)
class Contact(relay.Node):
    raw_id: relay.NodeID[str]
    name: str | None = strawberry.field(graphql_type=str)
    emails: list[Email]
    phones: list[Phone]
    contact_manager: User | None = strawberry.field(
        description="The agent in charge; only the id is known when read by id."
    )
    unknown: bool | None = strawberry.field(
        description="True for contacts created automatically for a visitor."
    )
    conflicting_fields: list[ContactConflict] = strawberry.field(
        description="Fields where channels reported different values."
    )
    custom_fields: JSON | None = strawberry.field(
        description="Contact custom-field values keyed by field id."
    )
    channels: list[ContactChannel] = strawberry.field(
        description="Each visitor/source the contact was reached through."
    )
    created_at: datetime | None = strawberry.field(graphql_type=datetime)
    updated_at: datetime | None = strawberry.field(graphql_type=datetime)
    last_chat_at: datetime | None
    import_ids: list[str] = strawberry.field(
        description="Ids from an import, if the contact was imported."
    )
    activity: list[str] = strawberry.field(description="Months with activity.")
    pre_registration: bool | None = strawberry.field(
        description="True for a contact created before any conversation."
    )
    enabled: bool = strawberry.field(description="False once the contact is deleted.")
    rocket_chat_id: str = strawberry.field(
        description="The contact's Rocket.Chat `_id`."
    )
    last_chat_id: strawberry.Private[str | None]

    @strawberry.field(description="The contact's latest room.")
    async def last_chat(self, info: Info) -> RoomType | None:
        if self.last_chat_id is None:
            return None
        return await refs.room(info, self.last_chat_id, self.last_chat_at)

    @strawberry.field(
        description=(
            "The visitors behind the contact's channels, one per distinct "
            "visitor; a visitor that cannot be read is null with its own error."
        )
    )
    def visitors(self, info: Info) -> list[VisitorType | None]:
        ids = list(dict.fromkeys(c.visitor_id for c in self.channels if c.visitor_id))
        # Each item is awaited on its own, so one failure nulls only its slot.
        pending: list[Awaitable[Visitor]] = [
            refs.visitor(info, VisitorRecord(id=i)) for i in ids
        ]
        return cast("list[Visitor | None]", cast("Any", pending))

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Contact | None]:
        """Relay's lookup by id, through the per-request contact loader."""
        return await load_nodes(
            info.context.loaders.contact, cls.from_record, node_ids, required=required
        )

    @classmethod
    def from_record(cls, record: ContactRecord) -> Contact:
        return cls(
            raw_id=record.id,
            rocket_chat_id=record.id,
            name=record.name,
            emails=[Email(address=a) for a in record.emails],
            phones=[Phone(phone_number=p) for p in record.phones],
            contact_manager=User.from_record(record.contact_manager),
            unknown=record.unknown,
            conflicting_fields=[
                ContactConflict(field=c.field, value=c.value)
                for c in record.conflicting_fields
            ],
            custom_fields=json_value(record.custom_fields),
            channels=[ContactChannel.from_record(c) for c in record.channels],
            created_at=record.created_at,
            updated_at=record.updated_at,
            last_chat_at=record.last_chat.created_at if record.last_chat else None,
            import_ids=list(record.import_ids),
            activity=list(record.activity),
            pre_registration=record.pre_registration,
            enabled=record.enabled,
            last_chat_id=record.last_chat.room_id if record.last_chat else None,
        )


@strawberry.enum(description="What contacts can be sorted by.")
class ContactOrderField(Enum):
    NAME = "name"
    CREATED_AT = "createdAt"
    UPDATED_AT = "_updatedAt"
    LAST_CHAT_AT = "lastChat.ts"


@strawberry.input(description="How to sort contacts.")
class ContactOrder(Order[ContactOrderField]):
    pass


@strawberry.type
class ContactQuery:
    @connection(
        Connection[Contact],
        description=(
            "Contacts whose name, email or phone contains `searchText` "
            "(case-insensitive), sorted by name unless ordered. `unknown` picks "
            "automatically created contacts (true) or confirmed ones (false, "
            "the default)."
        ),
    )
    def contacts(
        self,
        info: Info,
        search_text: str | None = None,
        unknown: bool | None = None,
        order_by: ContactOrder | None = None,
    ) -> OffsetListing[ContactRecord, Contact]:
        return upstream_listing(
            info,
            contacts.search_contacts,
            search_text,
            Contact.from_record,
            sort=sort_of(order_by),
            unknown=unknown,
        )


refs.register(ContactRecord, Contact.from_record)
