"""Contract: GET livechat/visitors.chatHistory/room/:rid/visitor/:vid (CONTRACT §8)."""

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
    newest_first,
    running,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

NOT_ALLOWED = {"success": False, "error": "error-not-allowed"}
INVALID_ROOM = {"success": False, "error": "invalid-room"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def path(room_ref: str, visitor_ref: str) -> str:
    room = FIXTURE.room(room_ref)["_id"] if room_ref != "-" else "NoSuchRoom1234567"
    visitor = FIXTURE.visitor(visitor_ref)["_id"] if visitor_ref != "-" else "f" * 24
    return f"livechat/visitors.chatHistory/room/{room}/visitor/{visitor}"


def history(visitor_ref: str) -> list[Doc]:
    visitor_id = FIXTURE.visitor(visitor_ref)["_id"]
    rooms = FIXTURE.docs("rocketchat_room")
    return newest_first(
        r for r in rooms if r["t"] == "l" and r["v"]["_id"] == visitor_id
    )


def expect_history(r: Any, expected: list[Doc], total: int, offset: int = 0) -> None:
    assert r.status_code == 200, r.text
    assert r.json() == listing("history", expected, total, offset)


def test_all_rooms_of_the_visitor_whole_documents(sandbox: Sandbox) -> None:
    expected = history("alice")
    assert [room["fixtureRef"] for room in expected] == ["alice-open", "alice-closed"]
    expect_history(sandbox.get(path("alice-closed", "alice")), expected, 2)


@pytest.mark.parametrize(
    ("room_ref", "visitor_ref"),
    [
        pytest.param("dana-open", "alice", id="room-of-another-visitor"),
        pytest.param("bob-queued", "bob", id="queued-room"),
        pytest.param("carol-closed", "carol", id="closed-room"),
        pytest.param("general", "carol", id="public-channel"),
    ],
)
def test_room_only_gates_access(
    sandbox: Sandbox, room_ref: str, visitor_ref: str
) -> None:
    expected = history(visitor_ref)
    expect_history(sandbox.get(path(room_ref, visitor_ref)), expected, len(expected))


@pytest.mark.parametrize(
    "visitor_id",
    [
        pytest.param("f" * 24, id="unknown"),
        pytest.param(FIXTURE.visitor("old")["_id"], id="visitor-without-rooms"),
        pytest.param(FIXTURE.room("alice-open")["_id"], id="room-id-as-visitor"),
    ],
)
def test_empty_history(sandbox: Sandbox, visitor_id: str) -> None:
    room = FIXTURE.room("alice-open")["_id"]
    r = sandbox.get(f"livechat/visitors.chatHistory/room/{room}/visitor/{visitor_id}")
    expect_history(r, [], 0)


@pytest.mark.parametrize(
    ("user", "room_ref", "visitor_ref"),
    [
        pytest.param("admin", "carol-open", "carol", id="admin"),
        pytest.param("manager", "carol-open", "carol", id="manager"),
        pytest.param("monitor", "alice-closed", "alice", id="monitor-closed"),
        pytest.param("agent2", "alice-closed", "alice", id="serving-agent-closed"),
        pytest.param("agent1", "alice-open", "alice", id="serving-agent-open"),
        pytest.param("agent1", "bob-hold", "bob", id="serving-agent-on-hold"),
        pytest.param("agent1", "general", "dana", id="agent-public-channel"),
        pytest.param("agent2", "regex-closed", "alice", id="served-room-any-visitor"),
    ],
)
def test_access_granted(
    sandbox: Sandbox, user: str, room_ref: str, visitor_ref: str
) -> None:
    expected = history(visitor_ref)
    r = sandbox.get(path(room_ref, visitor_ref), user=user)
    expect_history(r, expected, len(expected))


@pytest.mark.parametrize(
    ("user", "room_ref", "visitor_ref"),
    [
        pytest.param("agent1", "alice-closed", "alice", id="closed-by-another-agent"),
        pytest.param("agent1", "carol-open", "carol", id="open-served-by-another"),
        pytest.param("agent1", "bob-queued", "bob", id="queued-auto-selection"),
        pytest.param("cmgr", "alice-open", "alice", id="contact-manager-agent"),
    ],
)
def test_access_refused(
    sandbox: Sandbox, user: str, room_ref: str, visitor_ref: str
) -> None:
    r = sandbox.get(path(room_ref, visitor_ref), user=user)
    assert r.status_code == 400
    assert r.json() == NOT_ALLOWED


@pytest.mark.parametrize("user", ["admin", "agent1"])
def test_invalid_room(sandbox: Sandbox, user: str) -> None:
    r = sandbox.get(path("-", "alice"), user=user)
    assert r.status_code == 400
    assert r.json() == INVALID_ROOM


@pytest.mark.parametrize(
    ("params", "offset", "window"),
    [
        pytest.param({"count": "1"}, 0, slice(0, 1), id="count-1"),
        pytest.param({"offset": "1"}, 1, slice(1, None), id="offset-1"),
        pytest.param({"offset": "2"}, 2, slice(2, None), id="offset-at-total"),
        pytest.param({"offset": "9", "count": "3"}, 9, slice(9, None), id="past"),
        pytest.param({"count": "0"}, 0, slice(None), id="count-0"),
    ],
)
def test_pagination(sandbox: Sandbox, params: Doc, offset: int, window: slice) -> None:
    expected = history("bob")
    r = sandbox.get(path("bob-hold", "bob"), params)
    expect_history(r, expected[window], len(expected), offset)


def test_sort_ascending(sandbox: Sandbox) -> None:
    expected = history("carol")[::-1]
    r = sandbox.get(path("carol-open", "carol"), {"sort": '{"ts":1}'})
    expect_history(r, expected, 2)


@pytest.mark.parametrize("sort", ["[", '{"ts":"asc"}'])
def test_invalid_sort(sandbox: Sandbox, sort: str) -> None:
    r = sandbox.get(path("carol-open", "carol"), {"sort": sort})
    assert r.status_code == 400
    assert r.json() == invalid_sort(sort)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            {"roomId": "x"}, "must NOT have additional properties", id="roomId"
        ),
        pytest.param(
            {"visitorId": "x"}, "must NOT have additional properties", id="vid"
        ),
        pytest.param({"offset": "one"}, "must be number", id="offset-nan"),
    ],
)
def test_validation(sandbox: Sandbox, params: Doc, message: str) -> None:
    r = sandbox.get(path("alice-open", "alice"), params)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


