"""Contract: GET livechat/visitor/:token (CONTRACT §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

from tests.sandbox.contract_support import FIXTURE, Doc, running

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

INVALID_TOKEN = {
    "success": False,
    "error": "[invalid-token]",
    "errorType": "invalid-token",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


@pytest.mark.parametrize("ref", ["alice", "bob", "carol", "nameless", "old", "dana"])
def test_found_returns_whole_document_with_token(sandbox: Sandbox, ref: str) -> None:
    visitor = FIXTURE.visitor(ref)
    r = sandbox.raw_get(f"/api/v1/livechat/visitor/{quote(visitor['token'], safe='')}")
    assert r.status_code == 200
    assert r.json() == {"visitor": visitor, "success": True}


def test_unknown_keys_round_trip(sandbox: Sandbox) -> None:
    r = sandbox.get("livechat/visitor/tok-alice", user=None)
    assert r.status_code == 200
    assert r.json()["visitor"]["crmTier"] == {"level": 3, "flags": ["a", "b"]}
    assert r.json()["visitor"]["fixtureRef"] == "alice"


def test_dates_are_iso_with_milliseconds(sandbox: Sandbox) -> None:
    r = sandbox.get("livechat/visitor/tok-bob", user=None)
    visitor = r.json()["visitor"]
    # Stored as an offset time and as a time without milliseconds.
    assert visitor["ts"] == "2024-01-12T09:00:00.000Z"
    carol = sandbox.get("livechat/visitor/tok-carol", user=None).json()["visitor"]
    assert carol["ts"] == "2024-01-15T08:30:00.000Z"


@pytest.mark.parametrize(
    "raw_token",
    [
        pytest.param("no-such-token", id="unknown"),
        pytest.param("TOK-ALICE", id="case-sensitive"),
        pytest.param("tok-alic", id="prefix"),
        pytest.param("tok-alice%20", id="trailing-space"),
        pytest.param("tok-disabled", id="disabled-visitor"),
        pytest.param("no%2Fsuch", id="encoded-slash-one-segment"),
        pytest.param("tok-alice%2F", id="encoded-slash-suffix"),
        pytest.param("..%2Fvisitors.info%3FvisitorId%3Dx", id="encoded-traversal"),
    ],
)
def test_invalid_token(sandbox: Sandbox, raw_token: str) -> None:
    r = sandbox.raw_get(f"/api/v1/livechat/visitor/{raw_token}")
    assert r.status_code == 400
    assert r.json() == INVALID_TOKEN


def test_percent_decoded_token_matches(sandbox: Sandbox) -> None:
    nameless = FIXTURE.visitor("nameless")
    r = sandbox.raw_get("/api/v1/livechat/visitor/tok-%C3%BCmlaut%201")
    assert r.status_code == 200
    assert r.json() == {"visitor": nameless, "success": True}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"X-User-Id": "nobody", "X-Auth-Token": "bogus"}, id="bad-creds"),
        pytest.param({"X-Auth-Token": "only-token"}, id="half-creds"),
    ],
)
def test_credentials_are_ignored(sandbox: Sandbox, headers: dict[str, str]) -> None:
    r = sandbox.get("livechat/visitor/tok-regex", user=None, headers=headers)
    assert r.status_code == 200
    assert r.json() == {"visitor": FIXTURE.visitor("regex"), "success": True}


def test_logged_in_caller_gets_the_same_answer(sandbox: Sandbox) -> None:
    expected: Doc = {"visitor": FIXTURE.visitor("lounge"), "success": True}
    as_viewer = sandbox.get("livechat/visitor/tok-lounge", user="viewer")
    anonymous = sandbox.get("livechat/visitor/tok-lounge", user=None)
    assert (as_viewer.status_code, as_viewer.json()) == (200, expected)
    assert (anonymous.status_code, anonymous.json()) == (200, expected)
