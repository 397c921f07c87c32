"""What each field costs upstream: the table demand control (cost.py) reads.

**Adding a field that calls Rocket.Chat** is one entry in `COSTS`, keyed by
(GraphQL type name, field name):

- `calls`: calls the field makes once, whatever it returns (a listing: 1);
- `lookup`: calls per returned item (or for its one value) unless only
  `free` sub-fields are asked (for a connection: the fields of its nodes);
- `items`: how many items the field may return, from its arguments, and so
  what its sub-selection and `lookup` are multiplied by;
- `connection=True`: `items` comes from `first`/`last`, and `last` alone
  costs one call more;
- `shared`: one call per object for all the fields of a selection set with
  the same key (a User's name, emails, ... are one agent lookup);
- `carries`: the items this field returns already hold what `shared`
  lookups with this key would fetch (the agent listing's users).

A field whose resolver makes no call is listed in `FREE` instead, with the
reason; `tests/schema/test_demand.py` fails when a field with a resolver is in
neither table, so a new field cannot be forgotten. Fields without a resolver
cost nothing themselves (their sub-selections still count).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.schema.refs import CHAT_REF_FIELDS, EMBEDDED_VISITOR_FIELDS, ID_FIELDS
from gateway.schema.visitors import SEARCH_FIELDS

if TYPE_CHECKING:
    from collections.abc import Callable

    from gateway.config import Settings

Arguments = dict[str, Any]
# Rocket.Chat does not bound a contact's channels; real contacts have a few.
# The runtime budget still stops a contact with more.
CHANNELS_PER_CONTACT = 5
# Nor an agent's departments; agents are in one or two, and the same few
# departments recur (each is looked up once per request).
DEPARTMENTS_PER_AGENT = 2


def _ids(args: Arguments, settings: Settings) -> int:
    ids = args.get("ids")
    count = len(ids) if isinstance(ids, list) else 1
    return min(count, settings.max_page_size)


def _channels(args: Arguments, settings: Settings) -> int:
    return CHANNELS_PER_CONTACT


def _departments(args: Arguments, settings: Settings) -> int:
    return DEPARTMENTS_PER_AGENT


@dataclass(frozen=True)
class FieldCost:
    """What one field costs upstream (see the module docstring)."""

    calls: int = 0
    lookup: int = 0
    free: frozenset[str] | None = None
    items: Callable[[Arguments, Settings], int] | None = None
    connection: bool = False
    shared: str | None = None
    carries: str | None = None


LISTING = FieldCost(calls=1, connection=True)

COSTS: dict[tuple[str, str], FieldCost] = {
    ("Query", "node"): FieldCost(lookup=1),
    ("Query", "nodes"): FieldCost(lookup=1, items=_ids),
    ("Query", "visitor"): FieldCost(lookup=1),
    ("Query", "visitorByToken"): FieldCost(lookup=1),
    # The search projects visitors down; other fields cost a lookup each.
    ("Query", "visitors"): FieldCost(
        calls=1, lookup=1, free=SEARCH_FIELDS, connection=True
    ),
    ("Query", "rooms"): LISTING,
    ("Query", "contacts"): LISTING,
    ("Room", "visitor"): FieldCost(lookup=1, free=EMBEDDED_VISITOR_FIELDS),
    ("Room", "contact"): FieldCost(lookup=1, free=ID_FIELDS),
    ("Room", "pagesVisited"): LISTING,
    ("Room", "visitorHistory"): LISTING,
    ("Visitor", "lastChat"): FieldCost(lookup=1, free=CHAT_REF_FIELDS),
    # Without a room to gate access through, the visitor is looked up first.
    ("Visitor", "chatHistory"): FieldCost(calls=2, connection=True),
    ("Contact", "lastChat"): FieldCost(lookup=1, free=CHAT_REF_FIELDS),
    ("Contact", "visitors"): FieldCost(lookup=1, free=ID_FIELDS, items=_channels),
    ("Contact", "channels"): FieldCost(items=_channels),
    ("ContactChannel", "visitor"): FieldCost(lookup=1, free=ID_FIELDS),
    ("ContactChannel", "lastChat"): FieldCost(lookup=1, free=CHAT_REF_FIELDS),
    ("Mutation", "registerVisitor"): FieldCost(calls=1),
    ("Mutation", "recordPageVisit"): FieldCost(calls=1),
    # The agent console and the visitor widget.
    ("Query", "departments"): LISTING,
    ("Query", "agents"): LISTING,
    ("Query", "chatMessages"): LISTING,
    ("Room", "messages"): LISTING,
    ("Mutation", "startChat"): FieldCost(calls=1),
    ("Mutation", "sendMessage"): FieldCost(calls=1),
    ("Mutation", "closeChat"): FieldCost(calls=1),
    ("Mutation", "closeRoom"): FieldCost(calls=1),
    ("Mutation", "transferRoom"): FieldCost(calls=1),
    ("Room", "department"): FieldCost(lookup=1, free=ID_FIELDS),
    ("Message", "visitor"): FieldCost(lookup=1, free=EMBEDDED_VISITOR_FIELDS),
    # Any mentioned user (servedBy, closedBy, creator, author, lastAgent,
    # contactManager): its other fields are one agent lookup by username.
    **{
        ("User", name): FieldCost(shared="agent")
        for name in ("name", "emails", "status", "availability", "maxChats")
    },
    ("User", "departments"): FieldCost(
        lookup=1, shared="agent", free=ID_FIELDS, items=_departments
    ),
    # The agent listing returns whole agents: their User fields are free.
    ("UserConnection", "nodes"): FieldCost(carries="agent"),
    ("UserEdge", "node"): FieldCost(carries="agent"),
}

# Fields with a resolver that makes no REST call, and why.
FREE: dict[tuple[str, str], str] = {
    ("Node", "id"): "the global id, from the record's _id",
    ("Visitor", "id"): "the global id, from the record's _id",
    ("Room", "id"): "the global id, from the record's _id",
    ("Contact", "id"): "the global id, from the record's _id",
    ("Department", "id"): "the global id, from the record's _id",
    ("Message", "author"): "the user the message names (its fields are costed)",
}
