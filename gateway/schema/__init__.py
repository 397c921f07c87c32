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
about the query (`lookahead.only`) is memoised per document.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.extensions import AddValidationRules, ParserCache, ValidationCache
from strawberry.extensions.query_depth_limiter import create_validator

from gateway.schema.agents import AgentQuery
from gateway.schema.chats import ChatAgentMutation, ChatQuery, ChatVisitorMutation
from gateway.schema.contacts import Contact, ContactQuery
from gateway.schema.departments import Department, DepartmentQuery
from gateway.schema.errors import GatewaySchema, mask_errors
from gateway.schema.nodes import NodeQuery
from gateway.schema.operations import OperationRecorder
from gateway.schema.rooms import Room, RoomQuery
from gateway.schema.scalars import DateTime
from gateway.schema.visitors import Visitor, VisitorMutation, VisitorQuery


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


# Deep enough for every link chain a client needs (contact → channel →
# visitor → last chat → ...), shallow enough that one query cannot fan out
# without end.
MAX_QUERY_DEPTH = 12
QUERY_CACHE_SIZE = 256
# One rule class for the process: QueryDepthLimiter makes a new class per
# request, which would make every validation-cache key unique.
DEPTH_RULE = create_validator(MAX_QUERY_DEPTH, should_ignore=None)

schema = GatewaySchema(
    query=Query,
    mutation=Mutation,
    types=[Visitor, Room, Contact, Department],
    extensions=[
        mask_errors,
        lambda: AddValidationRules([DEPTH_RULE]),
        # Clients repeat the same few documents: parse and validate each once.
        lambda: ParserCache(maxsize=QUERY_CACHE_SIZE),
        lambda: ValidationCache(maxsize=QUERY_CACHE_SIZE),
        OperationRecorder,
    ],
    scalar_overrides={datetime: DateTime},
)

__all__ = ["schema"]
