"""Contract: GET livechat/department/:_id (CONTRACT §14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.sandbox.contract_support import (
    FIXTURE,
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    normalize,
)
from tests.sandbox.livechat_support import (
    ARCHIVED,
    DEPARTMENT_AGENTS,
    SUPPORT,
    departments,
    served,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.sandbox.contract_support import Sandbox

FIXTURE_AGENTS = "rocketchat_livechat_department_agents"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with served(tmp_path_factory.mktemp("department")) as running:
        yield running


def department(dep_id: str) -> Doc:
    return next(d for d in departments() if d["_id"] == dep_id)


def agents_of(dep_id: str) -> list[Doc]:
    every = [*FIXTURE.docs(FIXTURE_AGENTS), *(normalize(d) for d in DEPARTMENT_AGENTS)]
    return [a for a in every if a["departmentId"] == dep_id]


@pytest.mark.parametrize(
    ("params", "user", "with_agents"),
    [
        pytest.param({}, "admin", True, id="default-includes"),
        pytest.param({"includeAgents": "true"}, "manager", True, id="true"),
        pytest.param({"includeAgents": "false"}, "admin", False, id="false"),
        pytest.param({"includeAgents": "1"}, "admin", False, id="one"),
        pytest.param({}, "agent1", False, id="agent-never"),
        pytest.param({"anything": "goes"}, "admin", True, id="no-schema"),
    ],
)
def test_department_and_agents(
    sandbox: Sandbox, params: Doc, user: str, with_agents: bool
) -> None:
    r = sandbox.get(f"livechat/department/{SUPPORT}", params, user=user)
    expected: Doc = {"department": department(SUPPORT), "success": True}
    if with_agents:
        expected["agents"] = agents_of(SUPPORT)
        assert len(expected["agents"]) == 2
    assert (r.status_code, r.json()) == (200, expected)


def test_archived_department_is_found(sandbox: Sandbox) -> None:
    r = sandbox.get(f"livechat/department/{ARCHIVED['_id']}")
    expected = {"department": normalize(ARCHIVED), "agents": [], "success": True}
    assert r.json() == expected


def test_unknown_id_is_200_with_null(sandbox: Sandbox) -> None:
    r = sandbox.get("livechat/department/NoSuchDept234567")
    assert (r.status_code, r.json()) == (
        200,
        {"department": None, "agents": [], "success": True},
    )


@pytest.mark.parametrize(
    ("user", "status", "body"),
    [(None, 401, UNAUTHENTICATED), ("viewer", 403, FORBIDDEN)],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: str | None, status: int, body: Doc
) -> None:
    r = sandbox.get(f"livechat/department/{SUPPORT}", user=user)
    assert (r.status_code, r.json()) == (status, body)
