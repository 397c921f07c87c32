"""`node` and `nodes`: any Visitor, Room, Contact or Department by its global id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import strawberry
from strawberry import relay

from gateway.context import Info
from gateway.errors import BadUserInputError
from gateway.schema.contacts import Contact
from gateway.schema.departments import Department
from gateway.schema.ids import parse_global_id
from gateway.schema.rooms import Room
from gateway.schema.visitors import Visitor

if TYPE_CHECKING:
    from collections.abc import Awaitable


async def resolve_node(info: Info, id: str) -> relay.Node:
    """Look one global id up through the matching per-request loader."""
    global_id = parse_global_id(id)
    loaders = info.context.loaders
    if global_id.type_name == "Visitor":
        return Visitor.from_record(await loaders.visitor.load(global_id.node_id))
    if global_id.type_name == "Room":
        return Room.from_record(await loaders.room.load(global_id.node_id))
    if global_id.type_name == "Department":
        record = await loaders.department.load(global_id.node_id)
        return Department.from_record(record)
    return Contact.from_record(await loaders.contact.load(global_id.node_id))


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any Visitor, Room, Contact or Department by its global `id`."
    )
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return await resolve_node(info, id)

    @strawberry.field(
        description=(
            "Several nodes at once (at most the maximum page size), in the order "
            "asked; each lookup fails (null plus an error) on its own."
        )
    )
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        limit = info.context.settings.max_page_size
        if len(ids) > limit:
            raise BadUserInputError(
                f"`ids` may hold at most {limit} ids, got {len(ids)}.", argument="ids"
            )
        pending: list[Awaitable[relay.Node]] = [resolve_node(info, i) for i in ids]
        return cast("list[relay.Node | None]", cast("Any", pending))
