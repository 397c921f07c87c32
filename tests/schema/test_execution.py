"""The executor's shortcut for plain fields gives what graphql-core gives.

Each query runs on a small schema twice, once with `FieldExecutor` and once
with Strawberry's own executor; data and errors (message, path, locations)
must be identical. The gateway's own schema is checked over HTTP below.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

import pytest
import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from gateway.schema import schema as gateway_schema
from gateway.schema.execution import SLOW, FieldExecutor, shortcuts_of
from gateway.schema.scalars import DateTime

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tests.conftest import GraphQLClient


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Thing(relay.Node):
    raw_id: relay.NodeID[str]
    name: str | None = strawberry.field(graphql_type=str)  # non-null in GraphQL
    label: str | None
    count: int
    colour: Colour | None
    when: datetime | None
    tags: list[str | None] = strawberry.field(graphql_type=list[str])
    strict_tags: list[str]
    data: JSON | None
    plain: strawberry.Private[Any] = None

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return (self.label or "") * times

    @strawberry.field
    def upper(self) -> str | None:
        return self.label.upper() if self.label else None

    @strawberry.field
    def broken_leaf(self) -> int:
        raise ValueError("no count")

    @classmethod
    def resolve_nodes(  # type: ignore[override]
        cls, *, info: Any, node_ids: Iterable[str], required: bool = False
    ) -> list[Thing | None]:
        return []


class Explodes:
    """A source whose attribute raises when read."""

    @property
    def label(self) -> str:
        raise RuntimeError("unreadable")


def thing(**changes: Any) -> Thing:
    values: dict[str, Any] = {
        "raw_id": "t1",
        "name": "one",
        "label": "ab",
        "count": 3,
        "colour": Colour.BLUE,
        "when": datetime(2024, 3, 14, 13, 21, 2, 239000, tzinfo=UTC),
        "tags": ["x", "y"],
        "strict_tags": ["p"],
        "data": {"k": [1, 2]},
    }
    values.update(changes)
    return Thing(**values)


THINGS: dict[str, list[Thing]] = {}


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return THINGS["things"]

    @strawberry.field
    def maybe(self) -> Thing | None:
        return THINGS["maybe"][0]


def build(executor: type[Any] | None) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=[Thing],
        scalar_overrides={datetime: DateTime},
        execution_context_class=executor,
    )


FAST = build(FieldExecutor)
PLAIN = build(None)

FIELDS = "id name label count colour when tags strictTags data __typename"

QUERIES = [
    f"{{ things {{ {FIELDS} }} }}",
    f"{{ maybe {{ {FIELDS} }} }}",
    "{ things { a: label b: label label, n: count } }",
    "{ things { ...T } } fragment T on Thing { label count ...U } "
    "fragment U on Thing { tags }",
    "{ things { ... on Thing { when colour } } }",
    "query($no: Boolean = true) { things { label @skip(if: $no) "
    "count @include(if: $no) name @include(if: false) } }",
    "{ things { shout(times: 2) upper label } }",
    "{ things { label brokenLeaf } }",
    "{ maybe { label brokenLeaf } }",
]

SOURCES: dict[str, list[Thing]] = {
    "plain": [thing(), thing(raw_id="t2", label=None, colour=None, when=None)],
    "null for a non-null leaf": [thing(), thing(name=None)],
    "null in a non-null list": [thing(strict_tags=["a", None])],
    "null item allowed": [thing(tags=["a", None])],
    "not a list": [thing(tags="abc")],
    "scalar refuses": [thing(count="many")],
    "int out of range": [thing(count=2**40)],
    "bool for a string": [thing(label=True, tags=[False])],
    "enum refuses": [thing(colour="green")],
    "naive date": [thing(when=datetime(2024, 1, 1))],
    "exception as value": [thing(label=ValueError("as a value"))],
    "exception as a JSON value": [thing(data=ValueError("as a value"))],
    "unreadable attribute": [cast("Thing", Explodes())],
}


def run(schema: strawberry.Schema, query: str) -> dict[str, Any]:
    result = schema.execute_sync(query)
    return {
        "data": result.data,
        "errors": [error.formatted for error in result.errors or []],
    }


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("case", list(SOURCES))
def test_same_result_as_graphql_core(case: str, query: str) -> None:
    THINGS["things"] = SOURCES[case]
    THINGS["maybe"] = SOURCES[case][-1:]
    fast = run(FAST, query)
    assert fast == run(PLAIN, query)
    if case == "plain":
        assert not fast["errors"] or "brokenLeaf" in query


def test_error_keeps_graphql_cores_message_and_path() -> None:
    THINGS["things"] = [thing(), thing(name=None)]
    result = run(FAST, "{ things { label name } }")
    assert result["data"] is None
    assert result["errors"] == [
        {
            "message": "Cannot return null for non-nullable field Thing.name.",
            "locations": [{"line": 1, "column": 18}],
            "path": ["things", 1, "name"],
        }
    ]


def thing_type() -> Any:
    return FAST._schema.type_map["Thing"]


def test_plain_fields_take_the_shortcut() -> None:
    shortcuts = shortcuts_of(thing_type())
    taken = {name for name, shortcut in shortcuts.items() if shortcut is not None}
    assert taken == {
        "id",
        "name",
        "label",
        "count",
        "colour",
        "when",
        "tags",
        "strictTags",
        "data",
    }
    source = thing()

    def shortcut(name: str) -> Any:
        found = shortcuts[name]
        assert found is not None
        return found

    assert shortcut("id")(source) == "VGhpbmc6dDE="  # base64("Thing:t1")
    assert shortcut("when")(source) == "2024-03-14T13:21:02.239Z"
    assert shortcut("colour")(source) == "BLUE"
    assert shortcut("name")(thing(name=None)) is SLOW
    assert shortcut("label")(thing(label=None)) is None


def test_resolvers_and_arguments_take_graphql_cores_path() -> None:
    shortcuts = shortcuts_of(thing_type())
    assert shortcuts["shout"] is None
    assert shortcuts["upper"] is None
    assert shortcuts["brokenLeaf"] is None


def test_gateway_schema_runs_on_the_field_executor() -> None:
    assert gateway_schema.execution_context_class is FieldExecutor


ROOM_FIELDS = "id rocketChatId name state open onHold createdAt tags"


@pytest.mark.anyio
async def test_rooms_alike_through_aliases_fragments_and_directives(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    plain = await gql(
        f"{{ rooms(first: 5) {{ nodes {{ {ROOM_FIELDS} __typename }} }} }}",
        headers=admin,
    )
    assert "errors" not in plain
    rooms = plain["data"]["rooms"]["nodes"]
    assert rooms
    mixed = await gql(
        "query($yes: Boolean!) { rooms(first: 5) { nodes { "
        "key: id ...R n: name @include(if: $yes) skipped: open @skip(if: $yes) "
        "__typename } } } "
        "fragment R on Room { rocketChatId ... on Room { state onHold } }",
        variables={"yes": True},
        headers=admin,
    )
    assert "errors" not in mixed
    assert mixed["data"]["rooms"]["nodes"] == [
        {
            "key": room["id"],
            "rocketChatId": room["rocketChatId"],
            "state": room["state"],
            "onHold": room["onHold"],
            "n": room["name"],
            "__typename": "Room",
        }
        for room in rooms
    ]
