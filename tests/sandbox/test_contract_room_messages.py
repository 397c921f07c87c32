"""Contract: GET livechat/:rid/messages, the agent's transcript (CONTRACT §16)."""

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
    newest_first,
)
from tests.sandbox.livechat_support import AGENT1, ALICE_OPEN, messages, served

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

RID = ALICE_OPEN["_id"]
CLOSED_RID = FIXTURE.room("alice-closed")["_id"]


def path(rid: str = RID) -> str:
    return f"livechat/{rid}/messages"


def transcript(rid: str, user_id: str) -> list[Doc]:
    """Ordinary messages and livechat-close, newest first, own stars only."""
    found = []
    for message in messages(rid):
        if message.get("t") not in (None, "livechat-close"):
            continue
        if "starred" in message:
            stars = [s for s in message["starred"] if s["_id"] == user_id]
            message = {**message, "starred": stars}
        found.append(message)
    return newest_first(found)


def page(items: list[Doc], total: int, count: int = 50, offset: int = 0) -> Doc:
    return {
        "messages": items,
        "offset": offset,
        "count": count,
        "total": total,
        "success": True,
    }


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with served(tmp_path_factory.mktemp("room-messages")) as running:
        yield running


def test_serving_agent_reads_the_transcript(sandbox: Sandbox) -> None:
    expected = transcript(RID, AGENT1["_id"])
    refs = [m["fixtureRef"] for m in expected]
    assert refs == [
        "alice-pattern",
        "alice-hidden",
        "alice-number",
        "alice-reply",
        "chat-hello",
    ]
    assert expected[3]["starred"] == [{"_id": AGENT1["_id"]}]
    r = sandbox.get(path(), user="agent1")
    assert (r.status_code, r.json()) == (200, page(expected, 5))


def test_closed_room_includes_the_close_message(sandbox: Sandbox) -> None:
    expected = transcript(CLOSED_RID, "x")
    assert [m["fixtureRef"] for m in expected] == ["alice-old-close"]
    assert sandbox.get(path(CLOSED_RID)).json() == page(expected, 1)


@pytest.mark.parametrize(
    ("params", "slice_", "count"),
    [
        pytest.param({"count": "2"}, slice(0, 2), 2, id="count"),
        pytest.param({"count": "2", "offset": "4"}, slice(4, 6), 2, id="offset"),
        pytest.param({"count": "500"}, slice(0, 100), 100, id="capped"),
        pytest.param({"count": "0"}, slice(0, None), 0, id="unlimited"),
    ],
)
def test_paging_echoes_the_page_size(
    sandbox: Sandbox, params: Doc, slice_: slice, count: int
) -> None:
    every = transcript(RID, "admin-none")
    r = sandbox.get(path(), params)
    offset = int(params.get("offset", 0))
    assert r.json() == page(every[slice_], 5, count, offset)


def test_sort_and_search(sandbox: Sandbox) -> None:
    every = transcript(RID, "nobody")
    oldest = sandbox.get(path(), {"sort": '{"ts":1}'}).json()
    assert oldest == page(list(reversed(every)), 5)
    literal = sandbox.get(path(), {"searchTerm": ".*"}).json()
    assert literal == page([m for m in every if ".*" in m["msg"]], 1)
    folded = sandbox.get(path(), {"searchTerm": "inv-"}).json()
    assert folded == page([m for m in every if "INV-" in m["msg"]], 1)


@pytest.mark.parametrize(
    ("rid", "params", "user", "status", "body"),
    [
        pytest.param(RID, {}, None, 401, UNAUTHENTICATED, id="no-auth"),
        pytest.param(RID, {}, "viewer", 403, FORBIDDEN, id="no-permission"),
        pytest.param(
            RID,
            {"x": "1"},
            "agent1",
            400,
            invalid_params("must NOT have additional properties"),
            id="schema",
        ),
        pytest.param(
            "NoSuchRoom2345678",
            {"sort": "{"},
            "agent1",
            400,
            invalid_sort("{"),
            id="sort-before-room",
        ),
        pytest.param(
            "NoSuchRoom2345678",
            {},
            "agent1",
            400,
            {"success": False, "error": "invalid-room"},
            id="unknown",
        ),
        pytest.param(
            "GENERAL",
            {},
            "admin",
            400,
            {"success": False, "error": "invalid-room"},
            id="not-livechat",
        ),
        pytest.param(
            RID,
            {},
            "agent2",
            400,
            {"success": False, "error": "not-allowed"},
            id="other-agents-room",
        ),
        pytest.param(
            FIXTURE.room("bob-queued")["_id"],
            {},
            "agent1",
            400,
            {"success": False, "error": "not-allowed"},
            id="queued",
        ),
    ],
)
def test_refusals(
    sandbox: Sandbox, rid: str, params: Doc, user: Any, status: int, body: Doc
) -> None:
    r = sandbox.get(path(rid), params, user=user)
    assert (r.status_code, r.json()) == (status, body)
