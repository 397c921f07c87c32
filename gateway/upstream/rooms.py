"""Livechat rooms over REST: the filtered listing and the lookup by id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.errors import NotFoundError
from gateway.upstream.client import paging
from gateway.upstream.records import RoomRecord, page_of, record_of

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
    if room is None:  # the typing allows it: the room vanished meanwhile
        raise NotFoundError(f"No livechat room with id {room_id!r}.")
    room = record_of(room, "`room`")
    if room.get("t") != "l":
        raise NotFoundError(f"No livechat room with id {room_id!r}.")
    return RoomRecord.from_json(room)
