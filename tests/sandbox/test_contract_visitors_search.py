"""Contract: GET livechat/visitors.search (CONTRACT §1)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    invalid_sort,
    listing,
    newest_first,
    project,
    running,
    write_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/visitors.search"
SEARCH_KEYS = (
    "_id",
    "username",
    "name",
    "phone",
    "livechatData",
    "visitorEmails",
    "lastChat",
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def shown(doc: Doc) -> Doc:
    return project(doc, SEARCH_KEYS)


def found(*refs: str) -> list[Doc]:
    return [shown(doc) for doc in newest_first(FIXTURE.visitor(r) for r in refs)]


def enabled_visitors() -> list[Doc]:
    return [v for v in FIXTURE.docs("livechat_visitor") if not v.get("disabled")]


GUEST_1 = [v for v in enabled_visitors() if "guest-1" in v["username"]]


@pytest.mark.parametrize(
    ("term", "refs"),
    [
        pytest.param("alice", ["alice", "cooper"], id="name-substring"),
        pytest.param("ALICE", ["alice", "cooper"], id="name-case-insensitive"),
        pytest.param("ice Smi", ["alice"], id="name-inner-substring"),
        pytest.param("alice@example.com", ["alice"], id="email-exact"),
        pytest.param("Alice@example.com", [], id="email-case-sensitive"),
        pytest.param("mixed@example.com", ["cooper"], id="email-exact-other"),
        pytest.param("example.com", [], id="email-no-substring"),
        pytest.param("+15550001111", ["alice"], id="phone-exact"),
        pytest.param("5550001111", [], id="phone-no-partial"),
        pytest.param("555-0003", ["carol"], id="phone-verbatim"),
        pytest.param("+15550007777", [], id="disabled-excluded-by-phone"),
        pytest.param("Disabled", [], id="disabled-excluded-by-name"),
        pytest.param("(VIP)", ["carol"], id="regex-parens-literal"),
        pytest.param("vip", ["carol", "lounge"], id="name-and-username"),
        pytest.param(".*", ["regex"], id="regex-dot-star-literal"),
        pytest.param(
            "guest-10",
            ["alice", "bob", "regex", "cooper", "nameless", "dana", "lounge"],
            id="username-substring",
        ),
        pytest.param("carol.vip", ["carol"], id="username-with-dot"),
        pytest.param("wallaby", ["dana"], id="searchable-custom-field"),
        pytest.param("BAKER", ["alice"], id="searchable-custom-field-case"),
        pytest.param("globex", [], id="custom-field-not-searchable"),
        pytest.param("gold", [], id="custom-field-not-searchable-2"),
        pytest.param("TCK-777", [], id="room-scope-custom-field-ignored"),
        pytest.param("jane doe", ["jane", "janejr"], id="name-substring-two"),
        pytest.param("no such visitor", [], id="no-match"),
    ],
)
def test_matching(sandbox: Sandbox, term: str, refs: list[str]) -> None:
    r = sandbox.get(PATH, {"term": term})
    expected = found(*refs)
    assert r.status_code == 200
    assert r.json() == listing("visitors", expected, len(expected))


def test_projection_of_a_rich_visitor(sandbox: Sandbox) -> None:
    alice = FIXTURE.visitor("alice")
    r = sandbox.get(PATH, {"term": "Alice Smith"})
    assert r.status_code == 200
    assert r.json()["visitors"] == [
        {
            "_id": alice["_id"],
            "username": "guest-101",
            "name": "Alice Smith",
            "phone": [{"phoneNumber": "+15550001111"}],
            "livechatData": alice["livechatData"],
            "visitorEmails": [{"address": "alice@example.com"}],
            "lastChat": alice["lastChat"],
        }
    ]


def test_projection_of_a_bare_visitor(sandbox: Sandbox) -> None:
    nameless = FIXTURE.visitor("nameless")
    r = sandbox.get(PATH, {"term": "guest-106"})
    assert r.status_code == 200
    assert r.json() == listing(
        "visitors", [{"_id": nameless["_id"], "username": "guest-106"}], 1
    )


@pytest.mark.parametrize(
    ("params", "offset", "window"),
    [
        pytest.param({}, 0, slice(None), id="default-all"),
        pytest.param({"count": "1"}, 0, slice(0, 1), id="count-1"),
        pytest.param({"count": "3", "offset": "2"}, 2, slice(2, 5), id="window"),
        pytest.param({"offset": "8"}, 8, slice(8, None), id="last-page"),
        pytest.param({"offset": "10"}, 10, slice(10, None), id="offset-at-total"),
        pytest.param({"offset": "50"}, 50, slice(50, None), id="offset-past-total"),
        pytest.param({"count": "0"}, 0, slice(None), id="count-0-no-limit"),
        pytest.param({"count": "1.9"}, 0, slice(0, 1), id="count-truncated"),
        pytest.param(
            {"offset": "1.5", "count": "2"}, 1, slice(1, 3), id="offset-trunc"
        ),
        pytest.param({"count": ""}, 0, slice(None), id="count-empty-default"),
        pytest.param({"offset": ""}, 0, slice(None), id="offset-empty"),
    ],
)
def test_pagination(
    sandbox: Sandbox, params: dict[str, str], offset: int, window: slice
) -> None:
    everyone = [shown(doc) for doc in newest_first(GUEST_1)]
    r = sandbox.get(PATH, {"term": "guest-1", **params})
    assert r.status_code == 200
    assert r.json() == listing("visitors", everyone[window], len(everyone), offset)


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        pytest.param('{"ts":1}', "ts", False, id="ts-ascending"),
        pytest.param('{"ts":-1}', "ts", True, id="ts-descending"),
        pytest.param('{"username":-1}', "username", True, id="username-desc"),
        pytest.param('{"ts": 1.0}', "ts", False, id="one-point-zero-is-one"),
    ],
)
def test_sort(sandbox: Sandbox, sort: str, key: str, reverse: bool) -> None:
    expected = [
        shown(d) for d in sorted(GUEST_1, key=lambda d: d[key], reverse=reverse)
    ]
    r = sandbox.get(PATH, {"term": "guest-1", "sort": sort})
    assert r.status_code == 200
    assert r.json() == listing("visitors", expected, len(expected))


def test_sort_by_name_is_binary_with_missing_first(sandbox: Sandbox) -> None:
    nameless = [d for d in GUEST_1 if "name" not in d]
    named = sorted((d for d in GUEST_1 if "name" in d), key=lambda d: d["name"])
    expected = [shown(d) for d in nameless + named]
    r = sandbox.get(PATH, {"term": "guest-1", "sort": '{"name":1}'})
    assert r.status_code == 200
    assert r.json() == listing("visitors", expected, len(expected))
    # Upper case sorts before lower case in binary order.
    names = [d.get("name") for d in r.json()["visitors"]]
    assert names.index("ALICE COOPER") < names.index("Alice Smith")


def test_empty_sort_object_is_natural_order(sandbox: Sandbox) -> None:
    expected = [shown(d) for d in GUEST_1]
    r = sandbox.get(PATH, {"term": "guest-1", "sort": "{}"})
    assert r.status_code == 200
    assert r.json() == listing("visitors", expected, len(expected))


def test_sort_on_unknown_field_is_accepted(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"term": "guest-1", "sort": '{"noSuchField":1}'})
    assert r.status_code == 200
    body = r.json()
    assert sorted(v["_id"] for v in body["visitors"]) == sorted(
        d["_id"] for d in GUEST_1
    )
    assert (body["total"], body["count"], body["offset"]) == (10, 10, 0)


@pytest.mark.parametrize(
    "sort",
    [
        pytest.param("{bad", id="not-json"),
        pytest.param('{"ts":2}', id="value-2"),
        pytest.param('{"ts":"1"}', id="value-string"),
        pytest.param('{"ts":-1,"name":0}', id="value-0"),
        pytest.param("ts", id="bare-word"),
    ],
)
def test_invalid_sort(sandbox: Sandbox, sort: str) -> None:
    r = sandbox.get(PATH, {"term": "alice", "sort": sort})
    assert r.status_code == 400
    assert r.json() == invalid_sort(sort)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({}, "must have required property 'term'", id="term-missing"),
        pytest.param(
            {"count": "5"}, "must have required property 'term'", id="only-count"
        ),
        pytest.param(
            {"term": "a", "text": "b"},
            "must NOT have additional properties",
            id="extra-text",
        ),
        pytest.param(
            {"term": "a", "fields": '{"name":1}'},
            "must NOT have additional properties",
            id="extra-fields",
        ),
        pytest.param(
            {"term": "a", "query": "{}"},
            "must NOT have additional properties",
            id="extra-query",
        ),
        pytest.param({"term": "a", "count": "abc"}, "must be number", id="count-nan"),
        pytest.param({"term": "a", "offset": "x"}, "must be number", id="offset-nan"),
        pytest.param(
            [("term", "a"), ("term", "b")], "must be string", id="term-two-values"
        ),
        pytest.param({"term[x]": "a"}, "must be string", id="term-object"),
    ],
)
def test_validation(sandbox: Sandbox, params: Any, message: str) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


def test_term_array_of_one_is_unwrapped(sandbox: Sandbox) -> None:
    expected = found("alice", "cooper")
    r = sandbox.get(PATH, [("term[]", "alice")])
    assert r.status_code == 200
    assert r.json() == listing("visitors", expected, 2)


def test_empty_term_is_allowed(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"term": ""})
    assert r.status_code == 200
    assert r.json()["success"] is True


@pytest.mark.parametrize("user", ["agent1", "manager", "monitor", "admin"])
def test_roles_with_view_l_room(sandbox: Sandbox, user: str) -> None:
    expected = found("alice", "cooper")
    r = sandbox.get(PATH, {"term": "alice"}, user=user)
    assert r.status_code == 200
    assert r.json() == listing("visitors", expected, 2)


@pytest.mark.parametrize(
    ("user", "params", "status", "body"),
    [
        pytest.param(None, {"term": "a"}, 401, UNAUTHENTICATED, id="anonymous"),
        pytest.param(None, {"bogus": "1"}, 401, UNAUTHENTICATED, id="401-before-400"),
        pytest.param("viewer", {"term": "a"}, 403, FORBIDDEN, id="viewer"),
        pytest.param("viewer", {}, 403, FORBIDDEN, id="403-before-400"),
        pytest.param(
            "viewer", {"term": "a", "sort": "{"}, 403, FORBIDDEN, id="403-sort"
        ),
    ],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: str | None, params: Doc, status: int, body: Doc
) -> None:
    r = sandbox.get(PATH, params, user=user)
    assert r.status_code == status
    assert r.json() == body


def test_empty_term_without_searchable_fields_finds_everyone(tmp_path: Path) -> None:
    def unsearchable(raw: dict[str, list[Doc]]) -> None:
        for custom_field in raw["livechat_custom_field"]:
            custom_field["searchable"] = False

    expected = [shown(d) for d in newest_first(enabled_visitors())]
    with running(write_fixture(tmp_path, unsearchable)) as served:
        r = served.get(PATH, {"term": ""})
        wallaby = served.get(PATH, {"term": "wallaby"})
    assert r.status_code == 200
    assert r.json() == listing("visitors", expected, len(expected))
    assert wallaby.json() == listing("visitors", [], 0)


def test_sort_error_echoes_raw_string_with_quotes(sandbox: Sandbox) -> None:
    raw = json.dumps({"name": "up"})
    r = sandbox.get(PATH, {"term": "x", "sort": raw})
    assert r.status_code == 400
    assert r.json() == invalid_sort(raw)
