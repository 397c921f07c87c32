"""Contract: auth, headers, page limits, rate limits, round trip (CONTRACT §0)."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    listing,
    newest_first,
    project,
    running,
    without,
    write_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tests.sandbox.contract_support import Sandbox

ROOM = FIXTURE.room("alice-open")["_id"]
VISITOR = FIXTURE.visitor("alice")["_id"]
AUTHENTICATED = [
    pytest.param("livechat/visitors.search", {"term": "a"}, id="visitors.search"),
    pytest.param("livechat/rooms", {}, id="rooms"),
    pytest.param("livechat/visitors.info", {"visitorId": VISITOR}, id="visitors.info"),
    pytest.param(f"livechat/visitors.pagesVisited/{ROOM}", {}, id="pagesVisited"),
    pytest.param(
        f"livechat/visitors.chatHistory/room/{ROOM}/visitor/{VISITOR}",
        {},
        id="chatHistory",
    ),
    pytest.param("omnichannel/contacts.search", {}, id="contacts.search"),
    pytest.param(
        "omnichannel/contacts.get",
        {"contactId": FIXTURE.contact("alice")["_id"]},
        id="contacts.get",
    ),
    pytest.param("rooms.info", {"roomId": ROOM}, id="rooms.info"),
    pytest.param("me", {}, id="me"),
]
TOO_MANY = re.compile(
    r"^Error, too many requests\. Please slow down\. You must wait \d+ seconds "
    r"before trying this endpoint again\. \[error-too-many-requests\]$"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def bad_credentials(sandbox: Sandbox, variant: str) -> dict[str, str]:
    admin = sandbox.auth("admin")
    agent = sandbox.auth("agent1")
    return {
        "none": {},
        "only-user-id": {"X-User-Id": admin["X-User-Id"]},
        "only-token": {"X-Auth-Token": admin["X-Auth-Token"]},
        "wrong-token": {"X-User-Id": admin["X-User-Id"], "X-Auth-Token": "x" * 43},
        "unknown-user": {
            "X-User-Id": "NoSuchUser2345678",
            "X-Auth-Token": admin["X-Auth-Token"],
        },
        "other-users-token": {
            "X-User-Id": admin["X-User-Id"],
            "X-Auth-Token": agent["X-Auth-Token"],
        },
        "empty-values": {"X-User-Id": "", "X-Auth-Token": ""},
    }[variant]


@pytest.mark.parametrize(
    "variant",
    [
        "none",
        "only-user-id",
        "only-token",
        "wrong-token",
        "unknown-user",
        "other-users-token",
        "empty-values",
    ],
)
@pytest.mark.parametrize(("path", "params"), AUTHENTICATED)
def test_unauthenticated(
    sandbox: Sandbox, path: str, params: Doc, variant: str
) -> None:
    r = sandbox.get(path, params, user=None, headers=bad_credentials(sandbox, variant))
    assert r.status_code == 401
    assert r.json() == UNAUTHENTICATED


@pytest.mark.parametrize(("path", "params"), AUTHENTICATED)
def test_authenticated_success_envelope(
    sandbox: Sandbox, path: str, params: Doc
) -> None:
    r = sandbox.get(path, params)
    assert r.status_code == 200
    assert r.json()["success"] is True
    assert "data" not in r.json()


@pytest.mark.parametrize(
    ("path", "params", "user", "status"),
    [
        pytest.param("livechat/visitors.search", {"term": "a"}, "admin", 200, id="ok"),
        pytest.param("livechat/visitors.search", {}, "admin", 400, id="invalid"),
        pytest.param("livechat/visitors.search", {"term": "a"}, None, 401, id="401"),
        pytest.param(
            "livechat/visitors.search", {"term": "a"}, "viewer", 403, id="403"
        ),
        pytest.param("livechat/visitor/tok-alice", {}, None, 200, id="visitor-route"),
    ],
)
def test_json_and_no_cache_headers(
    sandbox: Sandbox, path: str, params: Doc, user: str | None, status: int
) -> None:
    r = sandbox.get(path, params, user=user)
    assert r.status_code == status
    assert r.headers["content-type"].split(";")[0] == "application/json"
    assert (r.headers.get("cache-control"), r.headers.get("pragma")) == (
        "no-store",
        "no-cache",
    )


def test_negative_offset_is_a_400(sandbox: Sandbox) -> None:
    r = sandbox.get("livechat/visitors.search", {"term": "a", "offset": "-5"})
    assert r.status_code == 400
    assert r.json()["success"] is False


@pytest.mark.parametrize(
    "ref",
    [
        d["fixtureRef"]
        for d in FIXTURE.docs("livechat_visitor")
        if not d.get("disabled")
    ],
)
def test_fixture_round_trip_visitors(sandbox: Sandbox, ref: str) -> None:
    visitor = FIXTURE.visitor(ref)
    by_token = sandbox.client.get(f"livechat/visitor/{visitor['token']}")
    by_id = sandbox.get("livechat/visitors.info", {"visitorId": visitor["_id"]})
    assert by_token.json() == {"visitor": visitor, "success": True}
    assert by_id.json() == {"visitor": without(visitor, "token"), "success": True}


@pytest.mark.parametrize(
    "ref",
    [
        d["fixtureRef"]
        for d in FIXTURE.docs("livechat_contact")
        if d.get("enabled") is not False
    ],
)
def test_fixture_round_trip_contacts(sandbox: Sandbox, ref: str) -> None:
    contact = FIXTURE.contact(ref)
    r = sandbox.get("omnichannel/contacts.get", {"contactId": contact["_id"]})
    assert r.json() == {"contact": contact, "success": True}


def test_dates_are_iso_utc_with_milliseconds(sandbox: Sandbox) -> None:
    r = sandbox.get("livechat/rooms", {"count": "0"})
    stamps = [room["ts"] for room in r.json()["rooms"]]
    assert all(
        re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", ts) for ts in stamps
    )
    assert sorted(stamps, reverse=True) == stamps


BULK = 120


def add_bulk(raw: dict[str, list[Doc]]) -> None:
    """Append BULK visitors, rooms and contacts so page limits show."""
    admin = next(u for u in raw["users"] if u["username"] == "admin")
    for n in range(BULK):
        stamp = f"2025-03-01T{n // 60:02d}:{n % 60:02d}:00.000Z"
        visitor_id = f"b{n:023x}"
        raw["livechat_visitor"].append(
            {
                "_id": visitor_id,
                "token": f"bulk-token-{n}",
                "username": f"bulk-{n:03d}",
                "status": "online",
                "ts": stamp,
                "_updatedAt": stamp,
            }
        )
        raw["rocketchat_room"].append(
            {
                "_id": f"BulkRoom{n:09d}",
                "t": "l",
                "fname": f"Bulk {n:03d}",
                "msgs": 0,
                "ts": stamp,
                "_updatedAt": stamp,
                "open": True,
                "v": {
                    "_id": visitor_id,
                    "username": f"bulk-{n:03d}",
                    "token": f"bulk-token-{n}",
                    "status": "online",
                },
                "servedBy": {"_id": admin["_id"], "username": "admin", "ts": stamp},
            }
        )
        raw["livechat_contact"].append(
            {
                "_id": f"c{n:023x}",
                "name": f"Bulk {n:03d}",
                "unknown": False,
                "channels": [],
                "createdAt": stamp,
                "_updatedAt": stamp,
            }
        )


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with running(write_fixture(tmp_path_factory.mktemp("bulk"), add_bulk)) as served:
        yield served


def bulk_visitors() -> list[Doc]:
    docs: list[Doc] = []
    add_bulk(
        {
            "users": FIXTURE.raw["users"],
            "livechat_visitor": docs,
            "rocketchat_room": [],
            "livechat_contact": [],
        }
    )
    return [project(d, ["_id", "username"]) | {"ts": d["ts"]} for d in docs]


@pytest.mark.parametrize(
    ("params", "size", "offset"),
    [
        pytest.param({}, 50, 0, id="default-50"),
        pytest.param({"count": "101"}, 100, 0, id="clamped-100"),
        pytest.param({"count": "100"}, 100, 0, id="exactly-100"),
        pytest.param({"count": "5000"}, 100, 0, id="huge-clamped"),
        pytest.param({"count": "0"}, BULK, 0, id="no-limit"),
        pytest.param({"offset": "100"}, 20, 100, id="last-partial-page"),
        pytest.param({"offset": "50", "count": "0"}, 70, 50, id="no-limit-offset"),
    ],
)
def test_page_limits_visitors(
    bulk: Sandbox, params: Doc, size: int, offset: int
) -> None:
    everyone = [without(v, "ts") for v in newest_first(bulk_visitors())]
    r = bulk.get("livechat/visitors.search", {"term": "bulk-", **params})
    assert r.status_code == 200
    assert r.json() == listing(
        "visitors", everyone[offset : offset + size], BULK, offset
    )


@pytest.mark.parametrize(
    ("params", "size", "count"),
    [
        pytest.param({}, 50, 50, id="default-50"),
        pytest.param({"count": "101"}, 100, 100, id="clamped-100"),
        pytest.param({"count": "0"}, BULK, 0, id="no-limit"),
    ],
)
def test_page_limits_contacts(
    bulk: Sandbox, params: Doc, size: int, count: int
) -> None:
    r = bulk.get("omnichannel/contacts.search", {"searchText": "Bulk", **params})
    body = r.json()
    names = [c["name"] for c in body["contacts"]]
    assert (body["count"], body["total"], body["offset"]) == (count, BULK, 0)
    assert names == [f"Bulk {n:03d}" for n in range(size)]


@pytest.mark.parametrize(
    ("params", "size"),
    [
        pytest.param({}, 50, id="default-50"),
        pytest.param({"count": "101"}, 100, id="clamped-100"),
        pytest.param({"count": "0"}, BULK, id="no-limit"),
    ],
)
def test_page_limits_rooms(bulk: Sandbox, params: Doc, size: int) -> None:
    r = bulk.get("livechat/rooms", {"roomName": "Bulk", **params})
    body = r.json()
    names = [room["fname"] for room in body["rooms"]]
    assert (body["count"], body["total"], body["offset"]) == (size, BULK, 0)
    assert names == [f"Bulk {n:03d}" for n in reversed(range(BULK))][:size]


@pytest.fixture
def limited() -> Iterator[Sandbox]:
    with running(rate_limit=True) as served:
        yield served


def assert_too_many(r: Any, limit: int) -> None:
    assert r.status_code == 429
    assert set(r.json()) == {"success", "error"}
    assert r.json()["success"] is False
    assert TOO_MANY.match(r.json()["error"])
    assert r.headers["x-ratelimit-limit"] == str(limit)
    assert r.headers["x-ratelimit-remaining"] == "0"
    assert int(r.headers["x-ratelimit-reset"]) > time.time() * 1000


def test_registration_allows_five_per_minute(limited: Sandbox) -> None:
    statuses = [
        limited.post("livechat/visitor", {"visitor": {"token": f"rl-{n}"}}).status_code
        for n in range(5)
    ]
    sixth = limited.post("livechat/visitor", {"visitor": {"token": "rl-6"}})
    assert statuses == [200] * 5
    assert_too_many(sixth, 5)
    other = limited.post(
        "livechat/visitor",
        {"visitor": {"token": "rl-7"}},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert other.status_code == 200


def test_visitor_route_allows_ten_per_minute(limited: Sandbox) -> None:
    statuses = [
        limited.client.get("livechat/visitor/tok-alice").status_code for _ in range(10)
    ]
    assert statuses == [200] * 10
    assert_too_many(limited.client.get("livechat/visitor/tok-alice"), 10)


def test_authenticated_routes_limit_per_route(limited: Sandbox) -> None:
    search = [
        limited.get("livechat/visitors.search", {"term": "a"}, user="agent1")
        for _ in range(10)
    ]
    assert [r.status_code for r in search] == [200] * 10
    assert_too_many(
        limited.get("livechat/visitors.search", {"term": "a"}, user="agent1"), 10
    )
    other_route = limited.get("omnichannel/contacts.search", user="agent1")
    assert other_route.status_code == 200


def test_admin_bypasses_the_rate_limit(limited: Sandbox) -> None:
    statuses = {
        limited.get("livechat/visitors.search", {"term": "a"}).status_code
        for _ in range(12)
    }
    assert statuses == {200}


def test_auth_and_permission_come_before_the_rate_limit(limited: Sandbox) -> None:
    anonymous = {
        limited.get("livechat/visitors.info", {"visitorId": "x"}, user=None).status_code
        for _ in range(12)
    }
    viewer = {
        limited.get(
            "livechat/visitors.info", {"visitorId": "x"}, user="viewer"
        ).status_code
        for _ in range(12)
    }
    assert (anonymous, viewer) == ({401}, {403})


def test_rate_limit_knob_can_be_switched_on(tmp_path: Any) -> None:
    with running() as served:
        served.state.options.rate_limit = True
        statuses = [
            served.post(
                "livechat/visitor", {"visitor": {"token": f"k-{n}"}}
            ).status_code
            for n in range(6)
        ]
    assert statuses == [200] * 5 + [429]


def test_unexpected_failure_body() -> None:
    with running(fault_rate=1.0, fault_kind="500") as served:
        r = served.client.get("livechat/visitor/tok-alice")
    assert r.status_code == 500
    assert r.json() == {"success": False, "error": "Internal server error"}


def test_page_visits_allow_ten_per_minute(limited: Sandbox) -> None:
    body = {
        "token": "tok-alice",
        "pageInfo": {"change": "url", "title": "t", "location": {"href": "h"}},
    }
    statuses = [
        limited.post("livechat/page.visited", body).status_code for _ in range(10)
    ]
    assert statuses == [200] * 10
    assert_too_many(limited.post("livechat/page.visited", body), 10)


def test_rate_limit_comes_before_validation(limited: Sandbox) -> None:
    invalid = [
        limited.get("livechat/visitors.search", {}, user="agent1").status_code
        for _ in range(10)
    ]
    assert invalid == [400] * 10
    assert_too_many(limited.get("livechat/visitors.search", {}, user="agent1"), 10)
    valid = limited.get("livechat/visitors.search", {"term": "a"}, user="agent1")
    assert_too_many(valid, 10)


def test_admin_credentials_do_not_exempt_visitor_routes(limited: Sandbox) -> None:
    statuses = [
        limited.post(
            "livechat/visitor", {"visitor": {"token": f"adm-{n}"}}, user="admin"
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def setting(name: str, value: object) -> Callable[[dict[str, list[Doc]]], None]:
    def mutate(raw: dict[str, list[Doc]]) -> None:
        add_bulk(raw)
        raw["rocketchat_settings"].append({"_id": name, "value": value})

    return mutate


@pytest.mark.parametrize(
    ("name", "value", "params", "size"),
    [
        pytest.param("API_Default_Count", 7, {}, 7, id="default-count"),
        pytest.param(
            "API_Upper_Count_Limit", 30, {"count": "45"}, 30, id="upper-limit"
        ),
        pytest.param(
            "API_Allow_Infinite_Count", False, {"count": "0"}, 50, id="no-infinite"
        ),
    ],
)
def test_paging_settings(
    tmp_path: Path, name: str, value: object, params: Doc, size: int
) -> None:
    with running(write_fixture(tmp_path, setting(name, value))) as served:
        r = served.get("livechat/visitors.search", {"term": "bulk-", **params})
    body = r.json()
    assert (len(body["visitors"]), body["count"], body["total"]) == (size, size, BULK)


AUDITOR_VIEWS = [
    pytest.param(
        "livechat/visitors.search",
        {"term": "zzz"},
        200,
        listing("visitors", [], 0),
        id="search",
    ),
    pytest.param(
        "livechat/visitors.info",
        {"visitorId": VISITOR},
        200,
        {"visitor": without(FIXTURE.visitor("alice"), "token"), "success": True},
        id="info",
    ),
    pytest.param(
        "livechat/visitors.pagesVisited/NoSuchRoom1234567",
        {},
        400,
        {"success": False, "error": "invalid-room"},
        id="pages",
    ),
    pytest.param("omnichannel/contacts.search", {}, 403, FORBIDDEN, id="contacts"),
    pytest.param(
        "omnichannel/contacts.get", {"contactId": "x"}, 403, FORBIDDEN, id="contact"
    ),
]


@pytest.mark.parametrize(("path", "params", "status", "body"), AUDITOR_VIEWS)
def test_permissions_come_from_permission_documents(
    sandbox: Sandbox, path: str, params: Doc, status: int, body: Doc
) -> None:
    # `auditor` holds a custom role that the fixture's rocketchat_permissions
    # adds to view-l-room only.
    r = sandbox.get(path, params, user="auditor")
    assert r.status_code == status
    assert r.json() == body
