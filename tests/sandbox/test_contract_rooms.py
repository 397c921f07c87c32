"""Contract: GET livechat/rooms, filters, permission and enrichment (CONTRACT §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    ROOMS_FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    invalid_sort,
    listing,
    newest_first,
    running,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/rooms"
ALL = FIXTURE.livechat_rooms()
AGENT1 = FIXTURE.user_id("agent1")
AGENT2 = FIXTURE.user_id("agent2")
SALES = FIXTURE.department("Sales")["_id"]
SUPPORT = FIXTURE.department("Support")["_id"]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running() as served:
        yield served


def rooms(*refs: str) -> list[Doc]:
    return newest_first(FIXTURE.livechat_room(ref) for ref in refs)


def expect_rooms(r: Any, expected: list[Doc]) -> None:
    assert r.status_code == 200, r.text
    assert r.json() == listing("rooms", expected, len(expected))


def test_default_lists_every_livechat_room_newest_first(sandbox: Sandbox) -> None:
    expect_rooms(sandbox.get(PATH), newest_first(ALL))


def test_non_livechat_rooms_never_listed(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"count": "0"})
    assert "GENERAL" not in [room["_id"] for room in r.json()["rooms"]]
    assert r.json()["total"] == len(ALL)


def test_whole_document_with_unknown_keys_and_department(sandbox: Sandbox) -> None:
    raw = FIXTURE.room("alice-open")
    sales = FIXTURE.department("Sales")
    r = sandbox.get(PATH, {"roomName": "alice", "open": "true"})
    assert r.status_code == 200
    assert r.json()["rooms"] == [
        {**raw, "department": {"_id": sales["_id"], "name": "Sales"}}
    ]
    room = r.json()["rooms"][0]
    assert room["crmCase"] == "C-1"
    assert room["v"]["token"] == "tok-alice"


@pytest.mark.parametrize(
    ("ref", "department"),
    [
        pytest.param("alice-closed", "Support", id="enabled-department"),
        pytest.param("carol-closed", "Legacy", id="disabled-department"),
        pytest.param("carol-open", None, id="missing-department"),
        pytest.param("dana-open", None, id="no-department"),
    ],
)
def test_department_enrichment(
    sandbox: Sandbox, ref: str, department: str | None
) -> None:
    raw = FIXTURE.room(ref)
    expected = dict(raw)
    if department is not None:
        dep = FIXTURE.department(department)
        expected["department"] = {"_id": dep["_id"], "name": dep["name"]}
    r = sandbox.get(PATH, {"count": "0"})
    by_id = {room["_id"]: room for room in r.json()["rooms"]}
    assert by_id[raw["_id"]] == expected


def test_closed_room_has_no_open_key_and_queued_no_served_by(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"count": "0"})
    by_id = {room["_id"]: room for room in r.json()["rooms"]}
    closed = by_id[FIXTURE.room("alice-closed")["_id"]]
    queued = by_id[FIXTURE.room("bob-queued")["_id"]]
    assert ("open" in closed, "closedAt" in closed) == (False, True)
    assert ("servedBy" in queued, queued["open"]) == (False, True)


@pytest.mark.parametrize(
    ("params", "refs"),
    [
        pytest.param(
            {"open": "true"},
            ["alice-open", "carol-open", "dana-open", "jane", "janejr"],
            id="open-true",
        ),
        pytest.param(
            {"open": "false"},
            ["alice-closed", "carol-closed", "regex-closed"],
            id="open-false",
        ),
        pytest.param({"queued": "true"}, ["bob-queued"], id="queued-true"),
        pytest.param({"queued": "1"}, ["bob-queued"], id="queued-1"),
        pytest.param({"queued": "t"}, ["bob-queued"], id="queued-t"),
        pytest.param(
            {"queued": "true", "open": "true"}, ["bob-queued"], id="queued-overrides"
        ),
        pytest.param(
            {"queued": "true", "open": "false"}, ["bob-queued"], id="queued-over-closed"
        ),
        pytest.param({"onhold": "true"}, ["bob-hold"], id="onhold-true"),
        pytest.param({"onhold": "1"}, ["bob-hold"], id="onhold-1"),
        pytest.param({"onhold": "t"}, ["bob-hold"], id="onhold-t"),
        pytest.param(
            {"agents": AGENT1},
            ["alice-open", "bob-hold", "carol-closed", "dana-open", "janejr"],
            id="agents-single-wrapped",
        ),
        pytest.param(
            [("agents[]", AGENT2)],
            ["alice-closed", "carol-open", "regex-closed", "jane"],
            id="agents-bracket",
        ),
        pytest.param(
            [("agents", AGENT1), ("agents", AGENT2)],
            [
                "alice-open",
                "bob-hold",
                "carol-closed",
                "dana-open",
                "janejr",
                "alice-closed",
                "carol-open",
                "regex-closed",
                "jane",
            ],
            id="agents-two",
        ),
        pytest.param({"agents": "agent1"}, [], id="agents-by-username-no-match"),
        pytest.param(
            {"departmentId": SALES}, ["alice-open", "bob-queued"], id="department-one"
        ),
        pytest.param(
            [("departmentId", SALES), ("departmentId", SUPPORT)],
            ["alice-open", "bob-queued", "alice-closed", "regex-closed", "janejr"],
            id="department-array",
        ),
        pytest.param(
            [("departmentId[]", SUPPORT)],
            ["alice-closed", "regex-closed", "janejr"],
            id="department-bracket",
        ),
        pytest.param({"departmentId": "Sales"}, [], id="department-by-name-no"),
        pytest.param({"tags": "vip"}, ["alice-open", "carol-open"], id="tags-one"),
        pytest.param(
            [("tags[]", "vip"), ("tags[]", "followup")],
            ["alice-open", "carol-open", "bob-hold"],
            id="tags-any",
        ),
        pytest.param({"tags": "VIP"}, [], id="tags-case-sensitive"),
        pytest.param(
            {"roomName": "alice"}, ["alice-open", "alice-closed"], id="name-substring"
        ),
        pytest.param(
            {"roomName": "ALICE smith"},
            ["alice-open", "alice-closed"],
            id="name-case-insensitive",
        ),
        pytest.param(
            {"roomName": "(vip)"}, ["carol-open", "carol-closed"], id="parens"
        ),
        pytest.param({"roomName": ".*"}, ["regex-closed"], id="name-dot-star-literal"),
        pytest.param({"roomName": "jane doe"}, ["jane", "janejr"], id="name-two"),
        pytest.param({"roomName": '"Jane Doe"'}, ["jane"], id="name-quoted-exact"),
        pytest.param({"roomName": '"jane doe"'}, [], id="quoted-case-sensitive"),
        pytest.param({"roomName": '"Jane"'}, [], id="quoted-no-substring"),
        pytest.param(
            {"customFields": '{"ticket":"^tck-7"}'}, ["dana-open"], id="cf-regex-ci"
        ),
        pytest.param(
            {"customFields": '{"ticket":"TCK-.00"}'},
            ["alice-open", "carol-open"],
            id="cf-regex-unescaped",
        ),
        pytest.param(
            {"customFields": '{"ticket":"TCK","region":"EMEA"}'},
            ["dana-open"],
            id="cf-two-keys-and",
        ),
        pytest.param(
            {"customFields": '{"nope":"x"}'}, [], id="cf-unknown-key-no-match"
        ),
        pytest.param(
            {
                "createdAt": '{"start":"2024-02-01T10:00:00.000Z",'
                '"end":"2024-02-05T08:00:00.000Z"}'
            },
            ["alice-open", "regex-closed", "bob-hold", "bob-queued"],
            id="created-range-inclusive",
        ),
        pytest.param(
            {"createdAt": '{"start":"2024-02-07"}'},
            ["carol-open", "dana-open"],
            id="created-date-only",
        ),
        pytest.param(
            {"createdAt": '{"start":"2024-02-07T12:00:00.000Z"}'},
            ["carol-open", "dana-open"],
            id="created-start-only",
        ),
        pytest.param(
            {"createdAt": '{"end":"2024-01-20T09:00:00.000Z"}'},
            ["alice-closed", "carol-closed"],
            id="created-end-only",
        ),
        pytest.param(
            {"createdAt": '{"start":"2024-02-01T10:00:00.001Z"}'},
            ["regex-closed", "bob-hold", "bob-queued", "carol-open", "dana-open"],
            id="created-exact-instant",
        ),
        pytest.param(
            {"closedAt": '{"end":"2024-01-30T18:45:10.123Z"}'},
            ["alice-closed", "carol-closed"],
            id="closed-end-inclusive-ms",
        ),
        pytest.param(
            {"closedAt": '{"start":"2024-01-30T18:45:10.124Z"}'},
            ["regex-closed"],
            id="closed-start",
        ),
        pytest.param(
            {"closedAt": "{}", "createdAt": "{}"},
            [d["fixtureRef"] for d in ALL],
            id="empty-ranges",
        ),
        pytest.param(
            {"open": "true", "agents": AGENT1, "departmentId": SUPPORT},
            ["janejr"],
            id="combined-and",
        ),
        pytest.param(
            {"open": "false", "tags": "billing"}, ["alice-closed"], id="closed-tagged"
        ),
    ],
)
def test_filters(sandbox: Sandbox, params: Any, refs: list[str]) -> None:
    expect_rooms(sandbox.get(PATH, params), rooms(*refs))


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"open": "yes"}, id="open-other-value"),
        pytest.param({"open": "TRUE"}, id="open-upper-case"),
        pytest.param({"onhold": "TRUE"}, id="onhold-upper-case"),
        pytest.param({"onhold": "yes"}, id="onhold-yes"),
        pytest.param({"queued": "false"}, id="queued-false"),
        pytest.param({"queued": "no"}, id="queued-no"),
        pytest.param({"onhold": "false"}, id="onhold-false"),
        pytest.param({"departmentId": "undefined"}, id="department-undefined"),
        pytest.param({"customFields": "{}"}, id="cf-empty-object"),
        pytest.param({"units": "unit-1"}, id="units-ignored-ce"),
        pytest.param({"fields": '{"v":0}'}, id="fields-ignored"),
        pytest.param({"query": '{"open":true}'}, id="query-ignored"),
        pytest.param({"fields": "not json", "query": "nor this"}, id="bad-legacy-json"),
    ],
)
def test_parameters_that_add_no_condition(sandbox: Sandbox, params: Doc) -> None:
    expect_rooms(sandbox.get(PATH, params), newest_first(ALL))


@pytest.mark.parametrize(
    ("params", "offset", "window"),
    [
        pytest.param({"count": "1"}, 0, slice(0, 1), id="count-1"),
        pytest.param({"count": "4", "offset": "3"}, 3, slice(3, 7), id="window"),
        pytest.param({"offset": "10"}, 10, slice(10, None), id="offset-at-total"),
        pytest.param({"offset": "99"}, 99, slice(99, None), id="offset-past-total"),
        pytest.param({"count": "0"}, 0, slice(None), id="count-0"),
        pytest.param({"count": "101"}, 0, slice(None), id="count-101"),
        pytest.param({"count": "2.9"}, 0, slice(0, 2), id="count-truncated"),
    ],
)
def test_pagination(sandbox: Sandbox, params: Doc, offset: int, window: slice) -> None:
    everyone = newest_first(ALL)
    r = sandbox.get(PATH, params)
    assert r.status_code == 200
    assert r.json() == listing("rooms", everyone[window], len(everyone), offset)


def test_sort_custom(sandbox: Sandbox) -> None:
    closed = rooms("alice-closed", "carol-closed", "regex-closed")
    expected = sorted(closed, key=lambda room: room["closedAt"])
    expect_rooms(
        sandbox.get(PATH, {"open": "false", "sort": '{"closedAt":1}'}), expected
    )


def test_sort_two_keys(sandbox: Sandbox) -> None:
    expected = sorted(
        sorted(ALL, key=lambda room: room["ts"]), key=lambda room: room["fname"]
    )
    expect_rooms(sandbox.get(PATH, {"sort": '{"fname":1,"ts":1}'}), expected)


def test_sort_empty_object_is_insertion_order(sandbox: Sandbox) -> None:
    expect_rooms(sandbox.get(PATH, {"sort": "{}"}), ALL)


@pytest.mark.parametrize(
    "sort",
    [
        pytest.param("{", id="not-json"),
        pytest.param('{"ts":0}', id="zero"),
        pytest.param('{"ts":"-1"}', id="string"),
        pytest.param('{"ts":true}', id="boolean"),
    ],
)
def test_invalid_sort(sandbox: Sandbox, sort: str) -> None:
    r = sandbox.get(PATH, {"sort": sort})
    assert r.status_code == 400
    assert r.json() == invalid_sort(sort)


@pytest.mark.parametrize(
    ("param", "value", "label"),
    [
        pytest.param("createdAt", '{"start":"nope"}', "createdAt.start", id="cs"),
        pytest.param("createdAt", '{"end":"2024-13-45"}', "createdAt.end", id="ce"),
        pytest.param(
            "closedAt", '{"start":"yesterday-ish"}', "closedAt.start", id="xs"
        ),
        pytest.param("closedAt", '{"end":"x"}', "closedAt.end", id="xe"),
    ],
)
def test_invalid_dates(sandbox: Sandbox, param: str, value: str, label: str) -> None:
    r = sandbox.get(PATH, {param: value})
    assert r.status_code == 400
    assert r.json() == {
        "success": False,
        "error": f'The "{label}" query parameter must be a valid date.',
    }


@pytest.mark.parametrize("param", ["createdAt", "closedAt"])
def test_date_param_not_json(sandbox: Sandbox, param: str) -> None:
    r = sandbox.get(PATH, {param: "invalid"})
    body = r.json()
    assert r.status_code == 400
    assert (set(body), body["success"], type(body["error"])) == (
        {"success", "error"},
        False,
        str,
    )


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("{bad json", id="not-json"),
        pytest.param("[]", id="array"),
        pytest.param("null", id="null"),
        pytest.param('"text"', id="string"),
        pytest.param("42", id="number"),
    ],
)
def test_invalid_custom_fields(sandbox: Sandbox, value: str) -> None:
    r = sandbox.get(PATH, {"customFields": value})
    assert r.status_code == 400
    assert r.json() == {
        "success": False,
        "error": 'The "customFields" query parameter must be a valid JSON.',
    }


def test_malformed_custom_field_pattern_is_a_400(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"customFields": '{"ticket":"(["}'})
    assert r.status_code == 400
    assert r.json()["success"] is False


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({"foo": "1"}, "must NOT have additional properties", id="extra"),
        pytest.param({"agents[x]": "1"}, "must be array", id="agents-object"),
        pytest.param({"tags[x]": "vip"}, "must be array", id="tags-object"),
        pytest.param({"count": "many"}, "must be number", id="count-nan"),
        pytest.param({"offset": "x"}, "must be number", id="offset-nan"),
        pytest.param(
            [("roomName", "a"), ("roomName", "b")], "must be string", id="name-array"
        ),
    ],
)
def test_validation(sandbox: Sandbox, params: Any, message: str) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert r.json() == invalid_params(message)


@pytest.mark.parametrize(
    ("user", "params"),
    [
        pytest.param("agent1", {}, id="agent-no-filter"),
        pytest.param("agent1", {"agents": AGENT2}, id="agent-other-agent"),
        pytest.param(
            "agent1", [("agents", AGENT1), ("agents", AGENT2)], id="agent-two-ids"
        ),
        pytest.param("viewer", {}, id="viewer"),
        pytest.param("viewer", {"agents": "self"}, id="viewer-self"),
        pytest.param("agent1", {"customFields": "[bad"}, id="403-before-customfields"),
    ],
)
def test_handler_permission(sandbox: Sandbox, user: str, params: Any) -> None:
    if params == {"agents": "self"}:
        params = {"agents": FIXTURE.user_id(user)}
    r = sandbox.get(PATH, params, user=user)
    assert r.status_code == 403
    assert r.json() == ROOMS_FORBIDDEN


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"agents": AGENT1}, id="scalar"),
        pytest.param([("agents[]", AGENT1)], id="bracket"),
    ],
)
def test_agent_may_list_own_rooms(sandbox: Sandbox, params: Any) -> None:
    expected = rooms("alice-open", "bob-hold", "carol-closed", "dana-open", "janejr")
    expect_rooms(sandbox.get(PATH, params, user="agent1"), expected)


def test_agent_own_rooms_with_more_filters(sandbox: Sandbox) -> None:
    r = sandbox.get(PATH, {"agents": AGENT1, "open": "false"}, user="agent1")
    expect_rooms(r, rooms("carol-closed"))


@pytest.mark.parametrize("user", ["admin", "manager", "monitor"])
def test_roles_with_view_livechat_rooms(sandbox: Sandbox, user: str) -> None:
    expect_rooms(
        sandbox.get(PATH, {"tags": "vip"}, user=user), rooms("alice-open", "carol-open")
    )


@pytest.mark.parametrize(
    ("user", "params", "status", "body"),
    [
        pytest.param(None, {}, 401, UNAUTHENTICATED, id="anonymous"),
        pytest.param(None, {"foo": "1"}, 401, UNAUTHENTICATED, id="401-before-400"),
        pytest.param(
            "viewer",
            {"foo": "1"},
            400,
            invalid_params("must NOT have additional properties"),
            id="schema-before-permission",
        ),
        pytest.param(
            "viewer",
            {"sort": "{x"},
            400,
            invalid_sort("{x"),
            id="sort-before-permission",
        ),
        pytest.param(
            "viewer",
            {"createdAt": '{"start":"nope"}'},
            400,
            {
                "success": False,
                "error": 'The "createdAt.start" query parameter must be a valid date.',
            },
            id="dates-before-permission",
        ),
    ],
)
def test_check_order(
    sandbox: Sandbox, user: str | None, params: Doc, status: int, body: Doc
) -> None:
    r = sandbox.get(PATH, params, user=user)
    assert r.status_code == status
    assert r.json() == body


def test_view_l_room_from_a_custom_role_lists_own_rooms(sandbox: Sandbox) -> None:
    own = {"agents": FIXTURE.user_id("auditor")}
    mine = sandbox.get(PATH, own, user="auditor")
    everything = sandbox.get(PATH, user="auditor")
    assert (mine.status_code, mine.json()) == (200, listing("rooms", [], 0))
    assert (everything.status_code, everything.json()) == (403, ROOMS_FORBIDDEN)
