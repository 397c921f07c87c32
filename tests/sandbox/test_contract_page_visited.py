"""Contract: POST livechat/page.visited, storage and validation (CONTRACT §5)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    HEX24,
    ISO_MS_Z,
    Doc,
    invalid_params,
    running,
    without,
    write_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/page.visited"
ROCKET_CAT = {"_id": "rocket.cat", "username": "rocket.cat", "name": "Rocket.Cat"}
QUEUED = FIXTURE.room("bob-queued")
HREF = "https://shop.example.com/plans"
THIRTY_DAYS_MS = 2_592_000_000


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def page_info(change: str = "title", title: str = "Plans", href: str = HREF) -> Doc:
    return {"change": change, "title": title, "location": {"href": href}}


def stored_page(token: str, info: Doc) -> Doc:
    return {
        "page": {
            "msg": f"{info['title']} - {info['location']['href']}",
            "navigation": {"page": info, "token": token},
        },
        "success": True,
    }


def pages(sandbox: Sandbox, room_id: str) -> list[Doc]:
    r = sandbox.get(f"livechat/visitors.pagesVisited/{room_id}")
    assert r.status_code == 200, r.text
    found: list[Doc] = r.json()["pages"]
    return found


def message_count(sandbox: Sandbox, room_id: str) -> int:
    count: int = sandbox.get("rooms.info", {"roomId": room_id}).json()["room"]["msgs"]
    return count


def test_stored_when_change_is_the_monitor_type(sandbox: Sandbox) -> None:
    info = page_info()
    r = sandbox.post(PATH, {"token": "tok-bob", "rid": QUEUED["_id"], "pageInfo": info})
    assert r.status_code == 200
    assert r.json() == stored_page("tok-bob", info)
    [message] = pages(sandbox, QUEUED["_id"])
    assert HEX24.match(message["_id"])
    assert ISO_MS_Z.match(message["ts"])
    assert ISO_MS_Z.match(message["_updatedAt"])
    assert message.get("unread", True) is True
    assert without(message, "_id", "ts", "_updatedAt", "unread") == {
        "t": "livechat_navigation_history",
        "rid": QUEUED["_id"],
        "msg": f"Plans - {HREF}",
        "u": ROCKET_CAT,
        "groupable": False,
        "navigation": {"page": info, "token": "tok-bob"},
        "_hidden": True,
    }


def test_stored_message_increments_room_message_count(sandbox: Sandbox) -> None:
    before = message_count(sandbox, QUEUED["_id"])
    body = {"token": "tok-bob", "rid": QUEUED["_id"], "pageInfo": page_info()}
    sandbox.post(PATH, body)
    sandbox.post(PATH, body)
    assert (before, message_count(sandbox, QUEUED["_id"])) == (
        QUEUED["msgs"],
        QUEUED["msgs"] + 2,
    )


def test_newest_page_comes_first_in_pages_visited(sandbox: Sandbox) -> None:
    room = FIXTURE.room("alice-open")
    info = page_info(title="Thanks", href="https://shop.example.com/thanks")
    sandbox.post(PATH, {"token": "tok-alice", "rid": room["_id"], "pageInfo": info})
    found = pages(sandbox, room["_id"])
    assert found[0]["msg"] == f"Thanks - {info['location']['href']}"
    assert found[1:] == FIXTURE.refs(
        "rocketchat_message", "nav-checkout", "nav-pricing", "nav-home"
    )


def test_ignored_when_change_differs(sandbox: Sandbox) -> None:
    body = {"token": "tok-bob", "rid": QUEUED["_id"], "pageInfo": page_info("url")}
    r = sandbox.post(PATH, body)
    assert r.status_code == 200
    assert r.json() == {"success": True}
    assert pages(sandbox, QUEUED["_id"]) == []
    assert message_count(sandbox, QUEUED["_id"]) == QUEUED["msgs"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"token": "tok-x", "pageInfo": page_info()}, id="rid-absent"),
        pytest.param(
            {"token": "tok-x", "rid": None, "pageInfo": page_info()}, id="null"
        ),
        pytest.param(
            {"token": "nobody", "rid": "NoSuchRoom1234567", "pageInfo": page_info()},
            id="unknown-token-and-room",
        ),
    ],
)
def test_token_and_room_are_not_checked(sandbox: Sandbox, body: Doc) -> None:
    r = sandbox.post(PATH, body)
    assert r.status_code == 200
    assert r.json() == stored_page(body["token"], page_info())


def test_numbers_are_coerced_to_strings(sandbox: Sandbox) -> None:
    body = {"token": 123, "rid": QUEUED["_id"], "pageInfo": {**page_info(), "title": 5}}
    r = sandbox.post(PATH, body)
    assert r.status_code == 200
    assert r.json() == stored_page("123", page_info(title="5"))


def test_credentials_are_not_needed_nor_checked(sandbox: Sandbox) -> None:
    body = {"token": "tok-bob", "rid": QUEUED["_id"], "pageInfo": page_info()}
    r = sandbox.post(PATH, body, headers={"X-User-Id": "x", "X-Auth-Token": "y"})
    assert r.status_code == 200
    assert r.json() == stored_page("tok-bob", page_info())


def test_default_monitor_type_is_url(tmp_path: Path) -> None:
    def no_settings(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"] = []

    with running(write_fixture(tmp_path, no_settings)) as served:
        body = {"token": "tok-bob", "rid": QUEUED["_id"]}
        by_title = served.post(PATH, {**body, "pageInfo": page_info("title")})
        by_url = served.post(PATH, {**body, "pageInfo": page_info("url")})
        stored = pages(served, QUEUED["_id"])
    assert by_title.json() == {"success": True}
    assert by_url.json() == stored_page("tok-bob", page_info("url"))
    assert [m["navigation"]["page"]["change"] for m in stored] == ["url"]


def test_navigation_as_a_message_setting_unhides(tmp_path: Path) -> None:
    def visible(raw: dict[str, list[Doc]]) -> None:
        for setting in raw["rocketchat_settings"]:
            if setting["_id"] == "Livechat_Visitor_navigation_as_a_message":
                setting["value"] = True

    with running(write_fixture(tmp_path, visible)) as served:
        body = {"token": "tok-bob", "rid": QUEUED["_id"], "pageInfo": page_info()}
        served.post(PATH, body)
        [message] = pages(served, QUEUED["_id"])
    assert "_hidden" not in message


def test_missing_rocket_cat_user(tmp_path: Path) -> None:
    def no_bot(raw: dict[str, list[Doc]]) -> None:
        raw["users"] = [u for u in raw["users"] if u["_id"] != "rocket.cat"]

    with running(write_fixture(tmp_path, no_bot)) as served:
        r = served.post(
            PATH, {"token": "t", "rid": QUEUED["_id"], "pageInfo": page_info()}
        )
    assert r.status_code == 400
    assert r.json() == {"success": False, "error": "error-invalid-user"}


def _without_key(mapping: Doc, key: str) -> Doc:
    return {k: v for k, v in mapping.items() if k != key}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            {"pageInfo": page_info()}, "must have required property 'token'", id="token"
        ),
        pytest.param({"token": "t"}, "must have required property 'pageInfo'", id="pi"),
        pytest.param(
            {"token": "t", "pageInfo": {}},
            "must have required property 'title'",
            id="empty-page-info",
        ),
        pytest.param(
            {"token": "t", "pageInfo": _without_key(page_info(), "title")},
            "must have required property 'title'",
            id="title",
        ),
        pytest.param(
            {"token": "t", "pageInfo": _without_key(page_info(), "change")},
            "must have required property 'change'",
            id="change",
        ),
        pytest.param(
            {"token": "t", "pageInfo": _without_key(page_info(), "location")},
            "must have required property 'location'",
            id="location",
        ),
        pytest.param(
            {"token": "t", "pageInfo": {**page_info(), "location": {}}},
            "must have required property 'href'",
            id="href",
        ),
        pytest.param(
            {"token": "t", "rid": {}, "pageInfo": page_info()},
            "must be string",
            id="rid-object",
        ),
        pytest.param(
            {"token": {}, "pageInfo": page_info()}, "must be string", id="token-object"
        ),
        pytest.param(
            {"token": "t", "pageInfo": page_info(), "extra": 1},
            "must NOT have additional properties",
            id="extra-top",
        ),
        pytest.param(
            {"token": "t", "pageInfo": {**page_info(), "extra": 1}},
            "must NOT have additional properties",
            id="extra-page-info",
        ),
        pytest.param(
            {
                "token": "t",
                "pageInfo": {**page_info(), "location": {"href": "h", "x": 1}},
            },
            "must NOT have additional properties",
            id="extra-location",
        ),
    ],
)
def test_validation(sandbox: Sandbox, body: Any, message: str) -> None:
    r = sandbox.post(PATH, body)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


def test_body_without_json_content_type_fails(sandbox: Sandbox) -> None:
    body = json.dumps({"token": "t", "pageInfo": page_info()})
    r = sandbox.client.post(PATH, content=body, headers={"Content-Type": "text/plain"})
    assert r.status_code == 400
    assert r.json()["success"] is False


def test_roomless_page_expires_in_thirty_days(sandbox: Sandbox) -> None:
    # A page without `rid` belongs to no room, so no endpoint can read it
    # back; its expiry is checked in the sandbox's store instead.
    before = time.time() * 1000
    body = {"token": "tok-nowhere", "pageInfo": page_info()}
    assert sandbox.post(PATH, body).status_code == 200
    after = time.time() * 1000
    [message] = [
        doc
        for doc in sandbox.state.store.find("rocketchat_message")
        if doc.get("navigation", {}).get("token") == "tok-nowhere"
    ]
    assert "rid" not in message
    assert isinstance(message["expireAt"], int)
    assert (
        before + THIRTY_DAYS_MS - 1 <= message["expireAt"] <= after + THIRTY_DAYS_MS + 1
    )


def test_page_in_a_room_does_not_expire(sandbox: Sandbox) -> None:
    body = {"token": "tok-bob", "rid": QUEUED["_id"], "pageInfo": page_info()}
    sandbox.post(PATH, body)
    [message] = pages(sandbox, QUEUED["_id"])
    assert "expireAt" not in message


def test_concurrent_visits_are_all_counted(sandbox: Sandbox) -> None:
    def visit(n: int) -> int:
        info = page_info(title=f"Page {n}")
        body = {"token": "tok-bob", "rid": QUEUED["_id"], "pageInfo": info}
        with httpx.Client(base_url=f"{sandbox.base_url}/api/v1/", timeout=15) as c:
            return c.post(PATH, json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(visit, range(20)))
    titles = sorted(
        m["navigation"]["page"]["title"] for m in pages(sandbox, QUEUED["_id"])
    )
    assert statuses == [200] * 20
    assert titles == sorted(f"Page {n}" for n in range(20))
    assert message_count(sandbox, QUEUED["_id"]) == QUEUED["msgs"] + 20
