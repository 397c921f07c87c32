"""Room.from_record: every field there, each built on first use."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from gateway.schema.common import SourceType
from gateway.schema.rooms import Closer, Room, RoomState
from gateway.upstream.records import RoomRecord

ROOM = {
    "_id": "r1",
    "fname": "Farid Meyer",
    "msgs": 9,
    "usersCount": 2,
    "ts": "2026-01-15T06:06:20.775Z",
    "lm": "2026-01-15T07:04:34.806Z",
    "_updatedAt": "2026-01-15T07:04:34.806Z",
    "v": {"_id": "v1", "username": "guest-721", "status": "away"},
    "source": {"type": "widget", "alias": "www.example.com"},
    "servedBy": {"_id": "a1", "username": "agent", "ts": "2026-01-15T06:06:50.775Z"},
    "lastMessage": {
        "_id": "m1",
        "msg": "The widget does not load",
        "ts": "2026-01-15T07:04:34.806Z",
        "u": {"_id": "a1", "username": "agent"},
    },
    "closedAt": "2026-01-15T07:08:59.903Z",
    "closer": "visitor",
    "closedBy": {"_id": "v1", "username": "guest-721"},
    "tags": ["billing"],
    "open": False,
}


def test_every_field_is_readable() -> None:
    room = Room.from_record(RoomRecord.from_json(ROOM))
    for field in dataclasses.fields(Room):
        if field.init:
            getattr(room, field.name)
    assert room.state is RoomState.CLOSED
    assert room.tags == ["billing"]
    assert room.assigned_at == datetime(2026, 1, 15, 6, 6, 50, 775000, tzinfo=UTC)


def test_object_fields_built_on_use_and_kept() -> None:
    room = Room.from_record(RoomRecord.from_json(ROOM))
    assert set(vars(room)) == {"raw_id", "record"}
    assert room.name == "Farid Meyer"
    assert set(vars(room)) == {"raw_id", "record", "name"}
    served_by = room.served_by
    assert served_by is not None
    assert (served_by.rocket_chat_id, served_by.username) == ("a1", "agent")
    assert room.served_by is served_by
    assert room.closed_by is not None
    assert room.closed_by.username == "guest-721"
    assert room.closer is Closer.VISITOR
    assert room.source is not None
    assert room.source.type is SourceType.WIDGET
    assert room.last_message is not None
    assert room.last_message.text == "The widget does not load"
    assert room.last_message.author is not None
    assert room.creator is None


def test_absent_objects_are_none_and_unknown_names_raise() -> None:
    bare = RoomRecord.from_json({"_id": "r2", "open": True})
    room = Room.from_record(bare)
    assert room.served_by is None
    assert room.closer is None
    assert room.source is None
    assert room.last_message is None
    assert room.state is RoomState.QUEUED
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        getattr(room, "nonsense")  # noqa: B009
