"""Contract: POST livechat/room.forward, to an agent or a department (CONTRACT §18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    without,
)
from tests.sandbox.livechat_support import (
    AGENT1,
    AGENT2,
    ALICE_OPEN,
    ARCHIVED,
    ARI,
    OTTO,
    SALES,
    SUPPORT,
    served,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/room.forward"
RID = ALICE_OPEN["_id"]
JANE = FIXTURE.room("jane")
JANEJR = FIXTURE.room("janejr")
ADMIN = FIXTURE.user("admin")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with served(tmp_path) as running:
        yield running


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with served(tmp_path_factory.mktemp("forward")) as running:
        yield running


def room(sandbox: Sandbox, rid: str) -> Doc:
    found: Doc = sandbox.get("rooms.info", {"roomId": rid}).json()["room"]
    return found


def system_messages(sandbox: Sandbox, room_doc: Doc, count: int) -> list[Doc]:
    """The newest `count` messages as the visitor sees them, oldest first."""
    r = sandbox.get(
        f"livechat/messages.history/{room_doc['_id']}",
        {"token": room_doc["v"]["token"], "limit": str(count)},
        user=None,
    )
    return [
        without(m, "_id", "ts", "_updatedAt") for m in reversed(r.json()["messages"])
    ]


def who(user: Doc, name: bool = False) -> Doc:
    found = {"_id": user["_id"], "username": user["username"]}
    return {**found, "name": user["name"]} if name else found


def test_forward_to_an_online_agent(sandbox: Sandbox) -> None:
    r = sandbox.post(
        PATH,
        {"roomId": RID, "userId": AGENT2["_id"], "comment": "over to you"},
        user="admin",
    )
    assert (r.status_code, r.json()) == (200, {"success": True})
    moved = room(sandbox, RID)
    assert moved["servedBy"]["_id"] == AGENT2["_id"]
    assert moved["servedBy"]["username"] == "agent2"
    assert (moved["departmentId"], moved["usersCount"]) == (
        SALES,
        ALICE_OPEN["usersCount"] + 1,
    )
    messages = system_messages(sandbox, moved, 4)
    ts = messages[2]["transferData"].pop("ts")
    assert ts == moved["servedBy"]["ts"]
    assert messages == [
        {
            "t": "command",
            "rid": RID,
            "msg": "connected",
            "u": who(AGENT2, True),
            "groupable": False,
        },
        {"t": "uj", "rid": RID, "msg": "", "u": who(AGENT2, True), "groupable": False},
        {
            "t": "livechat_transfer_history",
            "rid": RID,
            "msg": "",
            "u": who(ADMIN),
            "groupable": False,
            "transferData": {
                "transferredBy": {**who(ADMIN, True), "userType": "user"},
                "scope": "agent",
                "comment": "over to you",
                "previousDepartment": SALES,
                "transferredTo": who(AGENT2, True),
            },
        },
        {"t": "ul", "rid": RID, "msg": "agent1", "u": who(AGENT1), "groupable": False},
    ]
    # The previous agent lost the room; the new one may close it.
    closing = {"rid": RID, "comment": "done"}
    refused = sandbox.post("livechat/room.closeByUser", closing, user="agent1")
    assert refused.json() == {"success": False, "error": "error-not-authorized"}
    assert sandbox.post("livechat/room.closeByUser", closing, user="agent2").json() == {
        "success": True
    }


def test_forward_to_an_away_agent_counts_as_online(sandbox: Sandbox) -> None:
    r = sandbox.post(PATH, {"roomId": RID, "userId": ARI["_id"]}, user="admin")
    assert r.json() == {"success": True}
    assert room(sandbox, RID)["servedBy"]["_id"] == ARI["_id"]


def test_forward_to_a_department_picks_the_least_busy_agent(sandbox: Sandbox) -> None:
    r = sandbox.post(
        PATH, {"roomId": JANE["_id"], "departmentId": SUPPORT}, user="manager"
    )
    assert r.json() == {"success": True}
    moved = room(sandbox, JANE["_id"])
    assert (moved["servedBy"]["_id"], moved["departmentId"]) == (AGENT1["_id"], SUPPORT)
    transfer = system_messages(sandbox, moved, 2)[0]
    data = transfer["transferData"]
    assert (data["scope"], data["nextDepartment"], "previousDepartment" in data) == (
        "department",
        {"_id": SUPPORT, "name": "Support"},
        False,
    )
    assert data["transferredBy"]["userType"] == "user"
    record = sandbox.get(f"livechat/department/{SUPPORT}").json()["agents"]
    assert {a["username"]: a["count"] for a in record} == {"agent1": 1, "ari": 3}


def test_department_forward_honours_a_preferred_agent(sandbox: Sandbox) -> None:
    body = {"roomId": JANE["_id"], "departmentId": SUPPORT, "userId": ARI["_id"]}
    assert sandbox.post(PATH, body, user="admin").json() == {"success": True}
    assert room(sandbox, JANE["_id"])["servedBy"]["_id"] == ARI["_id"]


def test_queued_room_to_a_department_without_agents_stays_queued(
    sandbox: Sandbox,
) -> None:
    rid = FIXTURE.room("bob-queued")["_id"]
    r = sandbox.post(
        PATH, {"roomId": rid, "departmentId": ARCHIVED["_id"]}, user="admin"
    )
    assert r.json() == {"success": True}
    moved = room(sandbox, rid)
    assert ("servedBy" in moved, moved["departmentId"]) == (False, ARCHIVED["_id"])


def test_manual_routing_sends_the_room_back_to_the_queue(tmp_path: Path) -> None:
    def manual(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"].append(
            {"_id": "Livechat_Routing_Method", "value": "Manual_Selection"}
        )

    with served(tmp_path, manual) as sandbox:
        r = sandbox.post(
            PATH, {"roomId": JANE["_id"], "departmentId": SUPPORT}, user="admin"
        )
        moved = room(sandbox, JANE["_id"])
    assert r.json() == {"success": True}
    assert ("servedBy" in moved, moved["departmentId"]) == (False, SUPPORT)


def test_disabled_visitor_is_refused(tmp_path: Path) -> None:
    def disable(raw: dict[str, list[Doc]]) -> None:
        for visitor in raw["livechat_visitor"]:
            if visitor["token"] == "tok-alice":
                visitor["disabled"] = True

    with served(tmp_path, disable) as sandbox:
        r = sandbox.post(PATH, {"roomId": RID, "userId": AGENT2["_id"]}, user="admin")
    assert r.json() == {"success": False, "error": "error-invalid-visitor"}


def error(text: str) -> Doc:
    return {"success": False, "error": text}


@pytest.mark.parametrize(
    ("body", "user", "status", "expected"),
    [
        pytest.param(
            {"roomId": RID, "userId": "x"}, None, 401, UNAUTHENTICATED, id="no-auth"
        ),
        pytest.param(
            {"roomId": RID, "userId": AGENT2["_id"]},
            "agent1",
            403,
            FORBIDDEN,
            id="agent-cannot-transfer",
        ),
        pytest.param(
            {"userId": "x"},
            "admin",
            400,
            invalid_params("must have required property 'roomId'"),
            id="no-room",
        ),
        pytest.param(
            {"roomId": RID, "x": 1},
            "admin",
            400,
            invalid_params("must NOT have additional properties"),
            id="extra",
        ),
        pytest.param(
            {"roomId": RID, "clientAction": "maybe"},
            "admin",
            400,
            invalid_params("must be boolean"),
            id="boolean",
        ),
        pytest.param(
            {"roomId": "NoSuchRoom2345678", "userId": "x"},
            "admin",
            400,
            error("error-invalid-room"),
            id="unknown-room",
        ),
        pytest.param(
            {"roomId": "GENERAL", "userId": "x"},
            "admin",
            400,
            error("error-invalid-room"),
            id="not-livechat",
        ),
        pytest.param(
            {"roomId": FIXTURE.room("alice-closed")["_id"], "userId": AGENT2["_id"]},
            "admin",
            400,
            error("This_conversation_is_already_closed"),
            id="closed",
        ),
        pytest.param(
            {"roomId": FIXTURE.room("bob-hold")["_id"], "userId": AGENT2["_id"]},
            "admin",
            400,
            error("error-room-onHold"),
            id="on-hold",
        ),
        pytest.param(
            {"roomId": RID, "departmentId": "NoSuchDept234567"},
            "admin",
            400,
            error("error-invalid-department"),
            id="unknown-department",
        ),
        pytest.param(
            {"roomId": RID},
            "admin",
            400,
            error("error-forwarding-chat"),
            id="no-target",
        ),
        pytest.param(
            {"roomId": RID, "userId": OTTO["_id"]},
            "admin",
            400,
            error("error-user-is-offline"),
            id="offline-agent",
        ),
        pytest.param(
            {"roomId": RID, "userId": FIXTURE.user_id("viewer")},
            "admin",
            400,
            error("error-user-is-offline"),
            id="not-an-agent",
        ),
        pytest.param(
            {"roomId": RID, "userId": "NoSuchUser2345678"},
            "admin",
            400,
            error("error-user-is-offline"),
            id="unknown-user",
        ),
        pytest.param(
            {"roomId": RID, "userId": AGENT1["_id"]},
            "admin",
            400,
            error("error-selected-agent-room-agent-are-same"),
            id="same-agent",
        ),
        pytest.param(
            {"roomId": JANEJR["_id"], "departmentId": SUPPORT},
            "admin",
            400,
            error("error-forwarding-chat-same-department"),
            id="same-department",
        ),
        pytest.param(
            {"roomId": JANEJR["_id"], "departmentId": SALES},
            "admin",
            400,
            error("error-no-agents-online-in-department"),
            id="nobody-online",
        ),
        pytest.param(
            {"roomId": RID, "departmentId": SUPPORT},
            "admin",
            400,
            error("error-no-agents-online-in-department"),
            id="pick-is-current",
        ),
        pytest.param(
            {"roomId": JANE["_id"], "departmentId": SUPPORT, "userId": AGENT2["_id"]},
            "admin",
            400,
            error("error-user-not-belong-to-department"),
            id="not-in-department",
        ),
        pytest.param(
            {"roomId": JANE["_id"], "departmentId": SALES, "userId": OTTO["_id"]},
            "admin",
            400,
            error("error-user-is-offline"),
            id="preferred-offline",
        ),
    ],
)
def test_refusals(
    shared: Sandbox, body: Doc, user: Any, status: int, expected: Doc
) -> None:
    before = (
        room(shared, body.get("roomId") or RID)
        if body.get("roomId") != "NoSuchRoom2345678"
        else None
    )
    r = shared.post(PATH, body, user=user)
    assert (r.status_code, r.json()) == (status, expected)
    if before is not None and before.get("t") == "l":
        assert room(shared, before["_id"]) == before
