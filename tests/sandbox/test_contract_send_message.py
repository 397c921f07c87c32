"""Contract: POST livechat/message, the visitor sends a message (CONTRACT §20)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    ISO_MS_Z,
    Doc,
    invalid_params,
    without,
)
from tests.sandbox.livechat_support import ALICE, ALICE_OPEN, served

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/message"
RID = ALICE_OPEN["_id"]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with served(tmp_path) as running:
        yield running


def test_stores_the_message_and_updates_the_room(sandbox: Sandbox) -> None:
    r = sandbox.post(PATH, {"token": "tok-alice", "rid": RID, "msg": "Any news?"})
    assert r.status_code == 200, r.text
    message = r.json()["message"]
    assert ISO_MS_Z.match(message["ts"])
    assert without(message, "_id", "ts", "_updatedAt") == {
        "rid": RID,
        "msg": "Any news?",
        "token": "tok-alice",
        "alias": "Alice Smith",
        "u": {"_id": ALICE["_id"], "username": "guest-101", "name": "Alice Smith"},
        "md": [
            {
                "type": "PARAGRAPH",
                "value": [{"type": "PLAIN_TEXT", "value": "Any news?"}],
            }
        ],
        "mentions": [],
        "channels": [],
    }
    assert message["_updatedAt"] == message["ts"]
    assert len(message["_id"]) == 17
    room = sandbox.get("rooms.info", {"roomId": RID}).json()["room"]
    assert (room["msgs"], room["lm"], room["lastMessage"]) == (
        ALICE_OPEN["msgs"] + 1,
        message["ts"],
        message,
    )
    history = sandbox.get(
        f"livechat/messages.history/{RID}",
        {"token": "tok-alice", "limit": "1"},
        user=None,
    )
    assert history.json()["messages"] == [message]
    transcript = sandbox.get(f"livechat/{RID}/messages", {"count": "1"}, user="agent1")
    assert transcript.json()["messages"] == [message]


def test_chosen_id_is_kept_and_a_reused_id_gives_bare_failure(sandbox: Sandbox) -> None:
    body = {"token": "tok-alice", "rid": RID, "msg": "one", "_id": "MyOwnId2345678901"}
    first = sandbox.post(PATH, body)
    assert first.json()["message"]["_id"] == "MyOwnId2345678901"
    again = sandbox.post(PATH, {**body, "msg": "two"})
    assert (again.status_code, again.json()) == (400, {"success": False})
    reused_fixture = sandbox.post(
        PATH, {**body, "_id": FIXTURE.message("chat-hello")["_id"]}
    )
    assert (reused_fixture.status_code, reused_fixture.json()) == (
        400,
        {"success": False},
    )


def test_alias_is_the_visitors_name(sandbox: Sandbox) -> None:
    rid = FIXTURE.room("dana-open")["_id"]
    r = sandbox.post(PATH, {"token": "tok-dana", "rid": rid, "msg": "hi"})
    assert r.json()["message"]["alias"] == "Dana Field"


def test_character_limit(tmp_path: Path) -> None:
    def limit(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"] += [
            {"_id": "Livechat_enable_message_character_limit", "value": True},
            {"_id": "Livechat_message_character_limit", "value": 5},
        ]

    with served(tmp_path, limit) as sandbox:
        ok = sandbox.post(PATH, {"token": "tok-alice", "rid": RID, "msg": "12345"})
        long = sandbox.post(PATH, {"token": "tok-alice", "rid": RID, "msg": "123456"})
    assert ok.status_code == 200
    assert (long.status_code, long.json()) == (
        400,
        {"success": False, "error": "message-length-exceeds-character-limit"},
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"rid": RID, "msg": "x"},
            invalid_params("must have required property 'token'"),
            id="no-token",
        ),
        pytest.param(
            {"token": "t", "msg": "x"},
            invalid_params("must have required property 'rid'"),
            id="no-rid",
        ),
        pytest.param(
            {"token": "t", "rid": RID},
            invalid_params("must have required property 'msg'"),
            id="no-msg",
        ),
        pytest.param(
            {"token": "t", "rid": RID, "msg": "x", "y": 1},
            invalid_params("must NOT have additional properties"),
            id="extra",
        ),
        pytest.param(
            {"token": "t", "rid": RID, "msg": "x", "agent": {"username": "a"}},
            invalid_params("must have required property 'agentId'"),
            id="agent",
        ),
        pytest.param(
            {"token": "tok-nobody", "rid": RID, "msg": "x"},
            {"success": False, "error": "invalid-token"},
            id="unknown-token",
        ),
        pytest.param(
            {"token": "tok-bob", "rid": RID, "msg": "x"},
            {"success": False, "error": "invalid-room"},
            id="another-visitors-room",
        ),
        pytest.param(
            {"token": "tok-alice", "rid": "GENERAL", "msg": "x"},
            {"success": False, "error": "invalid-room"},
            id="not-livechat",
        ),
        pytest.param(
            {
                "token": "tok-alice",
                "rid": FIXTURE.room("alice-closed")["_id"],
                "msg": "x",
            },
            {"success": False, "error": "room-closed"},
            id="closed",
        ),
    ],
)
def test_refusals(sandbox: Sandbox, body: Doc, expected: Any) -> None:
    r = sandbox.post(PATH, body)
    assert (r.status_code, r.json()) == (400, expected)
    assert (
        sandbox.get("rooms.info", {"roomId": RID}).json()["room"]["msgs"]
        == ALICE_OPEN["msgs"]
    )
