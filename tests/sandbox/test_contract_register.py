"""Contract: POST livechat/visitor, registration and update (CONTRACT §4)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    HEX24,
    ISO_MS_Z,
    Doc,
    running,
    without,
    write_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/visitor"
USER_AGENT = "contract-tests/1.0"
INVALID_TOKEN = {
    "success": False,
    "error": "[invalid-token]",
    "errorType": "invalid-token",
}
EMPTY_TOKEN = {
    "success": False,
    "error": "Token cannot be empty [error-invalid-token]",
    "errorType": "error-invalid-token",
    "details": {"method": "livechat/visitor"},
}
INVALID_DEPARTMENT = {
    "success": False,
    "error": "The provided department is invalid [error-invalid-department]",
    "errorType": "error-invalid-department",
}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def register(sandbox: Sandbox, visitor: Any) -> Any:
    return sandbox.post(PATH, {"visitor": visitor}, headers={"User-Agent": USER_AGENT})


def read_back(sandbox: Sandbox, token: str) -> Any:
    return sandbox.get(f"livechat/visitor/{token}", user=None)


def ok(r: Any) -> Doc:
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"visitor", "success"}
    assert body["success"] is True
    visitor: Doc = body["visitor"]
    assert ISO_MS_Z.match(visitor["_updatedAt"])
    return visitor


def updated(ref: str, **changes: Any) -> Doc:
    """The fixture visitor after an update, `_updatedAt` left out."""
    return without(
        {**FIXTURE.visitor(ref), "status": "online", **changes}, "_updatedAt"
    )


def item(key: str, value: str, overwrite: bool) -> Doc:
    return {"key": key, "value": value, "overwrite": overwrite}


def test_create_minimal_visitor(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-new-1", "name": "New One"}))
    host = sandbox.base_url.removeprefix("http://")
    assert HEX24.match(visitor["_id"])
    assert ISO_MS_Z.match(visitor["ts"])
    assert without(visitor, "_id", "ts", "_updatedAt") == {
        "token": "tok-new-1",
        "username": "guest-2",
        "name": "New One",
        "status": "online",
        "userAgent": USER_AGENT,
        "ip": "127.0.0.1",
        "host": host,
    }
    assert read_back(sandbox, "tok-new-1").json() == {
        "visitor": visitor,
        "success": True,
    }


def test_guest_counter_starts_at_two_and_counts_up(sandbox: Sandbox) -> None:
    names = [
        ok(register(sandbox, {"token": f"tok-g{n}"}))["username"] for n in range(3)
    ]
    assert names == ["guest-2", "guest-3", "guest-4"]


def test_given_username_does_not_use_the_counter(sandbox: Sandbox) -> None:
    chosen = ok(register(sandbox, {"token": "tok-u1", "username": "chosen-name"}))
    automatic = ok(register(sandbox, {"token": "tok-u2"}))
    assert (chosen["username"], automatic["username"]) == ("chosen-name", "guest-2")


def test_update_does_not_use_the_counter(sandbox: Sandbox) -> None:
    ok(register(sandbox, {"token": "tok-alice", "name": "Alice"}))
    assert ok(register(sandbox, {"token": "tok-c"}))["username"] == "guest-2"


def test_create_with_id_email_phone_department(sandbox: Sandbox) -> None:
    support = FIXTURE.department("Support")["_id"]
    visitor = ok(
        register(
            sandbox,
            {
                "token": "tok-full",
                "id": "my-visitor-id",
                "name": "Full Person",
                "email": "  New.Person@Example.COM ",
                "phone": "+1 (555) 000-9999",
                "department": "Support",
                "username": "full-person",
            },
        )
    )
    assert without(visitor, "ts", "_updatedAt", "ip", "host", "userAgent") == {
        "_id": "my-visitor-id",
        "token": "tok-full",
        "username": "full-person",
        "name": "Full Person",
        "visitorEmails": [{"address": "new.person@example.com"}],
        "phone": [{"phoneNumber": "+1 (555) 000-9999"}],
        "department": support,
        "status": "online",
    }


@pytest.mark.parametrize(
    ("department", "name"),
    [
        pytest.param("Sales", "Sales", id="by-name"),
        pytest.param("Legacy", "Legacy", id="disabled-by-name"),
        pytest.param(FIXTURE.department("Support")["_id"], "Support", id="by-id"),
    ],
)
def test_department_stored_as_id(sandbox: Sandbox, department: str, name: str) -> None:
    visitor = ok(register(sandbox, {"token": "tok-dep", "department": department}))
    assert visitor["department"] == FIXTURE.department(name)["_id"]


@pytest.mark.parametrize(
    "department",
    [
        pytest.param("Nope", id="unknown"),
        pytest.param("sales", id="name-case-sensitive"),
        pytest.param("GhostDept0000001x", id="id-of-nothing"),
    ],
)
def test_unknown_department_writes_nothing(sandbox: Sandbox, department: str) -> None:
    r = register(sandbox, {"token": "tok-nodep", "department": department})
    assert r.status_code == 400
    assert r.json() == INVALID_DEPARTMENT
    assert read_back(sandbox, "tok-nodep").json() == INVALID_TOKEN
    r = register(sandbox, {"token": "tok-alice", "name": "X", "department": department})
    assert r.json() == INVALID_DEPARTMENT
    assert read_back(sandbox, "tok-alice").json()["visitor"]["name"] == "Alice Smith"


def test_update_by_token(sandbox: Sandbox) -> None:
    visitor = ok(
        register(
            sandbox,
            {
                "token": "tok-bob",
                "name": "Robert Stone",
                "username": "ignored",
                "id": "x",
            },
        )
    )
    assert without(visitor, "_updatedAt") == updated("bob", name="Robert Stone")
    assert visitor["_updatedAt"] != FIXTURE.visitor("bob")["_updatedAt"]


def test_update_keeps_unknown_keys_and_custom_data(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-alice"}))
    assert without(visitor, "_updatedAt") == updated("alice")


def test_update_by_phone_keeps_old_token(sandbox: Sandbox) -> None:
    visitor = ok(
        register(
            sandbox, {"token": "tok-brand-new", "phone": "+15550002222", "name": "B"}
        )
    )
    assert without(visitor, "_updatedAt") == updated("bob", name="B")
    assert read_back(sandbox, "tok-brand-new").json() == INVALID_TOKEN
    assert read_back(sandbox, "tok-bob").json()["visitor"]["name"] == "B"


def test_update_by_email_replaces_token(sandbox: Sandbox) -> None:
    visitor = ok(
        register(sandbox, {"token": "tok-carol-2", "email": " CAROL@VIP.example.com "})
    )
    assert without(visitor, "_updatedAt") == updated("carol", token="tok-carol-2")
    assert read_back(sandbox, "tok-carol").json() == INVALID_TOKEN
    assert read_back(sandbox, "tok-carol-2").json() == {
        "visitor": visitor,
        "success": True,
    }


def test_token_wins_over_phone(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-alice", "phone": "+15550002222"}))
    assert without(visitor, "_updatedAt") == updated(
        "alice", phone=[{"phoneNumber": "+15550002222"}]
    )
    assert read_back(sandbox, "tok-bob").json()["visitor"]["phone"] == [
        {"phoneNumber": "+15550002222"}
    ]


def test_phone_wins_over_email(sandbox: Sandbox) -> None:
    visitor = ok(
        register(
            sandbox,
            {
                "token": "tok-z",
                "phone": "+15550002222",
                "email": "carol@vip.example.com",
            },
        )
    )
    assert visitor["_id"] == FIXTURE.visitor("bob")["_id"]
    assert visitor["token"] == "tok-bob"
    assert visitor["visitorEmails"] == [{"address": "carol@vip.example.com"}]


def test_phone_match_is_exact(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-p", "phone": "15550002222"}))
    assert visitor["_id"] != FIXTURE.visitor("bob")["_id"]
    assert visitor["username"] == "guest-2"


def test_disabled_visitor_is_not_reused_by_email(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-d", "email": "disabled@example.com"}))
    assert visitor["_id"] not in [v["_id"] for v in FIXTURE.docs("livechat_visitor")]
    assert visitor["username"] == "guest-2"


def test_rename_refreshes_open_rooms_only(sandbox: Sandbox) -> None:
    ok(register(sandbox, {"token": "tok-alice", "name": "Alice Renamed"}))
    r = sandbox.get("livechat/rooms", {"roomName": "alice", "count": "0"})
    names = {room["_id"]: room["fname"] for room in r.json()["rooms"]}
    assert names == {
        FIXTURE.room("alice-open")["_id"]: "Alice Renamed",
        FIXTURE.room("alice-closed")["_id"]: "Alice Smith",
    }


@pytest.mark.parametrize(
    ("ref", "items", "data"),
    [
        pytest.param(
            "alice",
            [item("address", "1 New Street", True)],
            {"address": "1 New Street", "company": "Acme Corp", "plan": "gold"},
            id="overwrite-true",
        ),
        pytest.param(
            "alice",
            [item("address", "1 New Street", False)],
            {"address": "12 Baker Street", "company": "Acme Corp", "plan": "gold"},
            id="overwrite-false-keeps",
        ),
        pytest.param(
            "carol",
            [item("plan", "silver", False), item("company", "Other", False)],
            {"company": "Globex", "plan": "silver"},
            id="overwrite-false-fills-empty",
        ),
        pytest.param(
            "regex",
            [item("company", "Hooli", False)],
            {"company": "Hooli"},
            id="first-value",
        ),
        pytest.param(
            "bob",
            [
                item("shoeSize", "44", True),
                item("ticket", "TCK-9", True),
                item("region", "EMEA 1", True),
            ],
            {"address": "Main Road 5", "region": "EMEA 1"},
            id="unknown-and-room-scope-ignored-regexp-not-applied",
        ),
        pytest.param(
            "dana",
            [{"key": "company", "value": "Umbrella", "overwrite": True, "x": 1}],
            {"address": "42 Wallaby Way", "company": "Umbrella", "ticket": "TCK-777"},
            id="extra-keys-in-item",
        ),
    ],
)
def test_custom_fields(sandbox: Sandbox, ref: str, items: list[Doc], data: Doc) -> None:
    token = FIXTURE.visitor(ref)["token"]
    visitor = ok(register(sandbox, {"token": token, "customFields": items}))
    assert without(visitor, "_updatedAt") == updated(ref, livechatData=data)
    assert read_back(sandbox, token).json() == {"visitor": visitor, "success": True}


def test_custom_fields_on_a_new_visitor(sandbox: Sandbox) -> None:
    visitor = ok(
        register(
            sandbox,
            {"token": "tok-cf", "customFields": [item("address", "Elm 1", False)]},
        )
    )
    assert visitor["livechatData"] == {"address": "Elm 1"}


def test_only_ignored_custom_fields_add_no_livechat_data(sandbox: Sandbox) -> None:
    visitor = ok(
        register(
            sandbox, {"token": "tok-cf2", "customFields": [item("nope", "1", True)]}
        )
    )
    assert "livechatData" not in visitor


def test_extra_keys_inside_visitor_are_ignored(sandbox: Sandbox) -> None:
    visitor = ok(
        register(
            sandbox,
            {
                "token": "tok-extra",
                "favourite": "x",
                "connectionData": {"ip": "6.6.6.6"},
            },
        )
    )
    assert "favourite" not in visitor
    assert visitor["ip"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("items", "missing"),
    [
        pytest.param([item("address", "A", True)], "plan, region", id="both"),
        pytest.param([item("plan", "basic", True)], "region", id="one"),
        pytest.param(
            [item("plan", "b", True), item("ticket", "t", True)], "region", id="room"
        ),
    ],
)
def test_required_custom_fields(tmp_path: Path, items: list[Doc], missing: str) -> None:
    def require(raw: dict[str, list[Doc]]) -> None:
        for custom_field in raw["livechat_custom_field"]:
            if custom_field["_id"] in ("plan", "region"):
                custom_field["required"] = True

    with running(write_fixture(tmp_path, require)) as served:
        r = register(served, {"token": "tok-req", "name": "Req", "customFields": items})
        written = read_back(served, "tok-req")
        plain = register(served, {"token": "tok-req-2", "customFields": []})
    assert r.status_code == 400
    assert r.json() == {
        "success": False,
        "error": f"Missing required custom fields: {missing}",
    }
    # The visitor row is written before the custom fields are checked.
    assert written.json()["visitor"]["name"] == "Req"
    assert plain.status_code == 200


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("not-an-email", id="no-at"),
        pytest.param("a@b@c", id="two-ats"),
        pytest.param("@example.com", id="no-local"),
    ],
)
def test_invalid_email(sandbox: Sandbox, email: str) -> None:
    r = register(sandbox, {"token": "tok-mail", "email": email})
    assert r.status_code == 400
    assert r.json() == {
        "success": False,
        "error": f"Invalid email {email} [error-invalid-email]",
        "errorType": "error-invalid-email",
    }


@pytest.mark.parametrize("token", ["", " ", "\t  "])
def test_empty_token(sandbox: Sandbox, token: str) -> None:
    r = register(sandbox, {"token": token, "name": "x"})
    assert r.status_code == 400
    assert r.json() == EMPTY_TOKEN


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param({}, "Match error: Missing key 'visitor'", id="no-visitor"),
        pytest.param(
            {"visitor": {}},
            "Match error: Missing key 'token' in field visitor",
            id="nt",
        ),
        pytest.param(
            {"visitor": {"token": "t", "name": 5}},
            "Match error: Expected string, got number in field visitor.name",
            id="name-number",
        ),
        pytest.param(
            {"visitor": {"token": 7}},
            "Match error: Expected string, got number in field visitor.token",
            id="token-number",
        ),
        pytest.param(
            {"visitor": {"token": "t", "email": 1}},
            "Match error: Expected string, got number in field visitor.email",
            id="email-number",
        ),
        pytest.param(
            {"visitor": {"token": "t", "phone": 5}},
            "Match error: Expected string, got number in field visitor.phone",
            id="phone-number",
        ),
    ],
)
def test_match_errors(sandbox: Sandbox, body: Doc, error: str) -> None:
    r = sandbox.post(PATH, body)
    assert r.status_code == 400
    assert r.json() == {"success": False, "error": error}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"visitor": {"token": "t"}, "extra": 1}, id="top-level-key"),
        pytest.param({"visitor": "tok"}, id="visitor-string"),
        pytest.param({"visitor": {"token": "t", "department": 3}}, id="department"),
        pytest.param({"visitor": {"token": "t", "username": []}}, id="username"),
        pytest.param({"visitor": {"token": "t", "customFields": "x"}}, id="cf-string"),
        pytest.param({"visitor": {"token": "t", "customFields": ["x"]}}, id="cf-item"),
        pytest.param({"visitor": None}, id="visitor-null"),
        pytest.param([{"visitor": {"token": "t"}}], id="body-array"),
        pytest.param(
            {"visitor": {"token": "t", "customFields": [{"key": "a", "value": "b"}]}},
            id="item-no-overwrite",
        ),
        pytest.param(
            {
                "visitor": {
                    "token": "t",
                    "customFields": [{**item("a", "", True), "value": 1}],
                }
            },
            id="item-value-number",
        ),
        pytest.param(
            {
                "visitor": {
                    "token": "t",
                    "customFields": [{**item("a", "b", True), "overwrite": "yes"}],
                }
            },
            id="item-overwrite-string",
        ),
    ],
)
def test_other_match_errors(sandbox: Sandbox, body: Doc) -> None:
    r = sandbox.post(PATH, body)
    body_out = r.json()
    assert r.status_code == 400
    assert set(body_out) == {"success", "error"}
    assert body_out["success"] is False
    assert body_out["error"].startswith("Match error: ")


def test_body_without_json_content_type_fails(sandbox: Sandbox) -> None:
    r = sandbox.client.post(
        PATH,
        content=b'{"visitor": {"token": "tok-text"}}',
        headers={"Content-Type": "text/plain"},
    )
    assert r.status_code == 400
    assert r.json()["success"] is False
    assert read_back(sandbox, "tok-text").json() == INVALID_TOKEN


def test_guest_counter_continues_from_the_setting(tmp_path: Path) -> None:
    def counted(raw: dict[str, list[Doc]]) -> None:
        raw["rocketchat_settings"].append({"_id": "Livechat_guest_count", "value": 41})

    with running(write_fixture(tmp_path, counted)) as served:
        first = ok(register(served, {"token": "tok-42"}))
    assert first["username"] == "guest-42"


def test_concurrent_registrations_never_share_a_number(sandbox: Sandbox) -> None:
    def one(n: int) -> str:
        with httpx.Client(base_url=f"{sandbox.base_url}/api/v1/", timeout=15) as client:
            r = client.post(PATH, json={"visitor": {"token": f"tok-par-{n}"}})
            assert r.status_code == 200, r.text
            username: str = r.json()["visitor"]["username"]
            return username

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(one, range(20)))
    assert sorted(names, key=lambda name: int(name.split("-")[1])) == [
        f"guest-{n}" for n in range(2, 22)
    ]


@pytest.mark.parametrize(
    ("given", "changes"),
    [
        pytest.param({"name": ""}, {}, id="empty-name-kept"),
        pytest.param({"email": ""}, {}, id="empty-email-ignored"),
        pytest.param({"phone": ""}, {}, id="empty-phone-ignored"),
        pytest.param({"customFields": []}, {}, id="empty-custom-fields"),
        pytest.param(
            {"phone": "+15559990000"},
            {"phone": [{"phoneNumber": "+15559990000"}]},
            id="phone-replaces-list",
        ),
        pytest.param(
            {"email": "Alice.New@Example.com"},
            {"visitorEmails": [{"address": "alice.new@example.com"}]},
            id="email-replaces-list",
        ),
    ],
)
def test_only_truthy_fields_are_written(
    sandbox: Sandbox, given: Doc, changes: Doc
) -> None:
    visitor = ok(register(sandbox, {"token": "tok-alice", **given}))
    assert without(visitor, "_updatedAt") == updated("alice", **changes)


def test_email_of_a_managed_contact_sets_the_contact_manager(sandbox: Sandbox) -> None:
    manager = FIXTURE.user("cmgr")
    visitor = ok(
        register(sandbox, {"token": "tok-via-mail", "email": "alice@example.com"})
    )
    assert without(visitor, "_updatedAt") == updated(
        "alice",
        token="tok-via-mail",
        contactManager={
            "_id": manager["_id"],
            "username": "cmgr",
            "name": "Carla Manager",
            "emails": manager["emails"],
        },
    )


def test_manager_that_no_longer_exists_is_not_set(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-b2", "email": "bob@example.org"}))
    assert without(visitor, "_updatedAt") == updated("bob", token="tok-b2")


def test_credentials_are_ignored(sandbox: Sandbox) -> None:
    r = sandbox.post(
        PATH,
        {"visitor": {"token": "tok-anon"}},
        headers={"X-User-Id": "nobody", "X-Auth-Token": "bogus"},
    )
    assert r.status_code == 200
    assert r.json()["visitor"]["token"] == "tok-anon"


def test_given_username_is_not_checked_for_uniqueness(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-dup", "username": "guest-101"}))
    alice = read_back(sandbox, "tok-alice").json()["visitor"]
    assert (visitor["username"], alice["username"]) == ("guest-101", "guest-101")
    assert visitor["_id"] != alice["_id"]


def test_disabled_visitor_is_not_reused_by_phone(sandbox: Sandbox) -> None:
    visitor = ok(register(sandbox, {"token": "tok-dp", "phone": "+15550007777"}))
    assert visitor["_id"] != FIXTURE.visitor("disabled")["_id"]
    assert (visitor["token"], visitor["username"]) == ("tok-dp", "guest-2")


def test_custom_field_values_are_copied_to_the_contact(sandbox: Sandbox) -> None:
    contact = FIXTURE.contact("alice")
    ok(
        register(
            sandbox,
            {"token": "tok-alice", "customFields": [item("address", "9 Elm", True)]},
        )
    )
    r = sandbox.get("omnichannel/contacts.get", {"contactId": contact["_id"]})
    assert r.json()["contact"]["customFields"] == {"address": "9 Elm"}


def test_differing_non_overwrite_value_becomes_a_contact_conflict(
    sandbox: Sandbox,
) -> None:
    contact = FIXTURE.contact("alice")
    ok(
        register(
            sandbox,
            {"token": "tok-alice", "customFields": [item("address", "2 Oak", False)]},
        )
    )
    r = sandbox.get("omnichannel/contacts.get", {"contactId": contact["_id"]})
    stored = r.json()["contact"]
    [conflict] = stored["conflictingFields"]
    assert stored["customFields"] == {"address": "12 Baker Street"}
    assert conflict["value"] == "2 Oak"
    assert conflict["field"].endswith("address")
