"""The GraphQL schema, assembled from the per-resource parts."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway.schema.contacts import Contact, ContactQuery
from gateway.schema.cost import DemandControl
from gateway.schema.errors import GatewaySchema, mask_errors
from gateway.schema.limits import QUERY_CACHE_SIZE, RequestLimits
from gateway.schema.nodes import NodeQuery
from gateway.schema.rooms import Room, RoomQuery
from gateway.schema.scalars import DateTime
from gateway.schema.visitors import Visitor, VisitorMutation, VisitorQuery


@strawberry.type(description="Read livechat visitors, rooms and contacts.")
class Query(NodeQuery, VisitorQuery, RoomQuery, ContactQuery):
    pass


@strawberry.type(description="Act as a livechat visitor.")
class Mutation(VisitorMutation):
    pass


# Batching is allowed by the schema up to the ceiling of GATEWAY_MAX_BATCH;
# the view holds each app to its own setting (0: off).
MAX_BATCH_CEILING = 100

schema = GatewaySchema(
    query=Query,
    mutation=Mutation,
    types=[Visitor, Room, Contact],
    extensions=[
        mask_errors,
        # Limits, then the parse and validation caches (only documents that
        # passed the limits are kept), then demand control before execution.
        RequestLimits,
        DemandControl,
    ],
    scalar_overrides={datetime: DateTime},
    config=StrawberryConfig(batching_config={"max_operations": MAX_BATCH_CEILING}),
)

__all__ = ["QUERY_CACHE_SIZE", "schema"]
