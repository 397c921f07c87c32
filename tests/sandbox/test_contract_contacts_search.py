"""Contract: GET omnichannel/contacts.search (CONTRACT §9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    invalid_sort,
    project,
    running,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

PATH = "omnichannel/contacts.search"
USERS = {user["_id"]: user for user in FIXTURE.raw["users"]}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def shown(doc: Doc) -> Doc:
    """A contact as contacts.search shows it: the manager expanded or dropped."""
    shown_doc = dict(doc)
    manager = shown_doc.pop("contactManager", None)
    if manager in USERS:
        shown_doc["contactManager"] = project(
            USERS[manager], ["_id", "name", "username"]
        )
    return shown_doc


def by_name(*refs: str) -> list[Doc]:
    return sorted(
        (shown(FIXTURE.contact(ref)) for ref in refs), key=lambda c: c["name"]
    )


KNOWN = by_name("alice", "bob", "carol", "aaron")
UNKNOWN = by_name("yara", "zed")


def page(contacts: list[Doc], total: int, count: int = 50, offset: int = 0) -> Doc:
    return {
        "contacts": contacts,
        "count": count,
        "offset": offset,
        "total": total,
        "success": True,
    }


def test_default_is_known_contacts_by_name_binary(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH)
    assert r.status_code == 200
    assert r.json() == page(KNOWN, 4)
    assert [c["name"] for c in r.json()["contacts"]] == [
        "Aaron Ace",
        "Alice Smith",
        "Carol Jones",
        "bob stone",
    ]


def test_contact_manager_expanded_or_omitted(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"searchText": "e"})
    by_ref = {c["fixtureRef"]: c for c in r.json()["contacts"]}
    assert by_ref["alice"]["contactManager"] == {
        "_id": FIXTURE.user_id("cmgr"),
        "name": "Carla Manager",
        "username": "cmgr",
    }
    assert "contactManager" not in by_ref["bob"]
    assert by_ref["alice"]["loyaltyPoints"] == 120


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"unknown": "false"}, KNOWN, id="unknown-false"),
        pytest.param({"unknown": "true"}, UNKNOWN, id="unknown-true"),
        pytest.param({"searchText": ""}, KNOWN, id="empty-search"),
        pytest.param(
            {"searchText": "+1555"}, by_name("alice", "bob"), id="plus-literal"
        ),
        pytest.param({"searchText": "0001111"}, by_name("alice"), id="phone-substring"),
        pytest.param(
            {"searchText": "example.org"}, by_name("bob"), id="email-substring"
        ),
        pytest.param({"searchText": "VIP.EXAMPLE"}, by_name("carol"), id="email-case"),
        pytest.param({"searchText": "ALICE"}, by_name("alice"), id="name-case"),
        pytest.param({"searchText": "ston"}, by_name("bob"), id="name-substring"),
        pytest.param({"searchText": "aaron+test"}, by_name("aaron"), id="escaped-plus"),
        pytest.param({"searchText": "(x"}, [], id="unbalanced-paren-literal"),
        pytest.param({"searchText": "NoFlag"}, [], id="no-unknown-flag-false"),
        pytest.param(
            {"searchText": "NoFlag", "unknown": "true"}, [], id="no-unknown-flag-true"
        ),
        pytest.param({"searchText": "Eve"}, [], id="disabled"),
        pytest.param(
            {"searchText": "+4930", "unknown": "true"},
            by_name("zed"),
            id="unknown-phone",
        ),
        pytest.param({"searchText": "+4930"}, [], id="unknown-not-by-default"),
    ],
)
def test_matching(sandbox: Sandbox, params: Doc, expected: list[Doc]) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 200
    assert r.json() == page(expected, len(expected))


@pytest.mark.parametrize(
    ("params", "count", "offset", "window"),
    [
        pytest.param({"count": "2"}, 2, 0, slice(0, 2), id="count-2"),
        pytest.param({"count": "1"}, 1, 0, slice(0, 1), id="count-1"),
        pytest.param({"count": "0"}, 0, 0, slice(None), id="count-0-echoed"),
        pytest.param({"count": "101"}, 100, 0, slice(None), id="count-clamped-echo"),
        pytest.param({"count": "1.9"}, 1, 0, slice(0, 1), id="count-truncated"),
        pytest.param({"count": ""}, 50, 0, slice(None), id="count-empty"),
        pytest.param({"offset": "3"}, 50, 3, slice(3, None), id="offset-3"),
        pytest.param({"offset": "4"}, 50, 4, slice(4, None), id="offset-at-total"),
        pytest.param({"offset": "40", "count": "5"}, 5, 40, slice(40, None), id="past"),
    ],
)
def test_count_quirk(
    sandbox: Sandbox, params: Doc, count: int, offset: int, window: slice
) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 200
    assert r.json() == page(KNOWN[window], 4, count, offset)


def test_sort_descending(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"sort": '{"name":-1}'})
    assert r.json() == page(KNOWN[::-1], 4)


def test_sort_by_creation(sandbox: Sandbox) -> None:
    expected = sorted(KNOWN, key=lambda c: c["createdAt"])
    r = sandbox.get(PATH, {"sort": '{"createdAt":1}'})
    assert r.json() == page(expected, 4)


@pytest.mark.parametrize("sort", ["name", '{"name":"1"}', '{"name":1,"x":3}'])
def test_invalid_sort(sandbox: Sandbox, sort: str) -> None:
    r = sandbox.get(PATH, {"sort": sort})
    assert r.status_code == 400
    assert r.json() == invalid_sort(sort)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({"unknown": "yes"}, "must be boolean", id="unknown-yes"),
        pytest.param({"unknown": "1"}, "must be boolean", id="unknown-1"),
        pytest.param({"unknown": "TRUE"}, "must be boolean", id="unknown-upper"),
        pytest.param({"count": "ten"}, "must be number", id="count-nan"),
        pytest.param({"term": "x"}, "must NOT have additional properties", id="term"),
        pytest.param({"email": "x"}, "must NOT have additional properties", id="email"),
        pytest.param(
            [("searchText", "a"), ("searchText", "b")], "must be string", id="two-texts"
        ),
    ],
)
def test_validation(sandbox: Sandbox, params: Any, message: str) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


@pytest.mark.parametrize("user", ["agent1", "manager", "monitor", "cmgr"])
def test_view_livechat_contact_roles(sandbox: Sandbox, user: str) -> None:
    r = sandbox.get(PATH, {"unknown": "true"}, user=user)
    assert r.status_code == 200
    assert r.json() == page(UNKNOWN, 2)


@pytest.mark.parametrize(
    ("user", "params", "status", "body"),
    [
        pytest.param(None, {}, 401, UNAUTHENTICATED, id="anonymous"),
        pytest.param(None, {"x": "1"}, 401, UNAUTHENTICATED, id="401-before-400"),
        pytest.param("viewer", {}, 403, FORBIDDEN, id="viewer"),
        pytest.param("viewer", {"unknown": "yes"}, 403, FORBIDDEN, id="403-before-400"),
    ],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: str | None, params: Doc, status: int, body: Doc
) -> None:
    r = sandbox.get(PATH, params, user=user)
    assert r.status_code == status
    assert r.json() == body
