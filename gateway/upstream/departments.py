"""Livechat departments over REST: the listing and the lookup by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.errors import NotFoundError
from gateway.upstream.client import paging, segment
from gateway.upstream.records import DepartmentRecord, page_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.upstream.client import Credentials, Upstream
    from gateway.upstream.records import Page


@dataclass(frozen=True)
class DepartmentQuery:
    """The filters of `GET livechat/department`, typed."""

    text: str | None = None
    only_enabled: bool = False
    exclude_id: str | None = None
    include_archived: bool = False

    def to_params(self) -> dict[str, str | int | list[str]]:
        # Rocket.Chat filters on `enabled` and `showArchived` only for the
        # exact string "true"; anything else means no filter, so send nothing.
        params: dict[str, str | int | list[str]] = {}
        if self.text:
            params["text"] = self.text
        if self.only_enabled:
            params["enabled"] = "true"
        if self.exclude_id:
            params["excludeDepartmentId"] = self.exclude_id
        if self.include_archived:
            params["showArchived"] = "true"
        return params


async def list_departments(
    upstream: Upstream,
    credentials: Credentials,
    query: DepartmentQuery,
    *,
    offset: int,
    count: int,
    sort: Mapping[str, int] | None = None,
) -> Page[DepartmentRecord]:
    body = await upstream.request(
        "GET",
        "livechat/department",
        credentials,
        params={**query.to_params(), **paging(offset, count, sort)},
    )
    return page_of(body, "departments", DepartmentRecord.from_json, offset=offset)


async def get_department(
    upstream: Upstream, credentials: Credentials, department_id: str
) -> DepartmentRecord:
    """A department by id, archived or disabled ones included.

    Rocket.Chat answers an unknown id with `department: null` (never 404);
    that becomes NotFoundError. Agents are not asked for.
    """
    body = await upstream.request(
        "GET",
        f"livechat/department/{segment(department_id)}",
        credentials,
        params={"includeAgents": "false"},
    )
    department = body.get("department")
    if not isinstance(department, dict) or "_id" not in department:
        raise NotFoundError(f"No department with id {department_id!r}.")
    return DepartmentRecord.from_json(department)
