"""Contract: POST login, POST logout and GET me (CONTRACT §L, §0.2)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import FIXTURE, UNAUTHENTICATED, Doc, running

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

LOGIN_FAILED = {
    "success": False,
    "status": "error",
    "error": "Unauthorized",
    "message": "Unauthorized",
}
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def logged_in(r: Any, username: str) -> Doc:
    """Check a successful login body for `username`; return its `data`."""
    user = FIXTURE.user(username)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (set(body), body["status"], body["success"]) == (
        {"status", "data", "success"},
        "success",
        True,
    )
    data: Doc = body["data"]
    assert {"userId", "authToken", "me"} <= set(data)
    assert data["userId"] == user["_id"]
    assert TOKEN.match(data["authToken"])
    me = data["me"]
    assert (me["_id"], me["username"], me["name"], me["roles"]) == (
        user["_id"],
        username,
        user["name"],
        user["roles"],
    )
    assert me.get("emails") == user.get("emails")
    assert "password" not in me
    assert "services" not in me
    return data


def headers(data: Doc) -> dict[str, str]:
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


@pytest.mark.parametrize(
    ("body", "username"),
    [
        pytest.param({"user": "admin", "password": "admin-secret"}, "admin", id="user"),
        pytest.param(
            {"user": "agent1@example.com", "password": "agent1-secret"},
            "agent1",
            id="user-as-email",
        ),
        pytest.param(
            {"username": "viewer", "password": "viewer-secret"}, "viewer", id="username"
        ),
        pytest.param(
            {"email": "manager@example.com", "password": "manager-secret"},
            "manager",
            id="email",
        ),
    ],
)
def test_login(sandbox: Sandbox, body: Doc, username: str) -> None:
    data = logged_in(sandbox.post("login", body), username)
    me = sandbox.get("me", user=None, headers=headers(data))
    assert me.status_code == 200
    assert (me.json()["_id"], me.json()["username"]) == (data["userId"], username)


def test_resume_revalidates_a_token(sandbox: Sandbox) -> None:
    first = logged_in(
        sandbox.post("login", {"user": "agent2", "password": "agent2-secret"}), "agent2"
    )
    again = logged_in(sandbox.post("login", {"resume": first["authToken"]}), "agent2")
    assert again["userId"] == first["userId"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"user": "admin", "password": "wrong"}, id="wrong-password"),
        pytest.param({"user": "nobody", "password": "admin-secret"}, id="unknown-user"),
        pytest.param(
            {"user": "nobody@example.com", "password": "x"}, id="unknown-email"
        ),
        pytest.param({"user": "Admin", "password": "admin-secret"}, id="username-case"),
        pytest.param({"user": "admin", "password": ""}, id="empty-password"),
        pytest.param(
            {"username": "agent1", "password": "agent2-secret"}, id="other-password"
        ),
    ],
)
def test_login_failure_is_indistinguishable(sandbox: Sandbox, body: Doc) -> None:
    r = sandbox.post("login", body)
    assert r.status_code == 401
    assert r.json() == LOGIN_FAILED


def test_resume_with_unknown_token(sandbox: Sandbox) -> None:
    r = sandbox.post("login", {"resume": "x" * 43})
    body = r.json()
    assert r.status_code == 401
    assert (body["success"], body["status"]) == (False, "error")


def test_each_login_is_a_new_token_and_both_work(sandbox: Sandbox) -> None:
    body = {"user": "monitor", "password": "monitor-secret"}
    first = logged_in(sandbox.post("login", body), "monitor")
    second = logged_in(sandbox.post("login", body), "monitor")
    assert first["authToken"] != second["authToken"]
    for data in (first, second):
        assert sandbox.get("me", user=None, headers=headers(data)).status_code == 200


def test_logout_invalidates_only_that_token(sandbox: Sandbox) -> None:
    body = {"user": "agent1", "password": "agent1-secret"}
    first = logged_in(sandbox.post("login", body), "agent1")
    second = logged_in(sandbox.post("login", body), "agent1")
    r = sandbox.post("logout", headers=headers(first))
    assert r.status_code == 200
    assert r.json()["status"] == "success"
    assert r.json()["data"]["message"] == "You've been logged out!"
    gone = sandbox.get(
        "livechat/visitors.search", {"term": "x"}, user=None, headers=headers(first)
    )
    assert (gone.status_code, gone.json()) == (401, UNAUTHENTICATED)
    kept = sandbox.get(
        "livechat/visitors.search", {"term": "x"}, user=None, headers=headers(second)
    )
    assert kept.status_code == 200


def test_logout_needs_authentication(sandbox: Sandbox) -> None:
    r = sandbox.post("logout")
    assert r.status_code == 401
    assert r.json() == UNAUTHENTICATED


def test_me_needs_authentication(sandbox: Sandbox) -> None:
    r = sandbox.get("me", user=None)
    assert r.status_code == 401
    assert r.json() == UNAUTHENTICATED


def test_header_names_are_case_insensitive(sandbox: Sandbox) -> None:
    auth = sandbox.auth("admin")
    lower = {"x-user-id": auth["X-User-Id"], "x-auth-token": auth["X-Auth-Token"]}
    r = sandbox.get(
        "livechat/visitors.info", {"visitorId": "x"}, user=None, headers=lower
    )
    assert r.status_code == 400
    assert r.json() == {"success": False, "error": "visitor-not-found"}
