"""Finding rooms: `rooms`, its filter and its ordering."""

from __future__ import annotations

import re
from enum import Enum

import strawberry

from gateway.context import Info
from gateway.schema.common import DateRange
from gateway.schema.connections import OffsetListing, connection, upstream_listing
from gateway.schema.ids import parse_id
from gateway.schema.ordering import Order, sort_of
from gateway.schema.pagination import Connection
from gateway.schema.rooms import Room
from gateway.upstream import rooms
from gateway.upstream.records import RoomRecord
from gateway.upstream.rooms import DateRange as DateBounds, RoomQuery as RoomParams


@strawberry.input(description="A condition on a room custom field (`livechatData`).")
class CustomFieldFilter:
    key: str = strawberry.field(description="The custom field's id.")
    value: str = strawberry.field(
        description="Matched case-insensitively as a substring, or as a pattern."
    )
    regex: bool = strawberry.field(
        default=False,
        description="Treat `value` as a regular expression instead of plain text.",
    )


@strawberry.input(description="Conditions on rooms; all given ones must hold.")
class RoomFilter:
    open: bool | None = strawberry.field(
        default=None,
        description=(
            "True: open rooms being served (not queued, not on hold). "
            "False: closed rooms."
        ),
    )
    queued: bool = strawberry.field(
        default=False, description="Only open rooms waiting for an agent."
    )
    on_hold: bool = strawberry.field(default=False, description="Only rooms on hold.")
    agent_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description=(
            "Rooms served by any of these agents (user global ids or `_id`s). "
            "Without the "
            "`view-livechat-rooms` permission, only `[<your own id>]` is allowed."
        ),
    )
    department_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Rooms of any of these departments (global ids or `_id`s).",
    )
    created_at: DateRange | None = None
    closed_at: DateRange | None = None
    tags: list[str] | None = strawberry.field(
        default=None, description="Rooms carrying any of these tags."
    )
    custom_fields: list[CustomFieldFilter] | None = None
    name: str | None = strawberry.field(
        default=None,
        description="Rooms whose name contains this text (case-insensitive).",
    )
    exact_name: bool = strawberry.field(
        default=False, description="Match `name` exactly (case-sensitive) instead."
    )

    def to_params(self) -> RoomParams:
        return RoomParams(
            open=self.open,
            queued=self.queued,
            on_hold=self.on_hold,
            agent_ids=tuple(
                parse_id(a, "User", "agentIds") for a in self.agent_ids or ()
            ),
            department_ids=tuple(
                parse_id(d, "Department", "departmentIds")
                for d in self.department_ids or ()
            ),
            created_at=_bounds(self.created_at),
            closed_at=_bounds(self.closed_at),
            tags=tuple(self.tags or ()),
            custom_fields={
                f.key: f.value if f.regex else re.escape(f.value)
                for f in self.custom_fields or ()
            }
            or None,
            name=self.name,
            name_exact=self.exact_name,
        )


def _bounds(value: DateRange | None) -> DateBounds | None:
    if value is None or (value.start is None and value.end is None):
        return None
    return DateBounds(start=value.start, end=value.end)


@strawberry.enum(description="What rooms can be sorted by.")
class RoomOrderField(Enum):
    CREATED_AT = "ts"
    UPDATED_AT = "_updatedAt"
    LAST_MESSAGE_AT = "lm"
    CLOSED_AT = "closedAt"
    NAME = "fname"
    MESSAGE_COUNT = "msgs"


@strawberry.input(description="How to sort rooms.")
class RoomOrder(Order[RoomOrderField]):
    pass


@strawberry.type
class RoomQuery:
    @connection(
        Connection[Room],
        description=(
            "Livechat rooms, newest first unless ordered. Needs "
            "`view-livechat-rooms`, or `view-l-room` with `agentIds: [<own id>]`."
        ),
    )
    def rooms(
        self,
        info: Info,
        filter: RoomFilter | None = None,
        order_by: RoomOrder | None = None,
    ) -> OffsetListing[RoomRecord, Room]:
        params = filter.to_params() if filter else RoomParams()
        return upstream_listing(
            info, rooms.list_rooms, params, Room.from_record, sort=sort_of(order_by)
        )
