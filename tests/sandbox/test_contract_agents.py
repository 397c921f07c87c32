"""Contract: GET livechat/users/agent and users/manager (CONTRACT §15)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    invalid_sort,
    listing,
)
from tests.sandbox.livechat_support import ARI, DEPARTMENT_AGENTS, OTTO, served

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/users/agent"
KEYS = ("_id", "username", "name", "status", "statusLivechat", "emails", "livechat")
USERS = [*FIXTURE.raw["users"], OTTO, ARI]
RECORDS = [*FIXTURE.raw["rocketchat_livechat_department_agents"], *DEPARTMENT_AGENTS]


def item(user: Doc) -> Doc:
    found = {key: user.get(key) for key in KEYS}
    found["departments"] = [
        r["departmentId"] for r in RECORDS if r["agentId"] == user["_id"]
    ]
    return found


def agents(
    keep: Callable[[Doc], bool] = lambda u: True, role: str = "livechat-agent"
) -> list[Doc]:
    chosen = [u for u in USERS if role in u["roles"] and keep(u)]
    return [item(u) for u in sorted(chosen, key=lambda u: u["name"])]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with served(tmp_path_factory.mktemp("agents")) as running:
        yield running


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({}, agents(), id="default"),
        pytest.param(
            {"text": "AGENT"},
            agents(lambda u: "agent" in u["username"] or "agent" in u["name"].lower()),
            id="text-name-username",
        ),
        pytest.param(
            {"text": "otto@"},
            agents(lambda u: u["username"] == "otto"),
            id="text-email",
        ),
        pytest.param(
            {"onlyAvailable": "true"},
            agents(lambda u: u.get("statusLivechat") == "available"),
            id="available",
        ),
        pytest.param(
            {"excludeId": OTTO["_id"]},
            agents(lambda u: u["_id"] != OTTO["_id"]),
            id="exclude",
        ),
        pytest.param(
            {"showIdleAgents": "false"},
            agents(lambda u: u.get("status") not in (None, "offline")),
            id="not-idle",
        ),
        pytest.param(
            {"sort": '{"username":-1}'},
            sorted(agents(), key=lambda u: u["username"], reverse=True),
            id="sort",
        ),
        pytest.param({"query": "x", "fields": "y"}, agents(), id="ignored"),
    ],
)
def test_lists_agents(sandbox: Sandbox, params: Doc, expected: list[Doc]) -> None:
    r = sandbox.get(PATH, params, user="agent1")
    assert r.status_code == 200, r.text
    assert r.json() == listing("users", expected, len(expected))


def test_offline_and_away_agents_are_marked(sandbox: Sandbox) -> None:
    users = {u["username"]: u for u in sandbox.get(PATH).json()["users"]}
    assert (users["otto"]["status"], users["otto"]["statusLivechat"]) == (
        "offline",
        "not-available",
    )
    assert users["ari"]["livechat"] == {"maxNumberSimultaneousChat": 3}
    assert users["otto"]["departments"] == [DEPARTMENT_AGENTS[0]["departmentId"]]


def test_paging(sandbox: Sandbox) -> None:
    every = agents()
    r = sandbox.get(PATH, {"offset": "1", "count": "2"})
    assert r.json() == listing("users", every[1:3], len(every), offset=1)


def test_managers(sandbox: Sandbox) -> None:
    r = sandbox.get("livechat/users/manager", user="monitor")
    expected = agents(role="livechat-manager")
    assert r.json() == listing("users", expected, len(expected))


@pytest.mark.parametrize(
    ("path", "params", "user", "status", "body"),
    [
        pytest.param(PATH, {}, None, 401, UNAUTHENTICATED, id="no-auth"),
        pytest.param(
            PATH,
            {},
            "viewer",
            403,
            {"success": False, "error": "unauthorized"},
            id="viewer",
        ),
        pytest.param(
            "livechat/users/manager",
            {},
            "agent1",
            403,
            {"success": False, "error": "unauthorized"},
            id="agent-managers",
        ),
        pytest.param(
            PATH,
            {"sort": "{"},
            "viewer",
            400,
            invalid_sort("{"),
            id="sort-before-permission",
        ),
        pytest.param(
            PATH,
            {"x": "1"},
            "viewer",
            400,
            invalid_params("must NOT have additional properties"),
            id="schema",
        ),
        pytest.param(
            PATH,
            {"onlyAvailable": "1"},
            "admin",
            400,
            invalid_params("must be boolean"),
            id="boolean",
        ),
        pytest.param(
            "livechat/users/visitor",
            {},
            "admin",
            400,
            {"success": False, "error": "Invalid type"},
            id="type",
        ),
    ],
)
def test_refusals(
    sandbox: Sandbox, path: str, params: Doc, user: Any, status: int, body: Doc
) -> None:
    r = sandbox.get(path, params, user=user)
    assert (r.status_code, r.json()) == (status, body)


@pytest.mark.parametrize("params", [{"count": "0"}, {"sort": "{}"}])
def test_pipeline_refusals_are_plain_400(sandbox: Sandbox, params: Doc) -> None:
    r = sandbox.get(PATH, params)
    assert r.status_code == 400
    assert set(r.json()) == {"success", "error"}
