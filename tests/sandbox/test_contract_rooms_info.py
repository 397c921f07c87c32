"""Contract: GET rooms.info for livechat rooms (CONTRACT §11)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    UNAUTHENTICATED,
    Doc,
    invalid_sort,
    running,
    without,
    write_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "rooms.info"
NOT_ALLOWED = {"success": False, "error": "not-allowed", "errorType": "Not Allowed"}
NOT_FOUND = {
    "success": False,
    "error": 'The required "roomId" or "roomName" param provided does not match any '
    "channel [error-room-not-found]",
    "errorType": "error-room-not-found",
}
NO_PARAM = {
    "success": False,
    "error": 'The parameter "roomId" or "roomName" is required '
    "[error-roomid-param-not-provided]",
    "errorType": "error-roomid-param-not-provided",
}
LIVECHAT_REFS = [room["fixtureRef"] for room in FIXTURE.livechat_rooms()]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def shown(ref: str) -> Doc:
    """The room as rooms.info returns it: the fixed exclusions removed."""
    return without(FIXTURE.room(ref), "joinCode", "members", "importIds", "e2e")


@pytest.mark.parametrize("ref", LIVECHAT_REFS)
def test_whole_room_without_enrichment(sandbox: Sandbox, ref: str) -> None:
    r = sandbox.get(PATH, {"roomId": FIXTURE.room(ref)["_id"]})
    assert r.status_code == 200
    assert r.json() == {"room": shown(ref), "success": True}


def test_visitor_token_is_present_and_unknown_keys_kept(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"roomId": FIXTURE.room("alice-open")["_id"]})
    room = r.json()["room"]
    assert (room["v"]["token"], room["crmCase"], "department" in room) == (
        "tok-alice",
        "C-1",
        False,
    )


def test_import_ids_are_excluded(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"roomId": FIXTURE.room("carol-closed")["_id"]})
    assert "importIds" not in r.json()["room"]
    assert "importIds" in FIXTURE.room("carol-closed")


@pytest.mark.parametrize(
    ("params", "body"),
    [
        pytest.param({}, NO_PARAM, id="no-param"),
        pytest.param({"roomId": "", "roomName": ""}, NO_PARAM, id="both-empty"),
        pytest.param({"roomId": ""}, NOT_FOUND, id="empty-id"),
        pytest.param({"roomId": "NoSuchRoom1234567"}, NOT_FOUND, id="unknown-id"),
        pytest.param(
            {"roomId": FIXTURE.room("jane")["_id"].lower()}, NOT_FOUND, id="id-case"
        ),
        pytest.param({"roomName": "Alice Smith"}, NOT_FOUND, id="livechat-by-name"),
        pytest.param({"roomName": "nope"}, NOT_FOUND, id="unknown-name"),
        pytest.param(
            {"roomId": "", "roomName": "general"}, NOT_FOUND, id="empty-id-wins"
        ),
        pytest.param(
            [("roomId", FIXTURE.room("jane")["_id"])] * 2, NOT_FOUND, id="id-array"
        ),
        pytest.param({"fields": '{"v":0}'}, NO_PARAM, id="only-fields"),
    ],
)
def test_lookup_errors(sandbox: Sandbox, params: Any, body: Doc) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert r.json() == body


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"foo": "bar"}, id="unknown-key"),
        pytest.param({"fields": '{"v":0}'}, id="fields-ignored"),
        pytest.param({"fields": "not json"}, id="bad-fields-ignored"),
        pytest.param({"roomName": "whatever"}, id="room-name-ignored"),
        pytest.param({"count": "abc"}, id="no-coercion"),
        pytest.param({"sort": '{"ts":-1}'}, id="valid-sort"),
    ],
)
def test_no_schema_extra_keys_ignored(sandbox: Sandbox, extra: Doc) -> None:
    r = sandbox.get(PATH, {"roomId": FIXTURE.room("jane")["_id"], **extra})
    assert r.status_code == 200
    assert r.json() == {"room": shown("jane"), "success": True}


@pytest.mark.parametrize(
    ("user", "ref"),
    [
        pytest.param("admin", "bob-queued", id="admin-queued"),
        pytest.param("manager", "carol-open", id="manager"),
        pytest.param("monitor", "regex-closed", id="monitor-closed"),
        pytest.param("agent1", "alice-open", id="serving-agent"),
        pytest.param("agent1", "carol-closed", id="serving-agent-closed"),
        pytest.param("agent2", "alice-closed", id="agent-closed-own"),
    ],
)
def test_access_granted(sandbox: Sandbox, user: str, ref: str) -> None:
    r = sandbox.get(PATH, {"roomId": FIXTURE.room(ref)["_id"]}, user=user)
    assert r.status_code == 200
    assert r.json() == {"room": shown(ref), "success": True}


@pytest.mark.parametrize(
    ("user", "ref"),
    [
        pytest.param("viewer", "alice-open", id="plain-user"),
        pytest.param("agent1", "carol-open", id="agent-other-open"),
        pytest.param("agent1", "alice-closed", id="agent-other-closed"),
        pytest.param("agent1", "bob-queued", id="agent-queued-auto"),
        pytest.param("cmgr", "jane", id="agent-unrelated"),
    ],
)
def test_access_refused_reversed_shape(sandbox: Sandbox, user: str, ref: str) -> None:
    r = sandbox.get(PATH, {"roomId": FIXTURE.room(ref)["_id"]}, user=user)
    assert r.status_code == 400
    assert r.json() == NOT_ALLOWED


def test_viewer_can_tell_missing_from_forbidden(sandbox: Sandbox) -> None:
    missing = sandbox.get(PATH, {"roomId": "NoSuchRoom1234567"}, user="viewer")
    assert (missing.status_code, missing.json()) == (400, NOT_FOUND)


@pytest.mark.parametrize("sort", ["{", '{"ts":3}'])
def test_invalid_sort_after_lookup_before_access(sandbox: Sandbox, sort: str) -> None:
    room = FIXTURE.room("jane")["_id"]
    as_viewer = sandbox.get(PATH, {"roomId": room, "sort": sort}, user="viewer")
    missing = sandbox.get(PATH, {"roomId": "NoSuchRoom1234567", "sort": sort})
    assert (as_viewer.status_code, as_viewer.json()) == (400, invalid_sort(sort))
    assert (missing.status_code, missing.json()) == (400, NOT_FOUND)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"roomId": "NoSuchRoom1234567"}, id="unknown-room"),
        pytest.param({}, id="no-param"),
    ],
)
def test_anonymous(sandbox: Sandbox, params: Doc) -> None:
    r = sandbox.get(PATH, params, user=None)
    assert r.status_code == 401
    assert r.json() == UNAUTHENTICATED


def test_non_livechat_room_by_name(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"roomName": "general"})
    assert r.status_code == 200
    assert r.json() == {"room": shown("general"), "success": True}


@pytest.mark.parametrize(
    ("user", "ref", "allowed"),
    [
        pytest.param("auditor", "alice-closed", True, id="closed-by-another-perm"),
        pytest.param("auditor", "regex-closed", True, id="closed-by-another-perm-2"),
        pytest.param("auditor", "carol-open", False, id="perm-not-for-open-rooms"),
        pytest.param("auditor", "bob-queued", False, id="perm-not-for-queued"),
        pytest.param("rocket.cat", "carol-open", True, id="rocket-cat"),
        pytest.param("rocket.cat", "bob-queued", True, id="rocket-cat-queued"),
    ],
)
def test_access_rules_with_custom_permissions(
    sandbox: Sandbox, user: str, ref: str, allowed: bool
) -> None:
    r = sandbox.get(PATH, {"roomId": FIXTURE.room(ref)["_id"]}, user=user)
    if allowed:
        assert (r.status_code, r.json()) == (200, {"room": shown(ref), "success": True})
    else:
        assert (r.status_code, r.json()) == (400, NOT_ALLOWED)


def grant_same_department(raw: dict[str, list[Doc]]) -> None:
    raw["rocketchat_permissions"].append(
        {
            "_id": "view-livechat-room-closed-same-department",
            "roles": [
                "admin",
                "livechat-manager",
                "livechat-monitor",
                "livechat-agent",
            ],
        }
    )


def manual_routing(raw: dict[str, list[Doc]]) -> None:
    raw["rocketchat_settings"].append(
        {"_id": "Livechat_Routing_Method", "value": "Manual_Selection"}
    )


@pytest.mark.parametrize(
    ("mutate", "user", "ref", "allowed"),
    [
        pytest.param(
            grant_same_department, "agent1", "alice-closed", True, id="same-dept"
        ),
        pytest.param(
            grant_same_department, "agent1", "regex-closed", True, id="same-dept-2"
        ),
        pytest.param(
            grant_same_department, "agent2", "carol-closed", False, id="other-dept"
        ),
        pytest.param(
            grant_same_department, "cmgr", "alice-closed", False, id="not-in-dept"
        ),
        pytest.param(grant_same_department, "agent1", "jane", False, id="open-no-dept"),
        pytest.param(manual_routing, "agent2", "bob-queued", True, id="manual-no-dept"),
        pytest.param(
            manual_routing, "cmgr", "bob-queued", True, id="manual-disabled-dept-only"
        ),
        pytest.param(
            manual_routing, "agent1", "bob-queued", False, id="manual-other-dept"
        ),
        pytest.param(manual_routing, "viewer", "bob-queued", False, id="manual-user"),
        pytest.param(manual_routing, "agent2", "bob-hold", False, id="manual-on-hold"),
        pytest.param(manual_routing, "agent2", "dana-open", False, id="manual-served"),
    ],
)
def test_access_rules_that_need_settings(
    tmp_path: Path,
    mutate: Callable[[dict[str, list[Doc]]], None],
    user: str,
    ref: str,
    allowed: bool,
) -> None:
    with running(write_fixture(tmp_path, mutate)) as served:
        r = served.get(PATH, {"roomId": FIXTURE.room(ref)["_id"]}, user=user)
        history = served.get(
            f"livechat/visitors.chatHistory/room/{FIXTURE.room(ref)['_id']}"
            f"/visitor/{FIXTURE.room(ref)['v']['_id']}",
            user=user,
        )
    if allowed:
        assert (r.status_code, r.json()) == (200, {"room": shown(ref), "success": True})
        assert history.status_code == 200
    else:
        assert (r.status_code, r.json()) == (400, NOT_ALLOWED)
        expected = 403 if user == "viewer" else 400
        assert history.status_code == expected
