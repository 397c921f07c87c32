"""The "comes free with a mention" sets name real fields of the types they spare.

A set naming a field the type does not have (a typo, a renamed field) would
silently make every query a lookup, or worse, answer a lookup's field from a
mention; these tests fail first.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType

from gateway.schema import refs, schema
from gateway.schema.visitors import SEARCH_FIELDS
from gateway.upstream.records import (
    ContactRecord,
    DepartmentRecord,
    RoomRecord,
    VisitorRecord,
)

FREE_SETS = [
    pytest.param(refs.EMBEDDED_VISITOR_FIELDS, ["Visitor"], id="embedded-visitor"),
    pytest.param(refs.ID_FIELDS, ["Visitor", "Contact", "Department"], id="id"),
    pytest.param(refs.NAMED_DEPARTMENT_FIELDS, ["Department"], id="named-department"),
    pytest.param(refs.CHAT_REF_FIELDS, ["Room"], id="chat-ref"),
    pytest.param(SEARCH_FIELDS, ["Visitor"], id="visitor-search"),
]


def fields_of(type_name: str) -> set[str]:
    graphql_type = schema._schema.get_type(type_name)
    assert isinstance(graphql_type, GraphQLObjectType)
    return set(graphql_type.fields)


@pytest.mark.parametrize(("free", "type_names"), FREE_SETS)
def test_free_fields_are_fields_of_the_type(
    free: frozenset[str], type_names: list[str]
) -> None:
    for type_name in type_names:
        assert free - {"__typename"} <= fields_of(type_name), type_name


def test_a_misspelt_field_is_caught() -> None:
    assert not {"rocketchatId"} <= fields_of("Visitor")


@pytest.mark.parametrize(
    ("record", "type_name"),
    [
        (VisitorRecord(id="v1"), "Visitor"),
        (RoomRecord(id="r1", visitor=None), "Room"),
        (ContactRecord(id="c1"), "Contact"),
        (DepartmentRecord(id="d1"), "Department"),
    ],
)
def test_every_node_type_registered_its_builder(record: object, type_name: str) -> None:
    built = refs.build(record)  # type: ignore[call-overload]
    assert type(built).__name__ == type_name
    assert built.rocket_chat_id == record.id  # type: ignore[attr-defined]
