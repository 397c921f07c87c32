"""Contract: GET livechat/visitors.info (CONTRACT §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    running,
    without,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/visitors.info"
NOT_FOUND = {"success": False, "error": "visitor-not-found"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


@pytest.mark.parametrize(
    "ref", ["alice", "bob", "carol", "regex", "nameless", "dana", "old", "lounge"]
)
def test_found_without_token(sandbox: Sandbox, ref: str) -> None:
    visitor = FIXTURE.visitor(ref)
    r = sandbox.get(PATH, {"visitorId": visitor["_id"]})
    assert r.status_code == 200
    assert r.json() == {"visitor": without(visitor, "token"), "success": True}


@pytest.mark.parametrize(
    "visitor_id",
    [
        pytest.param(FIXTURE.visitor("disabled")["_id"], id="disabled"),
        pytest.param("000000000000000000000000", id="unknown"),
        pytest.param("", id="empty"),
        pytest.param(FIXTURE.visitor("alice")["_id"].upper(), id="case-sensitive"),
        pytest.param("tok-alice", id="token-is-not-an-id"),
    ],
)
def test_not_found(sandbox: Sandbox, visitor_id: str) -> None:
    r = sandbox.get(PATH, {"visitorId": visitor_id})
    assert r.status_code == 400
    assert r.json() == NOT_FOUND


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({}, "must have required property 'visitorId'", id="missing"),
        pytest.param(
            {"visitorId": "x", "token": "y"},
            "must NOT have additional properties",
            id="extra",
        ),
        pytest.param(
            {"visitorId": "x", "count": "1"},
            "must NOT have additional properties",
            id="no-paging",
        ),
        pytest.param(
            [("visitorId", "a"), ("visitorId", "b")], "must be string", id="array"
        ),
    ],
)
def test_validation(sandbox: Sandbox, params: Any, message: str) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


def test_one_element_array_is_unwrapped(sandbox: Sandbox) -> None:
    bob = FIXTURE.visitor("bob")
    r = sandbox.get(PATH, [("visitorId[]", bob["_id"])])
    assert r.status_code == 200
    assert r.json() == {"visitor": without(bob, "token"), "success": True}


@pytest.mark.parametrize("user", ["agent1", "manager", "monitor"])
def test_view_l_room_roles(sandbox: Sandbox, user: str) -> None:
    dana = FIXTURE.visitor("dana")
    r = sandbox.get(PATH, {"visitorId": dana["_id"]}, user=user)
    assert r.status_code == 200
    assert r.json() == {"visitor": without(dana, "token"), "success": True}


@pytest.mark.parametrize(
    ("user", "params", "status", "body"),
    [
        pytest.param(None, {"visitorId": "x"}, 401, UNAUTHENTICATED, id="anonymous"),
        pytest.param(None, {}, 401, UNAUTHENTICATED, id="401-before-400"),
        pytest.param("viewer", {"visitorId": "x"}, 403, FORBIDDEN, id="viewer"),
        pytest.param("viewer", {}, 403, FORBIDDEN, id="403-before-400"),
    ],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: str | None, params: Doc, status: int, body: Doc
) -> None:
    r = sandbox.get(PATH, params, user=user)
    assert r.status_code == status
    assert r.json() == body
