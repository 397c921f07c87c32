"""Livechat rooms over REST: the filtered listing and the lookup by id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.errors import NotFoundError
from gateway.upstream.client import paging, refusals
from gateway.upstream.records import RoomRecord, page_of
from gateway.upstream.refusals import (
    CLOSE_REFUSALS,
    FORWARD_REFUSALS,
    VISITOR_ROOM_REFUSALS,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from gateway.upstream.client import Credentials, Upstream
    from gateway.upstream.records import Page


@dataclass(frozen=True)
class DateRange:
    """Inclusive bounds on a date; either may be open."""

    start: datetime | None = None
    end: datetime | None = None

    def to_json(self) -> str:
        bounds = {
            key: _iso(value)
            for key, value in (("start", self.start), ("end", self.end))
            if value is not None
        }
        return json.dumps(bounds, separators=(",", ":"))


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class RoomQuery:
    """The filters of `GET livechat/rooms`, typed."""

    open: bool | None = None
    queued: bool = False
    on_hold: bool = False
    agent_ids: tuple[str, ...] = ()
    department_ids: tuple[str, ...] = ()
    created_at: DateRange | None = None
    closed_at: DateRange | None = None
    tags: tuple[str, ...] = ()
    custom_fields: Mapping[str, str] | None = None
    name: str | None = None
    name_exact: bool = False

    def to_params(self) -> dict[str, str | int | list[str]]:
        # Arrays go as `key[]=...`: an array under every release's parser.
        params: dict[str, str | int | list[str]] = {}
        if self.open is not None:
            params["open"] = "true" if self.open else "false"
        if self.queued:
            params["queued"] = "true"
        if self.on_hold:
            params["onhold"] = "true"
        if self.agent_ids:
            params["agents[]"] = list(self.agent_ids)
        if self.department_ids:
            params["departmentId[]"] = list(self.department_ids)
        if self.created_at is not None:
            params["createdAt"] = self.created_at.to_json()
        if self.closed_at is not None:
            params["closedAt"] = self.closed_at.to_json()
        if self.tags:
            params["tags[]"] = list(self.tags)
        if self.custom_fields:
            params["customFields"] = json.dumps(dict(self.custom_fields))
        if self.name is not None:
            params["roomName"] = f'"{self.name}"' if self.name_exact else self.name
        return params


async def list_rooms(
    upstream: Upstream,
    credentials: Credentials,
    query: RoomQuery,
    *,
    offset: int,
    count: int,
    sort: Mapping[str, int] | None = None,
) -> Page[RoomRecord]:
    body = await upstream.request(
        "GET",
        "livechat/rooms",
        credentials,
        params={**query.to_params(), **paging(offset, count, sort)},
    )
    return page_of(body, "rooms", RoomRecord.from_json, offset=offset)


async def get_room(
    upstream: Upstream, credentials: Credentials, room_id: str
) -> RoomRecord:
    """A livechat room by id; other room types count as not found."""
    body = await upstream.request(
        "GET", "rooms.info", credentials, params={"roomId": room_id}
    )
    room = body.get("room")
    if not isinstance(room, dict) or room.get("t") != "l" or "_id" not in room:
        raise NotFoundError(f"No livechat room with id {room_id!r}.")
    return RoomRecord.from_json(room)


async def close_room(
    upstream: Upstream,
    credentials: Credentials,
    room_id: str,
    *,
    comment: str | None = None,
    tags: tuple[str, ...] = (),
) -> None:
    """`POST livechat/room.closeByUser` as the caller; refusals coded."""
    body: dict[str, object] = {"rid": room_id}
    if comment is not None:
        body["comment"] = comment
    if tags:
        body["tags"] = list(tags)
    with refusals(CLOSE_REFUSALS):
        await upstream.request(
            "POST", "livechat/room.closeByUser", credentials, json=body
        )


async def forward_room(
    upstream: Upstream,
    credentials: Credentials,
    room_id: str,
    *,
    agent_id: str | None = None,
    department_id: str | None = None,
    comment: str | None = None,
) -> None:
    """`POST livechat/room.forward`: to a department (preferring `agent_id`
    there) when `department_id` is given, else to `agent_id`."""
    body: dict[str, object] = {"roomId": room_id}
    if agent_id is not None:
        body["userId"] = agent_id
    if department_id is not None:
        body["departmentId"] = department_id
    if comment is not None:
        body["comment"] = comment
    with refusals(FORWARD_REFUSALS):
        await upstream.request("POST", "livechat/room.forward", credentials, json=body)


async def visitor_room(
    upstream: Upstream,
    credentials: Credentials,
    token: str,
    *,
    room_id: str | None = None,
    agent_id: str | None = None,
) -> tuple[RoomRecord, bool]:
    """`GET livechat/room`: the visitor's open room, opened when it has none.

    Returns the room and whether it was created. Never retried: the GET writes.
    """
    params: dict[str, str | int | list[str]] = {"token": token}
    if room_id:
        params["rid"] = room_id
    if agent_id:
        params["agentId"] = agent_id
    with refusals(VISITOR_ROOM_REFUSALS):
        body = await upstream.request(
            "GET", "livechat/room", credentials, params=params, auth=False, retry=False
        )
    return RoomRecord.from_json(body["room"]), body.get("newRoom") is True


async def close_visitor_room(
    upstream: Upstream, credentials: Credentials, token: str, room_id: str
) -> str | None:
    """`POST livechat/room.close` as the visitor; the closing comment."""
    with refusals(VISITOR_ROOM_REFUSALS):
        body = await upstream.request(
            "POST",
            "livechat/room.close",
            credentials,
            json={"token": token, "rid": room_id},
            auth=False,
        )
    comment = body.get("comment")
    return comment if isinstance(comment, str) else None
