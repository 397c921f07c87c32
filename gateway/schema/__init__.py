"""The GraphQL schema, assembled from the per-resource parts.

Per-field cost, the pattern to follow when adding fields (`bench/perf.py`
measures it): a field whose value is already known when its object is built
is a plain dataclass attribute — no resolver, no `@strawberry.field` method —
so Strawberry hands graphql-core its "basic field" getter (a `getattr`, no
`Info`, no argument conversion). A resolver method costs several times that
on every item of every list; keep resolvers for fields that need arguments,
the context (loaders) or an upstream call, and make them `async` only when
they await. Schema extensions that hook `resolve` run on every field of every
response: add none on the hot path (hooks for logging or tracing belong on
the operation, or must cost nothing when switched off). What a resolver asks
about the query (`lookahead.only`) is memoised per document. A plain leaf
(or list of leaves) costs least of all: `FieldExecutor` (execution.py) reads
and serializes it without graphql-core's per-field machinery.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway.schema.agents import AgentQuery
from gateway.schema.chats import ChatQuery, ChatVisitorMutation
from gateway.schema.contacts import Contact, ContactQuery
from gateway.schema.cost import DemandControl
from gateway.schema.departments import Department, DepartmentQuery
from gateway.schema.errors import GatewaySchema, mask_errors
from gateway.schema.execution import FieldExecutor
from gateway.schema.nodes import NodeQuery
from gateway.schema.operations import OperationRecorder
from gateway.schema.parsing import QUERY_CACHE_SIZE, RequestLimits
from gateway.schema.room_actions import ChatAgentMutation
from gateway.schema.room_search import RoomQuery
from gateway.schema.rooms import Room
from gateway.schema.scalars import DateTime
from gateway.schema.visitor_writes import VisitorMutation
from gateway.schema.visitors import Visitor, VisitorQuery


@strawberry.type(description="Read livechat visitors, rooms and contacts.")
class Query(
    NodeQuery,
    VisitorQuery,
    RoomQuery,
    ContactQuery,
    DepartmentQuery,
    AgentQuery,
    ChatQuery,
):
    pass


@strawberry.type(
    description="Act as a livechat visitor (token as proof) or as an agent."
)
class Mutation(VisitorMutation, ChatVisitorMutation, ChatAgentMutation):
    pass


# Batching is allowed by the schema up to the ceiling of GATEWAY_MAX_BATCH;
# the view holds each app to its own setting (0: off).
MAX_BATCH_CEILING = 100

schema = GatewaySchema(
    query=Query,
    mutation=Mutation,
    types=[Visitor, Room, Contact, Department],
    extensions=[
        mask_errors,
        # Limits, then the parse and validation caches (only documents that
        # passed the limits are kept), then demand control before execution.
        RequestLimits,
        DemandControl,
        OperationRecorder,
    ],
    scalar_overrides={datetime: DateTime},
    execution_context_class=FieldExecutor,
    config=StrawberryConfig(batching_config={"max_operations": MAX_BATCH_CEILING}),
)

__all__ = ["QUERY_CACHE_SIZE", "schema"]
