"""`agents`: the livechat agents, as Users, for filter lists and transfers."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.schema.common import User
from gateway.schema.connections import OffsetListing, connection, upstream_listing
from gateway.schema.ordering import Order, sort_of
from gateway.schema.pagination import Connection
from gateway.upstream import agents
from gateway.upstream.agents import AgentQuery as AgentParams
from gateway.upstream.records import AgentRecord


@strawberry.enum(description="What agents can be sorted by.")
class AgentOrderField(Enum):
    NAME = "name"
    USERNAME = "username"


@strawberry.input(description="How to sort agents.")
class AgentOrder(Order[AgentOrderField]):
    pass


@strawberry.type
class AgentQuery:
    @connection(
        Connection[User],
        description=(
            "Livechat agents (users with the `livechat-agent` role), by name "
            "unless ordered. Needs `transfer-livechat-guest` or "
            "`edit-omnichannel-contact`."
        ),
    )
    def agents(
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
        order_by: AgentOrder | None = None,
    ) -> OffsetListing[AgentRecord, User]:
        query = AgentParams(
            text=text,
            only_available=only_available,
            exclude_id=exclude_id or None,
            only_connected=only_connected,
        )
        return upstream_listing(
            info, agents.list_agents, query, User.from_agent, sort=sort_of(order_by)
        )
