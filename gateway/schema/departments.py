"""Department: a livechat department as a Node, and `departments`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from gateway.context import Info
from gateway.schema import refs
from gateway.schema.connections import OffsetListing, connection, upstream_listing
from gateway.schema.ids import load_nodes, parse_id
from gateway.schema.ordering import Order, sort_of
from gateway.schema.pagination import Connection
from gateway.upstream import departments
from gateway.upstream.departments import DepartmentQuery as DepartmentParams
from gateway.upstream.records import DepartmentRecord

if TYPE_CHECKING:
    from collections.abc import Iterable


@strawberry.type(
    description=(
        "A livechat department: a group of agents that rooms are routed to. "
        "Every field has the same value whichever path it was reached by."
    )
)
class Department(relay.Node):
    raw_id: relay.NodeID[str]
    name: str | None = strawberry.field(graphql_type=str)
    enabled: bool | None = strawberry.field(
        graphql_type=bool, description="False for disabled (and archived) ones."
    )
    description: str | None
    email: str | None = strawberry.field(
        description="Where offline messages for it are sent."
    )
    show_on_registration: bool | None = strawberry.field(
        description="Offered to visitors in the widget's registration form."
    )
    show_on_offline_form: bool | None = strawberry.field(
        description="Offered in the widget's offline form."
    )
    agent_count: int | None = strawberry.field(
        description="How many agents belong to it (`numAgents`)."
    )
    archived: bool
    requires_tags_to_close: bool | None = strawberry.field(
        description="Rooms of this department need a tag before closing."
    )
    closing_tags: list[str] = strawberry.field(
        description="Tags added to its rooms when they close."
    )
    updated_at: datetime | None
    rocket_chat_id: str = strawberry.field(
        description="The department's Rocket.Chat `_id`."
    )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Department | None]:
        """Relay's lookup by id, through the per-request department loader."""
        return await load_nodes(
            info.context.loaders.department,
            cls.from_record,
            node_ids,
            required=required,
        )

    @classmethod
    def from_record(cls, record: DepartmentRecord) -> Department:
        return cls(
            raw_id=record.id,
            rocket_chat_id=record.id,
            name=record.name,
            enabled=record.enabled,
            description=record.description,
            email=record.email,
            show_on_registration=record.show_on_registration,
            show_on_offline_form=record.show_on_offline_form,
            agent_count=record.agent_count,
            archived=record.archived,
            requires_tags_to_close=record.request_tag_before_closing,
            closing_tags=list(record.closing_tags),
            updated_at=record.updated_at,
        )


def parse_department_id(value: str, argument: str) -> str:
    return parse_id(value, "Department", argument)


@strawberry.enum(description="What departments can be sorted by.")
class DepartmentOrderField(Enum):
    NAME = "name"
    UPDATED_AT = "_updatedAt"


@strawberry.input(description="How to sort departments.")
class DepartmentOrder(Order[DepartmentOrderField]):
    pass


@strawberry.type
class DepartmentQuery:
    @connection(
        Connection[Department],
        description=(
            "Livechat departments, by name unless ordered; archived ones only "
            "with `includeArchived`. Needs `view-livechat-departments` or "
            "`view-l-room`."
        ),
    )
    def departments(
        self,
        info: Info,
        text: Annotated[
            str | None,
            strawberry.argument(description="Names containing this (any case)."),
        ] = None,
        only_enabled: bool = False,
        include_archived: bool = False,
        exclude_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Leave this one out (global id or `_id`)."),
        ] = None,
        order_by: DepartmentOrder | None = None,
    ) -> OffsetListing[DepartmentRecord, Department]:
        query = DepartmentParams(
            text=text,
            only_enabled=only_enabled,
            exclude_id=parse_department_id(exclude_id, "excludeId")
            if exclude_id
            else None,
            include_archived=include_archived,
        )
        return upstream_listing(
            info,
            departments.list_departments,
            query,
            Department.from_record,
            sort=sort_of(order_by),
        )


refs.register(DepartmentRecord, Department.from_record)
