"""Contract: GET livechat/visitors.pagesVisited/:roomId (CONTRACT §7)."""

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
    listing,
    running,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

ALICE_ROOM = FIXTURE.room("alice-open")["_id"]
PATH = f"livechat/visitors.pagesVisited/{ALICE_ROOM}"
NEWEST_FIRST = FIXTURE.refs(
    "rocketchat_message", "nav-checkout", "nav-pricing", "nav-home"
)
INVALID_ROOM = {"success": False, "error": "invalid-room"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def test_navigation_history_newest_first_hidden_included(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH)
    assert r.status_code == 200
    assert r.json() == listing("pages", NEWEST_FIRST, 3)


def test_plain_chat_messages_are_not_pages(sandbox: Sandbox) -> None:
    hello = FIXTURE.message("chat-hello")["_id"]
    r = sandbox.get(PATH, {"count": "0"})
    assert hello not in [page["_id"] for page in r.json()["pages"]]


def test_whole_document_round_trip(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"sort": '{"ts":1}', "count": "1"})
    assert r.json()["pages"] == [FIXTURE.message("nav-home")]
    assert r.json()["pages"][0]["fixtureRef"] == "nav-home"


@pytest.mark.parametrize(
    ("params", "offset", "window"),
    [
        pytest.param({"count": "1"}, 0, slice(0, 1), id="count-1"),
        pytest.param({"count": "1", "offset": "1"}, 1, slice(1, 2), id="second"),
        pytest.param({"offset": "3"}, 3, slice(3, None), id="offset-at-total"),
        pytest.param({"offset": "7"}, 7, slice(7, None), id="offset-past-total"),
        pytest.param({"count": "0"}, 0, slice(None), id="count-0"),
        pytest.param({"count": "2.5"}, 0, slice(0, 2), id="truncated"),
    ],
)
def test_pagination(sandbox: Sandbox, params: Doc, offset: int, window: slice) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 200
    assert r.json() == listing("pages", NEWEST_FIRST[window], 3, offset)


def test_sort_ascending(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"sort": '{"ts":1}'})
    assert r.json() == listing("pages", NEWEST_FIRST[::-1], 3)


def test_sort_by_message_text(sandbox: Sandbox) -> None:
    expected = sorted(NEWEST_FIRST, key=lambda page: page["msg"], reverse=True)
    r = sandbox.get(PATH, {"sort": '{"msg":-1}'})
    assert r.json() == listing("pages", expected, 3)


def test_other_room_has_its_own_pages(sandbox: Sandbox) -> None:
    room = FIXTURE.room("carol-closed")["_id"]
    r = sandbox.get(f"livechat/visitors.pagesVisited/{room}")
    assert r.json() == listing("pages", [FIXTURE.message("nav-carol")], 1)


@pytest.mark.parametrize(
    "ref", ["bob-queued", "general"], ids=["room-without-pages", "non-livechat-room"]
)
def test_room_without_pages(sandbox: Sandbox, ref: str) -> None:
    room = FIXTURE.room(ref)["_id"]
    r = sandbox.get(f"livechat/visitors.pagesVisited/{room}")
    assert r.status_code == 200
    assert r.json() == listing("pages", [], 0)


@pytest.mark.parametrize(
    "room_id",
    [
        pytest.param("NoSuchRoom1234567", id="unknown"),
        pytest.param(ALICE_ROOM.lower(), id="case-sensitive"),
        pytest.param(FIXTURE.visitor("alice")["_id"], id="visitor-id"),
    ],
)
def test_invalid_room(sandbox: Sandbox, room_id: str) -> None:
    r = sandbox.get(f"livechat/visitors.pagesVisited/{room_id}")
    assert r.status_code == 400
    assert r.json() == INVALID_ROOM


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            {"roomId": ALICE_ROOM}, "must NOT have additional properties", id="roomId"
        ),
        pytest.param({"foo": "1"}, "must NOT have additional properties", id="extra"),
        pytest.param({"count": "x"}, "must be number", id="count-nan"),
    ],
)
def test_validation(sandbox: Sandbox, params: Doc, message: str) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


@pytest.mark.parametrize("sort", ["{oops", '{"ts":5}'])
def test_invalid_sort(sandbox: Sandbox, sort: str) -> None:
    r = sandbox.get(PATH, {"sort": sort})
    assert r.status_code == 400
    assert r.json() == invalid_sort(sort)


@pytest.mark.parametrize("user", ["agent2", "manager", "monitor"])
def test_no_per_room_check_beyond_permission(sandbox: Sandbox, user: str) -> None:
    r = sandbox.get(PATH, user=user)
    assert r.status_code == 200
    assert r.json() == listing("pages", NEWEST_FIRST, 3)


@pytest.mark.parametrize(
    ("user", "path", "params", "status", "body"),
    [
        pytest.param(None, PATH, {}, 401, UNAUTHENTICATED, id="anonymous"),
        pytest.param("viewer", PATH, {}, 403, FORBIDDEN, id="viewer"),
        pytest.param("viewer", PATH, {"foo": "1"}, 403, FORBIDDEN, id="403-before-400"),
        pytest.param(
            "viewer",
            "livechat/visitors.pagesVisited/NoSuchRoom1234567",
            {},
            403,
            FORBIDDEN,
            id="403-before-invalid-room",
        ),
        pytest.param(
            None,
            "livechat/visitors.pagesVisited/NoSuchRoom1234567",
            {},
            401,
            UNAUTHENTICATED,
            id="401-before-invalid-room",
        ),
    ],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: str | None, path: str, params: Any, status: int, body: Doc
) -> None:
    r = sandbox.get(path, params, user=user)
    assert r.status_code == status
    assert r.json() == body


@pytest.mark.parametrize(
    "raw_room",
    [
        pytest.param(f"{ALICE_ROOM}%2Fx", id="encoded-slash-suffix"),
        pytest.param("a%2Fb", id="encoded-slash"),
    ],
)
def test_encoded_slash_stays_in_the_room_id(sandbox: Sandbox, raw_room: str) -> None:
    r = sandbox.raw_get(
        f"/api/v1/livechat/visitors.pagesVisited/{raw_room}", user="admin"
    )
    assert r.status_code == 400
    assert r.json() == INVALID_ROOM
