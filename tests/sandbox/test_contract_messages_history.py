"""Contract: GET livechat/messages.history/:rid, the visitor's read (CONTRACT §21)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.sandbox.contract_support import FIXTURE, Doc, invalid_params, newest_first
from tests.sandbox.livechat_support import ALICE_OPEN, messages, served

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

RID = ALICE_OPEN["_id"]
PATH = f"livechat/messages.history/{RID}"


def visible(rid: str = RID) -> list[Doc]:
    return newest_first(m for m in messages(rid) if not m.get("_hidden"))


def body(items: list[Doc]) -> Doc:
    return {"messages": items, "success": True}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with served(tmp_path_factory.mktemp("history")) as running:
        yield running


def test_visible_messages_newest_first_system_ones_included(sandbox: Sandbox) -> None:
    expected = visible()
    refs = [m["fixtureRef"] for m in expected]
    assert refs == [
        "nav-checkout",
        "alice-pattern",
        "alice-number",
        "alice-reply",
        "alice-uj",
        "alice-command",
        "chat-hello",
        "alice-started",
    ]
    r = sandbox.get(PATH, {"token": "tok-alice"}, user=None)
    assert (r.status_code, r.json()) == (200, body(expected))


@pytest.mark.parametrize(
    ("params", "slice_"),
    [
        pytest.param({"limit": "2"}, slice(0, 2), id="limit"),
        pytest.param({"limit": "2", "offset": "3"}, slice(3, 5), id="offset"),
        pytest.param({"limit": "0"}, slice(0, 20), id="zero-is-default"),
        pytest.param({"limit": "2.7"}, slice(0, 2), id="truncated"),
        pytest.param(
            {"end": "2024-02-01T10:00:40.000Z"}, slice(4, None), id="end-exclusive"
        ),
        pytest.param(
            {"count": "1", "sort": "{", "searchText": "x", "ls": "y"},
            slice(0, None),
            id="ignored",
        ),
    ],
)
def test_paging_and_end(sandbox: Sandbox, params: Doc, slice_: slice) -> None:
    r = sandbox.get(PATH, {"token": "tok-alice", **params}, user=None)
    assert r.json() == body(visible()[slice_])


def test_closed_room_is_still_readable(sandbox: Sandbox) -> None:
    rid = FIXTURE.room("alice-closed")["_id"]
    r = sandbox.get(
        f"livechat/messages.history/{rid}", {"token": "tok-alice"}, user=None
    )
    assert r.json() == body(visible(rid))
    assert len(visible(rid)) == 1


def test_hidden_system_types_setting(tmp_path_factory: pytest.TempPathFactory) -> None:
    def hide(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"].append(
            {"_id": "Hide_System_Messages", "value": ["uj", "command"]}
        )

    with served(tmp_path_factory.mktemp("hide"), hide) as sandbox:
        r = sandbox.get(PATH, {"token": "tok-alice"}, user=None)
    expected = [m for m in visible() if m.get("t") not in ("uj", "command")]
    assert r.json() == body(expected)


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        pytest.param(
            PATH,
            {},
            invalid_params("must have required property 'token'"),
            id="no-token",
        ),
        pytest.param(
            PATH,
            {"token": "t", "x": "1"},
            invalid_params("must NOT have additional properties"),
            id="extra",
        ),
        pytest.param(
            PATH,
            {"token": "t", "limit": "x"},
            invalid_params("must be number"),
            id="limit-type",
        ),
        pytest.param(
            PATH,
            {"token": ""},
            {"success": False, "error": "error-token-param-not-provided"},
            id="empty-token",
        ),
        pytest.param(
            PATH,
            {"token": "tok-nobody"},
            {"success": False, "error": "invalid-token"},
            id="unknown-token",
        ),
        pytest.param(
            PATH,
            {"token": "tok-disabled"},
            {"success": False, "error": "invalid-token"},
            id="disabled",
        ),
        pytest.param(
            PATH,
            {"token": "tok-bob"},
            {"success": False, "error": "invalid-room"},
            id="another-visitors-room",
        ),
        pytest.param(
            "livechat/messages.history/GENERAL",
            {"token": "tok-alice"},
            {"success": False, "error": "invalid-room"},
            id="not-livechat",
        ),
    ],
)
def test_refusals(sandbox: Sandbox, path: str, params: Doc, expected: Doc) -> None:
    r = sandbox.get(path, params, user=None)
    assert (r.status_code, r.json()) == (400, expected)
