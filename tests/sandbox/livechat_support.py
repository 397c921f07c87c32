"""The contract fixture plus what §13-§22 need: agents by status, messages, tags."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from tests.sandbox.contract_support import (
    FIXTURE,
    Doc,
    normalize,
    running,
    write_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

SALES = FIXTURE.department("Sales")["_id"]
SUPPORT = FIXTURE.department("Support")["_id"]
LEGACY = FIXTURE.department("Legacy")["_id"]
ALICE_OPEN = FIXTURE.room("alice-open")
ALICE = FIXTURE.visitor("alice")
AGENT1 = FIXTURE.user("agent1")
AGENT2 = FIXTURE.user("agent2")
OTTO = {
    "_id": "Ott0fF1ine234567x",
    "username": "otto",
    "name": "Otto Offline",
    "type": "user",
    "active": True,
    "status": "offline",
    "statusLivechat": "not-available",
    "roles": ["user", "livechat-agent"],
    "password": "otto-secret",
    "emails": [{"address": "otto@example.com", "verified": False}],
}
ARI = {
    "_id": "AriAway234567890x",
    "username": "ari",
    "name": "Ari Away",
    "type": "user",
    "active": True,
    "status": "away",
    "statusLivechat": "available",
    "roles": ["user", "livechat-agent"],
    "password": "ari-secret",
    "livechat": {"maxNumberSimultaneousChat": 3},
}
RETURNS = {
    "_id": "RetUrns2345678ABC",
    "name": "Returns",
    "enabled": True,
    "showOnRegistration": False,
    "showOnOfflineForm": False,
    "email": "returns@example.com",
    "numAgents": 1,
    "requestTagBeforeClosingChat": True,
    "chatClosingTags": ["refund", "exchange"],
    "_updatedAt": "2023-12-02T09:00:00.000Z",
}
ARCHIVED = {
    "_id": "ArchIved2345678AB",
    "name": "Archive",
    "enabled": False,
    "archived": True,
    "showOnRegistration": False,
    "showOnOfflineForm": False,
    "email": "archive@example.com",
    "numAgents": 0,
    "_updatedAt": "2023-12-02T09:00:00.000Z",
}
UNIT = {
    "_id": "BusinessUnit2345x",
    "name": "North Unit",
    "enabled": True,
    "type": "u",
    "numAgents": 0,
    "_updatedAt": "2023-12-02T09:00:00.000Z",
}
DEPARTMENT_AGENTS = [
    {
        "_id": "DeptAgentOtto2345",
        "agentId": OTTO["_id"],
        "username": "otto",
        "departmentId": SALES,
        "departmentEnabled": True,
        "count": 0,
        "order": 0,
    },
    {
        "_id": "DeptAgentAri23456",
        "agentId": ARI["_id"],
        "username": "ari",
        "departmentId": SUPPORT,
        "departmentEnabled": True,
        "count": 3,
        "order": 1,
    },
    {
        "_id": "DeptAgentRet23456",
        "agentId": AGENT2["_id"],
        "username": "agent2",
        "departmentId": RETURNS["_id"],
        "departmentEnabled": True,
        "count": 0,
        "order": 0,
    },
]


def _guest(text: str, mid: str, ts: str, **extra: Any) -> Doc:
    return {
        "_id": mid,
        "rid": ALICE_OPEN["_id"],
        "msg": text,
        "token": "tok-alice",
        "alias": "Alice Smith",
        "ts": ts,
        "u": {"_id": ALICE["_id"], "username": "guest-101", "name": "Alice Smith"},
        "_updatedAt": ts,
        **extra,
    }


AGENT1_U = {"_id": AGENT1["_id"], "username": "agent1", "name": "Agnes Agent"}
MESSAGES = [
    {
        "_id": "StartedAlice23456",
        "t": "livechat-started",
        "rid": ALICE_OPEN["_id"],
        "ts": "2024-02-01T10:00:00.000Z",
        "msg": "",
        "u": {"_id": ALICE["_id"], "username": "guest-101"},
        "token": "tok-alice",
        "groupable": False,
        "_updatedAt": "2024-02-01T10:00:00.000Z",
        "fixtureRef": "alice-started",
    },
    {
        "_id": "CommandAlice23456",
        "t": "command",
        "rid": ALICE_OPEN["_id"],
        "ts": "2024-02-01T10:00:30.000Z",
        "msg": "connected",
        "u": AGENT1_U,
        "groupable": False,
        "_updatedAt": "2024-02-01T10:00:30.000Z",
        "fixtureRef": "alice-command",
    },
    {
        "_id": "UjAlice2345678901",
        "t": "uj",
        "rid": ALICE_OPEN["_id"],
        "ts": "2024-02-01T10:00:30.001Z",
        "msg": "",
        "u": AGENT1_U,
        "groupable": False,
        "_updatedAt": "2024-02-01T10:00:30.001Z",
        "fixtureRef": "alice-uj",
    },
    {
        "_id": "ReplyAlice2345678",
        "rid": ALICE_OPEN["_id"],
        "msg": "Sure, what is the invoice number?",
        "ts": "2024-02-01T10:00:40.000Z",
        "u": AGENT1_U,
        "starred": [{"_id": AGENT1["_id"]}, {"_id": AGENT2["_id"]}],
        "_updatedAt": "2024-02-01T10:00:40.000Z",
        "fixtureRef": "alice-reply",
    },
    _guest(
        "It is INV-42",
        "NumberAlice234567",
        "2024-02-01T10:01:30.000Z",
        fixtureRef="alice-number",
    ),
    _guest(
        "never mind",
        "HiddenAlice234567",
        "2024-02-01T10:02:00.000Z",
        _hidden=True,
        fixtureRef="alice-hidden",
    ),
    _guest(
        "Does .* work here?",
        "PatternAlice23456",
        "2024-02-01T10:02:30.000Z",
        fixtureRef="alice-pattern",
    ),
    {
        "_id": "CloseAliceOld2345",
        "t": "livechat-close",
        "rid": FIXTURE.room("alice-closed")["_id"],
        "ts": "2024-01-21T11:00:00.000Z",
        "msg": "Solved by phone",
        "u": {"_id": AGENT2["_id"], "username": "agent2"},
        "groupable": False,
        "transcriptRequested": False,
        "_updatedAt": "2024-01-21T11:00:00.000Z",
        "fixtureRef": "alice-old-close",
    },
    {
        "_id": "GeneralMsg2345678",
        "rid": "GENERAL",
        "msg": "Welcome to general",
        "ts": "2024-02-01T10:00:50.000Z",
        "u": AGENT1_U,
        "_updatedAt": "2024-02-01T10:00:50.000Z",
        "fixtureRef": "general-msg",
    },
]


def extend(raw: dict[str, list[Doc]]) -> None:
    """Add the §13-§22 documents to a copy of the contract fixture."""
    raw["users"] += [dict(OTTO), dict(ARI)]
    raw["livechat_department"] += [dict(RETURNS), dict(ARCHIVED), dict(UNIT)]
    raw["rocketchat_livechat_department_agents"] += [dict(d) for d in DEPARTMENT_AGENTS]
    raw["rocketchat_message"] += [dict(m) for m in MESSAGES]


def fixture_path(
    directory: Path, mutate: Callable[[dict[str, list[Doc]]], None] | None = None
) -> Path:
    def both(raw: dict[str, list[Doc]]) -> None:
        extend(raw)
        if mutate is not None:
            mutate(raw)

    return write_fixture(directory, both)


@contextlib.contextmanager
def served(
    directory: Path,
    mutate: Callable[[dict[str, list[Doc]]], None] | None = None,
    **options: Any,
) -> Iterator[Sandbox]:
    with running(fixture_path(directory, mutate), **options) as sandbox:
        yield sandbox


def departments() -> list[Doc]:
    """Every department of the extended fixture, as the API prints it."""
    extra = [normalize(d) for d in (RETURNS, ARCHIVED, UNIT)]
    return [*FIXTURE.docs("livechat_department"), *extra]


def messages(rid: str) -> list[Doc]:
    """The extended fixture's messages of a room, as stored."""
    every = [*FIXTURE.docs("rocketchat_message"), *(normalize(m) for m in MESSAGES)]
    return [m for m in every if m.get("rid") == rid]
