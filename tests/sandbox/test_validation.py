"""Query parsing (qs), ajv-style coercion and messages, Meteor `check` messages."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.sandbox.compat.ajv import (
    NUMBER,
    STRING,
    STRINGS,
    ValidationError,
    closed,
    validate,
)
from gateway.sandbox.compat.meteor import Including, MatchError, Maybe, check
from gateway.sandbox.compat.qs import parse_query, split_query

QUERY = closed(
    {
        "term": STRING,
        "count": NUMBER,
        "agents": STRINGS,
        "flag": {"type": "boolean"},
        "dep": {"anyOf": [STRING, STRINGS]},
    },
    ("term",),
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("a=1&a=2", {"a": ["1", "2"]}, id="repeat"),
        pytest.param("a[]=1", {"a": ["1"]}, id="brackets"),
        pytest.param("a[b]=1&a[c]=2", {"a": {"b": "1", "c": "2"}}, id="object"),
        pytest.param("a=x+y%2Bz&b", {"a": "x y+z", "b": ""}, id="decoding"),
        pytest.param("a=1&a[]=2", {"a": ["1", "2"]}, id="mixed"),
        pytest.param("=x&&c=%E2%9C%93", {"c": "✓"}, id="empty-key-and-utf8"),
    ],
)
def test_query_strings_parse_like_qs(raw: str, expected: dict[str, Any]) -> None:
    assert parse_query(split_query(raw)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"term": ""}, {"term": ""}, id="empty-term"),
        pytest.param({"term": ["a"]}, {"term": "a"}, id="unwrap"),
        pytest.param(
            {"term": "a", "agents": "x"}, {"term": "a", "agents": ["x"]}, id="wrap"
        ),
        pytest.param(
            {"term": "a", "count": "1.5"}, {"term": "a", "count": 1.5}, id="float"
        ),
        pytest.param(
            {"term": "a", "count": "-5"}, {"term": "a", "count": -5}, id="negative"
        ),
        pytest.param(
            {"term": "a", "count": ""}, {"term": "a", "count": None}, id="blank"
        ),
        pytest.param(
            {"term": "a", "flag": "false"}, {"term": "a", "flag": False}, id="bool"
        ),
        pytest.param(
            {"term": "a", "dep": ["x", "y"]}, {"term": "a", "dep": ["x", "y"]}, id="any"
        ),
    ],
)
def test_coercion(query: dict[str, Any], expected: dict[str, Any]) -> None:
    assert validate(QUERY, query) == expected


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        pytest.param({}, ["must have required property 'term'"], id="required"),
        pytest.param(
            {"x": "1"}, ["must have required property 'term'"], id="required-first"
        ),
        pytest.param(
            {"term": "a", "x": "1"}, ["must NOT have additional properties"], id="extra"
        ),
        pytest.param({"term": ["a", "b"]}, ["must be string"], id="two-values"),
        pytest.param({"term": "a", "count": "abc"}, ["must be number"], id="number"),
        pytest.param({"term": "a", "flag": "1"}, ["must be boolean"], id="boolean"),
        pytest.param({"term": {"b": "1"}}, ["must be string"], id="object"),
        pytest.param(
            {"term": "a", "dep": {"b": "1"}},
            ["must be string", "must be array", "must match a schema in anyOf"],
            id="anyof",
        ),
    ],
)
def test_ajv_messages(query: dict[str, Any], messages: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        validate(QUERY, query)
    assert caught.value.messages == messages


BODY = {
    "visitor": Including(
        {
            "token": str,
            "name": Maybe(str),
            "customFields": Maybe([Including({"key": str, "overwrite": bool})]),
        }
    )
}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({}, "Match error: Missing key 'visitor'", id="missing"),
        pytest.param("text", "Match error: Expected object, got string", id="text"),
        pytest.param(
            {"extra": 1, "visitor": {}},
            "Match error: Unknown key in field extra",
            id="extra",
        ),
        pytest.param(
            {"visitor": {"name": 5}},
            "Match error: Expected string, got number in field visitor.name",
            id="type-before-missing",
        ),
        pytest.param(
            {"visitor": {"name": "n"}},
            "Match error: Missing key 'token' in field visitor",
            id="missing-nested",
        ),
        pytest.param(
            {
                "visitor": {
                    "token": "t",
                    "customFields": [{"key": "k", "overwrite": "no"}],
                }
            },
            "Match error: Expected boolean, got string in field "
            "visitor.customFields[0].overwrite",
            id="array-item",
        ),
    ],
)
def test_meteor_check_messages(body: Any, message: str) -> None:
    with pytest.raises(MatchError) as caught:
        check(body, BODY)
    assert str(caught.value) == message


def test_meteor_check_accepts_null_optionals_and_extra_keys() -> None:
    check({"visitor": {"token": "t", "name": None, "connectionData": {}}}, BODY)
