"""Contract: GET livechat/department (CONTRACT §13)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.contract_support import (
    FORBIDDEN,
    UNAUTHENTICATED,
    Doc,
    invalid_params,
    invalid_sort,
    listing,
)
from tests.sandbox.livechat_support import SALES, departments, served

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.sandbox.contract_support import Sandbox

PATH = "livechat/department"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with served(tmp_path_factory.mktemp("departments")) as running:
        yield running


def listed(keep: Callable[[Doc], bool] = lambda d: True) -> list[Doc]:
    """Departments (no units, no archived) matching `keep`, by name (binary)."""
    found = [
        d
        for d in departments()
        if d.get("type", "d") == "d" and not d.get("archived") and keep(d)
    ]
    return sorted(found, key=lambda d: d["name"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({}, listed(), id="default"),
        pytest.param(
            {"text": "SUP"}, listed(lambda d: "sup" in d["name"].lower()), id="text"
        ),
        pytest.param({"text": "."}, [], id="text-is-literal"),
        pytest.param({"enabled": "true"}, listed(lambda d: d["enabled"]), id="enabled"),
        pytest.param({"enabled": "false"}, listed(), id="enabled-false-is-no-filter"),
        pytest.param(
            {"excludeDepartmentId": SALES},
            listed(lambda d: d["_id"] != SALES),
            id="exclude",
        ),
        pytest.param(
            {"showArchived": "true"},
            sorted(
                (d for d in departments() if d.get("type", "d") == "d"),
                key=lambda d: d["name"],
            ),
            id="archived",
        ),
        pytest.param({"onlyMyDepartments": "true"}, listed(), id="only-mine-ce"),
        pytest.param({"query": "{}"}, listed(), id="query-ignored"),
        pytest.param({"sort": '{"name":-1}'}, list(reversed(listed())), id="sort"),
    ],
)
def test_lists_whole_documents(
    sandbox: Sandbox, params: Doc, expected: list[Doc]
) -> None:
    r = sandbox.get(PATH, params, user="agent1")
    assert r.status_code == 200, r.text
    assert r.json() == listing("departments", expected, len(expected))


def test_paging(sandbox: Sandbox) -> None:
    every = listed()
    r = sandbox.get(PATH, {"offset": "1", "count": "2"})
    assert r.json() == listing("departments", every[1:3], len(every), offset=1)


@pytest.mark.parametrize(
    ("params", "body"),
    [
        pytest.param(
            {"fields": "{}"},
            invalid_params("must NOT have additional properties"),
            id="fields",
        ),
        pytest.param(
            {"onlyMyDepartments": "yes"},
            invalid_params("must be equal to one of the allowed values"),
            id="enum",
        ),
        pytest.param({"count": "x"}, invalid_params("must be number"), id="count"),
        pytest.param({"sort": "{"}, invalid_sort("{"), id="sort"),
    ],
)
def test_refusals(sandbox: Sandbox, params: Doc, body: Doc) -> None:
    r = sandbox.get(PATH, params)
    assert (r.status_code, r.json()) == (400, body)


@pytest.mark.parametrize(
    ("user", "status", "body"),
    [(None, 401, UNAUTHENTICATED), ("viewer", 403, FORBIDDEN)],
)
def test_auth_and_permission(
    sandbox: Sandbox, user: Any, status: int, body: Doc
) -> None:
    r = sandbox.get(PATH, {"fields": "x"}, user=user)
    assert (r.status_code, r.json()) == (status, body)
