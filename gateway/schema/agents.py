"""`agents`: the livechat agents, as Users, for filter lists and transfers."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.context import Info
from gateway.schema.common import OrderDirection, User, sort_by
from gateway.schema.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    paginate,
)
from gateway.upstream import agents
from gateway.upstream.agents import AgentQuery as AgentParams

if TYPE_CHECKING:
    from gateway.upstream.records import AgentRecord, Page


@strawberry.enum(description="What agents can be sorted by.")
class AgentOrderField(Enum):
    NAME = "name"
    USERNAME = "username"


@strawberry.input(description="How to sort agents.")
class AgentOrder:
    field: AgentOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.type
class AgentQuery:
    @strawberry.field(
        description=(
            "Livechat agents (users with the `livechat-agent` role), by name "
            "unless ordered. Needs `transfer-livechat-guest` or "
            "`edit-omnichannel-contact`."
        )
    )
    async def agents(
        self,
        info: Info,
        text: Annotated[
            str | None,
            strawberry.argument(
                description="Username, name or an email containing this (any case)."
            ),
        ] = None,
        only_available: Annotated[
            bool,
            strawberry.argument(description="Only agents taking chats (AVAILABLE)."),
        ] = False,
        only_connected: Annotated[
            bool,
            strawberry.argument(description="Only agents whose status is not OFFLINE."),
        ] = False,
        exclude_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Leave this user `_id` out."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: AgentOrder | None = None,
    ) -> Connection[User] | None:
        ctx = info.context
        query = AgentParams(
            text=text,
            only_available=only_available,
            exclude_id=exclude_id or None,
            only_connected=only_connected,
        )
        sort = sort_by(order_by.field.value, order_by.direction) if order_by else None

        async def fetch(offset: int, count: int) -> Page[AgentRecord]:
            return await agents.list_agents(
                ctx.upstream,
                ctx.credentials,
                query,
                offset=offset,
                count=count,
                sort=sort,
            )

        return await paginate(
            ctx.settings,
            fetch,
            User.from_agent,
            first=first,
            after=after,
            last=last,
            before=before,
        )