@pytest.mark.parametrize(
    ("user", "params", "status", "body"),
    [
        pytest.param(None, {}, 401, UNAUTHENTICATED, id="anonymous"),
        pytest.param(None, {"x": "1"}, 401, UNAUTHENTICATED, id="401-before-400"),
        pytest.param("viewer", {}, 403, FORBIDDEN, id="viewer"),
        pytest.param("viewer", {"x": "1"}, 403, FORBIDDEN, id="403-before-400"),
    ],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: str | None, params: Doc, status: int, body: Doc
) -> None:
    r = sandbox.get(path("alice-open", "alice"), params, user=user)
    assert r.status_code == status
    assert r.json() == body


def test_viewer_refused_before_room_lookup(sandbox: Sandbox) -> None:
    r = sandbox.get(path("-", "alice"), user="viewer")
    assert r.status_code == 403
    assert r.json() == FORBIDDEN


def test_encoded_slash_stays_in_the_room_id(sandbox: Sandbox) -> None:
    room = FIXTURE.room("alice-open")["_id"]
    visitor = FIXTURE.visitor("alice")["_id"]
    r = sandbox.raw_get(
        f"/api/v1/livechat/visitors.chatHistory/room/{room}%2Fvisitor/visitor/{visitor}",
        user="admin",
    )
    assert r.status_code == 400
    assert r.json() == INVALID_ROOM


def test_encoded_slash_in_visitor_id_matches_nothing(sandbox: Sandbox) -> None:
    room = FIXTURE.room("alice-open")["_id"]
    visitor = FIXTURE.visitor("alice")["_id"]
    r = sandbox.raw_get(
        f"/api/v1/livechat/visitors.chatHistory/room/{room}/visitor/{visitor}%2F",
        user="admin",
    )
    expect_history(r, [], 0)


@pytest.mark.parametrize(
    ("room_ref", "allowed"),
    [
        pytest.param("alice-closed", True, id="closed"),
        pytest.param("carol-closed", True, id="closed-2"),
        pytest.param("carol-open", False, id="open"),
        pytest.param("bob-queued", False, id="queued"),
    ],
)
def test_closed_by_another_agent_permission(
    sandbox: Sandbox, room_ref: str, allowed: bool
) -> None:
    visitor_ref = FIXTURE.room(room_ref)["fixtureRef"].split("-")[0]
    r = sandbox.get(path(room_ref, visitor_ref), user="auditor")
    if allowed:
        expected = history(visitor_ref)
        expect_history(r, expected, len(expected))
    else:
        assert (r.status_code, r.json()) == (400, NOT_ALLOWED)


def test_rocket_cat_lacks_view_l_room(sandbox: Sandbox) -> None:
    r = sandbox.get(path("alice-open", "alice"), user="rocket.cat")
    assert (r.status_code, r.json()) == (403, FORBIDDEN)
