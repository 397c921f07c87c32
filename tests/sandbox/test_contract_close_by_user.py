"""Contract: POST livechat/room.closeByUser, an agent closes a room (CONTRACT §17)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    ISO_MS_Z,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    without,
)
from tests.sandbox.livechat_support import AGENT1, ALICE_OPEN, RETURNS, served

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/room.closeByUser"
RID = ALICE_OPEN["_id"]
CLOSED = FIXTURE.room("alice-closed")["_id"]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with served(tmp_path) as running:
        yield running


def room(sandbox: Sandbox, rid: str = RID) -> Doc:
    found: Doc = sandbox.get("rooms.info", {"roomId": rid}).json()["room"]
    return found


def last_close(sandbox: Sandbox, rid: str = RID) -> Doc:
    found = sandbox.get(f"livechat/{rid}/messages", {"count": "1"}).json()["messages"]
    return dict(found[0])


def test_serving_agent_closes_with_comment_and_tags(sandbox: Sandbox) -> None:
    r = sandbox.post(
        PATH,
        {"rid": RID, "comment": "Refunded", "tags": ["refund", "vip"]},
        user="agent1",
    )
    assert (r.status_code, r.json()) == (200, {"success": True})
    closed = room(sandbox)
    by = {"_id": AGENT1["_id"], "username": "agent1"}
    assert "open" not in closed
    assert (closed["closer"], closed["closedBy"], closed["tags"]) == (
        "user",
        by,
        ["refund", "vip", "billing"],
    )
    assert ISO_MS_Z.match(closed["closedAt"])
    assert closed["v"] == {**ALICE_OPEN["v"], "status": "offline"}
    assert closed["servedBy"] == ALICE_OPEN["servedBy"]
    assert isinstance(closed["metrics"]["chatDuration"], float)
    assert without(last_close(sandbox), "_id", "ts", "_updatedAt") == {
        "t": "livechat-close",
        "rid": RID,
        "msg": "Refunded",
        "u": by,
        "groupable": False,
        "transcriptRequested": False,
    }
    again = sandbox.post(PATH, {"rid": RID, "comment": "x"}, user="agent1")
    # Closing removed the agent's subscription: it no longer may touch the room.
    assert (again.status_code, again.json()) == (
        400,
        {"success": False, "error": "error-not-authorized"},
    )
    manager = sandbox.post(PATH, {"rid": RID, "comment": "x"}, user="manager")
    assert (manager.status_code, manager.json()) == (
        400,
        {"success": False, "error": "error-room-already-closed"},
    )


def test_manager_closes_any_room_and_transcript_request_is_recorded(
    sandbox: Sandbox,
) -> None:
    rid = FIXTURE.room("bob-queued")["_id"]
    body = {
        "rid": rid,
        "comment": "Spam",
        "transcriptEmail": {
            "sendToVisitor": True,
            "requestData": {"email": "a@b.c", "subject": "s"},
        },
    }
    r = sandbox.post(PATH, body, user="manager")
    assert r.json() == {"success": True}
    message = last_close(sandbox, rid)
    assert (message["transcriptRequested"], message["u"]["_id"]) == (
        True,
        FIXTURE.user_id("manager"),
    )
    assert "serviceTimeDuration" not in room(sandbox, rid)["metrics"]


def test_department_closing_tags_are_added(tmp_path: Path) -> None:
    def in_returns(raw: dict[str, list[Doc]]) -> None:
        for doc in raw["rocketchat_room"]:
            if doc["_id"] == RID:
                doc["departmentId"] = RETURNS["_id"]

    with served(tmp_path, in_returns) as sandbox:
        r = sandbox.post(PATH, {"rid": RID, "comment": "ok"}, user="agent1")
        assert r.json() == {"success": True}
        assert room(sandbox)["tags"] == ["vip", "billing", "refund", "exchange"]


def test_department_requiring_tags_without_any_refuses(tmp_path: Path) -> None:
    def bare(raw: dict[str, list[Doc]]) -> None:
        for doc in raw["livechat_department"]:
            if doc["_id"] == RETURNS["_id"]:
                doc["chatClosingTags"] = []
        for doc in raw["rocketchat_room"]:
            if doc["_id"] == RID:
                doc["departmentId"] = RETURNS["_id"]

    with served(tmp_path, bare) as sandbox:
        r = sandbox.post(
            PATH, {"rid": RID, "comment": "ok", "tags": ["x"]}, user="agent1"
        )
        assert r.json() == {
            "success": False,
            "error": "error-tags-must-be-assigned-before-closing-chat",
        }
        assert room(sandbox)["open"] is True


@pytest.mark.parametrize(
    ("settings", "body", "status", "expected"),
    [
        pytest.param(
            [],
            {"rid": CLOSED, "comment": "x", "forceClose": True},
            400,
            {"success": False, "error": "error-room-already-closed"},
            id="force-off",
        ),
        pytest.param(
            [("Omnichannel_allow_force_close_conversations", True)],
            {"rid": CLOSED, "comment": "again", "forceClose": "true"},
            200,
            {"success": True},
            id="force-on",
        ),
        pytest.param(
            [("Livechat_request_comment_when_closing_conversation", False)],
            {"rid": RID},
            200,
            {"success": True},
            id="comment-optional",
        ),
    ],
)
def test_settings(
    tmp_path: Path,
    settings: list[tuple[str, Any]],
    body: Doc,
    status: int,
    expected: Doc,
) -> None:
    def apply(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"] += [{"_id": k, "value": v} for k, v in settings]

    with served(tmp_path, apply) as sandbox:
        r = sandbox.post(PATH, body, user="manager")
        assert (r.status_code, r.json()) == (status, expected)
        if status == 200:
            assert last_close(sandbox, body["rid"])["msg"] == body.get("comment", "")


@pytest.mark.parametrize(
    ("body", "user", "status", "expected"),
    [
        pytest.param(
            {"rid": RID, "comment": "x"}, None, 401, UNAUTHENTICATED, id="no-auth"
        ),
        pytest.param(
            {"rid": RID, "comment": "x"}, "viewer", 403, FORBIDDEN, id="no-permission"
        ),
        pytest.param(
            {"comment": "x"},
            "agent1",
            400,
            invalid_params("must have required property 'rid'"),
            id="no-rid",
        ),
        pytest.param(
            {"rid": RID, "x": 1},
            "agent1",
            400,
            invalid_params("must NOT have additional properties"),
            id="extra",
        ),
        pytest.param(
            {"rid": RID, "tags": "vip"},
            "agent1",
            400,
            invalid_params("must be array"),
            id="tags-not-wrapped",
        ),
        pytest.param(
            {"rid": RID, "forceClose": "yes"},
            "agent1",
            400,
            invalid_params("must be boolean"),
            id="force-type",
        ),
        pytest.param(
            {"rid": RID, "transcriptEmail": {}},
            "agent1",
            400,
            invalid_params("must have required property 'sendToVisitor'"),
            id="transcript",
        ),
        pytest.param(
            {"rid": "NoSuchRoom2345678", "comment": "x"},
            "agent1",
            400,
            {"success": False, "error": "error-invalid-room"},
            id="unknown",
        ),
        pytest.param(
            {"rid": "GENERAL", "comment": "x"},
            "admin",
            400,
            {"success": False, "error": "error-invalid-room"},
            id="not-livechat",
        ),
        pytest.param(
            {"rid": RID, "comment": "x"},
            "agent2",
            400,
            {"success": False, "error": "error-not-authorized"},
            id="other-agents-room",
        ),
        pytest.param(
            {"rid": FIXTURE.room("bob-queued")["_id"], "comment": "x"},
            "agent1",
            400,
            {"success": False, "error": "error-not-authorized"},
            id="queued",
        ),
        pytest.param(
            {"rid": CLOSED, "comment": "x"},
            "admin",
            400,
            {"success": False, "error": "error-room-already-closed"},
            id="closed",
        ),
        pytest.param(
            {"rid": RID},
            "agent1",
            400,
            {"success": False, "error": "error-comment-is-required"},
            id="no-comment",
        ),
        pytest.param(
            {"rid": RID, "comment": "  \t"},
            "agent1",
            400,
            {"success": False, "error": "error-comment-is-required"},
            id="blank-comment",
        ),
    ],
)
def test_refusals(
    sandbox: Sandbox, body: Doc, user: Any, status: int, expected: Doc
) -> None:
    r = sandbox.post(PATH, body, user=user)
    assert (r.status_code, r.json()) == (status, expected)
    assert room(sandbox)["open"] is True
