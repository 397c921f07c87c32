"""Livechat agents over REST: `livechat/users/agent`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.upstream.client import paging
from gateway.upstream.records import AgentRecord, page_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.upstream.client import Credentials, Upstream
    from gateway.upstream.records import Page

# `count=0` and `sort={}` break the upstream's aggregation (§15): always send
# a positive count (the gateway does) and a non-empty sort.
DEFAULT_SORT = {"name": 1, "_id": 1}


@dataclass(frozen=True)
class AgentQuery:
    """The filters of `GET livechat/users/agent`, typed."""

    text: str | None = None
    only_available: bool = False
    exclude_id: str | None = None
    only_connected: bool = False

    def to_params(self) -> dict[str, str | int | list[str]]:
        params: dict[str, str | int | list[str]] = {}
        if self.text:
            params["text"] = self.text
        if self.only_available:
            params["onlyAvailable"] = "true"
        if self.exclude_id:
            params["excludeId"] = self.exclude_id
        if self.only_connected:
            params["showIdleAgents"] = "false"
        return params


async def list_agents(
    upstream: Upstream,
    credentials: Credentials,
    query: AgentQuery,
    *,
    offset: int,
    count: int,
    sort: Mapping[str, int] | None = None,
) -> Page[AgentRecord]:
    body = await upstream.request(
        "GET",
        "livechat/users/agent",
        credentials,
        params={**query.to_params(), **paging(offset, count, sort or DEFAULT_SORT)},
    )
    return page_of(body, "users", AgentRecord.from_json, offset=offset)
