"""Contract: GET omnichannel/contacts.get (CONTRACT §12)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    running,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

PATH = "omnichannel/contacts.get"
NOT_FOUND = {"success": False, "error": "Resource not found"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


@pytest.mark.parametrize(
    "ref",
    [
        pytest.param("alice", id="manager-stays-an-id"),
        pytest.param("bob", id="manager-of-missing-user"),
        pytest.param("zed", id="unknown-contact"),
        pytest.param("noflag", id="no-unknown-flag"),
        pytest.param("carol", id="conflicting-fields-no-last-chat"),
        pytest.param("yara", id="pre-registration"),
    ],
)
def test_found_is_the_stored_document(sandbox: Sandbox, ref: str) -> None:
    contact = FIXTURE.contact(ref)
    r = sandbox.get(PATH, {"contactId": contact["_id"]})
    assert r.status_code == 200
    assert r.json() == {"contact": contact, "success": True}


def test_contact_manager_is_the_bare_id(sandbox: Sandbox) -> None:
    alice = FIXTURE.contact("alice")
    r = sandbox.get(PATH, {"contactId": alice["_id"]})
    assert r.json()["contact"]["contactManager"] == FIXTURE.user_id("cmgr")


@pytest.mark.parametrize(
    "contact_id",
    [
        pytest.param(FIXTURE.contact("eve")["_id"], id="disabled"),
        pytest.param("0" * 24, id="unknown"),
        pytest.param(FIXTURE.visitor("alice")["_id"], id="visitor-id"),
        pytest.param(FIXTURE.contact("alice")["_id"].upper(), id="case-sensitive"),
        pytest.param(" " + FIXTURE.contact("alice")["_id"], id="leading-space"),
    ],
)
def test_not_found(sandbox: Sandbox, contact_id: str) -> None:
    r = sandbox.get(PATH, {"contactId": contact_id})
    assert r.status_code == 404
    assert r.json() == NOT_FOUND


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({}, "must have required property 'contactId'", id="missing"),
        pytest.param(
            {"contactId": ""}, 'must pass "isNotEmpty" keyword validation', id="empty"
        ),
        pytest.param(
            {"contactId": "   "},
            'must pass "isNotEmpty" keyword validation',
            id="blank",
        ),
        pytest.param(
            {"email": "alice@example.com"},
            "must have required property 'contactId'",
            id="email-only",
        ),
        pytest.param(
            {"contactId": "x", "email": "a@b.c"},
            "must NOT have additional properties",
            id="extra-email",
        ),
        pytest.param(
            {"contactId": "x", "phone": "1"},
            "must NOT have additional properties",
            id="extra-phone",
        ),
        pytest.param(
            {"contactId": "x", "fields": "{}"},
            "must NOT have additional properties",
            id="extra-fields",
        ),
        pytest.param(
            {"contactId": "x", "visitor[visitorId]": "y"},
            "must NOT have additional properties",
            id="extra-visitor",
        ),
        pytest.param(
            [("contactId", "a"), ("contactId", "b")], "must be string", id="two-ids"
        ),
    ],
)
def test_validation(sandbox: Sandbox, params: Any, message: str) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


def test_one_element_array_is_unwrapped(sandbox: Sandbox) -> None:
    carol = FIXTURE.contact("carol")
    r = sandbox.get(PATH, [("contactId[]", carol["_id"])])
    assert r.status_code == 200
    assert r.json() == {"contact": carol, "success": True}


@pytest.mark.parametrize("user", ["agent1", "agent2", "manager", "monitor"])
def test_any_holder_of_the_permission_reads_any_contact(
    sandbox: Sandbox, user: str
) -> None:
    yara = FIXTURE.contact("yara")
    r = sandbox.get(PATH, {"contactId": yara["_id"]}, user=user)
    assert r.status_code == 200
    assert r.json() == {"contact": yara, "success": True}


@pytest.mark.parametrize(
    ("user", "params", "status", "body"),
    [
        pytest.param(None, {"contactId": "x"}, 401, UNAUTHENTICATED, id="anonymous"),
        pytest.param(None, {}, 401, UNAUTHENTICATED, id="401-before-400"),
        pytest.param("viewer", {"contactId": "x"}, 403, FORBIDDEN, id="viewer"),
        pytest.param("viewer", {"contactId": ""}, 403, FORBIDDEN, id="403-before-400"),
        pytest.param(
            "viewer",
            {"contactId": FIXTURE.contact("eve")["_id"]},
            403,
            FORBIDDEN,
            id="403-before-404",
        ),
    ],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: str | None, params: Doc, status: int, body: Doc
) -> None:
    r = sandbox.get(PATH, params, user=user)
    assert r.status_code == status
    assert r.json() == body
