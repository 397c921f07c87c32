"""Small object types and inputs shared by visitors, rooms and contacts."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

import strawberry

if TYPE_CHECKING:
    from gateway.upstream.records import (
        ContactManagerRecord,
        SourceRecord,
        UserRefRecord,
    )


@strawberry.type(description="An email address.")
class Email:
    address: str


@strawberry.type(description="A phone number, exactly as it was given.")
class Phone:
    phone_number: str


@strawberry.type(
    description=(
        "A Rocket.Chat user (an agent, a manager, a contact manager, a message "
        "author), in one shape wherever it is mentioned. Rocket.Chat embeds "
        "only some fields in each record: what it left out is null."
    )
)
class User:
    rocket_chat_id: str = strawberry.field(description="The user's `_id`.")
    username: str | None
    name: str | None
    emails: list[Email]

    @classmethod
    def from_record(
        cls, record: UserRefRecord | ContactManagerRecord | None
    ) -> User | None:
        if record is None or record.id is None:
            return None
        emails = getattr(record, "emails", ())
        return cls(
            rocket_chat_id=record.id,
            username=record.username,
            name=record.name,
            emails=[Email(address=a) for a in emails],
        )


@strawberry.enum(description="The kind of channel a conversation arrived through.")
class SourceType(Enum):
    WIDGET = "widget"
    EMAIL = "email"
    SMS = "sms"
    APP = "app"
    API = "api"
    OTHER = "other"


@strawberry.type(description="Where a conversation came from.")
class Source:
    type: SourceType = strawberry.field(
        description="The channel kind; kinds this API does not know read as OTHER."
    )
    rocket_chat_id: str | None = strawberry.field(
        description="Id of the app or integration that opened it, if any."
    )
    alias: str | None
    label: str | None

    @classmethod
    def from_record(cls, record: SourceRecord | None) -> Source | None:
        if record is None:
            return None
        known = {t.value for t in SourceType}
        return cls(
            type=SourceType(record.type) if record.type in known else SourceType.OTHER,
            rocket_chat_id=record.id,
            alias=record.alias,
            label=record.label,
        )


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = 1
    DESC = -1


@strawberry.input(description="Inclusive date bounds; leave either side open.")
class DateRange:
    start: datetime | None = None
    end: datetime | None = None


def sort_by(field: str, direction: OrderDirection) -> dict[str, int]:
    """An upstream sort on `field`, ties broken by `_id` so pages are stable."""
    return {field: direction.value, "_id": direction.value}
