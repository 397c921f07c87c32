"""Contract: POST livechat/room.close, the visitor closes its room (CONTRACT §22)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    ISO_MS_Z,
    Doc,
    invalid_params,
    without,
)
from tests.sandbox.livechat_support import ALICE, ALICE_OPEN, RETURNS, served

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/room.close"
RID = ALICE_OPEN["_id"]
BY_ALICE = {"_id": ALICE["_id"], "username": "guest-101"}


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with served(tmp_path) as running:
        yield running


def test_closes_as_the_visitor(sandbox: Sandbox) -> None:
    r = sandbox.post(PATH, {"token": "tok-alice", "rid": RID})
    assert (r.status_code, r.json()) == (
        200,
        {"rid": RID, "comment": "Closed by visitor", "success": True},
    )
    room = sandbox.get("rooms.info", {"roomId": RID}).json()["room"]
    assert "open" not in room
    assert (room["closer"], room["closedBy"], room["v"]["status"]) == (
        "visitor",
        BY_ALICE,
        "offline",
    )
    assert ISO_MS_Z.match(room["closedAt"])
    assert room["servedBy"] == ALICE_OPEN["servedBy"]
    assert room["departmentId"] == ALICE_OPEN["departmentId"]
    assert room["metrics"]["chatDuration"] > 0
    assert room["metrics"]["serviceTimeDuration"] > 0
    last = sandbox.get(
        f"livechat/messages.history/{RID}",
        {"token": "tok-alice", "limit": "1"},
        user=None,
    )
    message = last.json()["messages"][0]
    assert without(message, "_id", "ts", "_updatedAt") == {
        "t": "livechat-close",
        "rid": RID,
        "msg": "Closed by visitor",
        "u": BY_ALICE,
        "groupable": False,
        "transcriptRequested": False,
        "token": "tok-alice",
    }
    again = sandbox.post(PATH, {"token": "tok-alice", "rid": RID})
    assert (again.status_code, again.json()) == (
        400,
        {"success": False, "error": "room-closed"},
    )


def test_setting_forbids_visitor_close(tmp_path: Path) -> None:
    def off(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"].append(
            {"_id": "Omnichannel_allow_visitors_to_close_conversation", "value": False}
        )

    with served(tmp_path, off) as sandbox:
        r = sandbox.post(PATH, {"token": "tok-nobody", "rid": RID})
        bad = sandbox.post(PATH, {"token": "tok-alice"})
    assert (r.status_code, r.json()) == (
        400,
        {"success": False, "error": "error-not-allowed-to-close-conversation"},
    )
    assert bad.json() == invalid_params("must have required property 'rid'")


def test_department_requiring_tags_without_tags_refuses(tmp_path: Path) -> None:
    def no_tags(raw: dict[str, list[Doc]]) -> None:
        for dep in raw["livechat_department"]:
            if dep["_id"] == RETURNS["_id"]:
                dep["chatClosingTags"] = []
        for room in raw["rocketchat_room"]:
            if room["_id"] == RID:
                room["departmentId"] = RETURNS["_id"]

    with served(tmp_path, no_tags) as sandbox:
        r = sandbox.post(PATH, {"token": "tok-alice", "rid": RID})
        room = sandbox.get("rooms.info", {"roomId": RID}).json()["room"]
    assert r.json() == {
        "success": False,
        "error": "error-tags-must-be-assigned-before-closing-chat",
    }
    assert room["open"] is True


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"rid": RID},
            invalid_params("must have required property 'token'"),
            id="no-token",
        ),
        pytest.param(
            {"token": "t", "rid": RID, "x": 1},
            invalid_params("must NOT have additional properties"),
            id="extra",
        ),
        pytest.param(
            {"token": "tok-nobody", "rid": RID},
            {"success": False, "error": "invalid-token"},
            id="unknown-token",
        ),
        pytest.param(
            {"token": "tok-bob", "rid": RID},
            {"success": False, "error": "invalid-room"},
            id="another-visitors-room",
        ),
        pytest.param(
            {"token": "tok-alice", "rid": FIXTURE.room("alice-closed")["_id"]},
            {"success": False, "error": "room-closed"},
            id="closed",
        ),
    ],
)
def test_refusals(sandbox: Sandbox, body: Doc, expected: Doc) -> None:
    r = sandbox.post(PATH, body)
    assert (r.status_code, r.json()) == (400, expected)
    assert sandbox.get("rooms.info", {"roomId": RID}).json()["room"]["open"] is True
