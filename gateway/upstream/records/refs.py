"""Small records embedded in others: user and room pointers, sources, managers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.upstream.records.decoding import Record, key, nested, record_id
from gateway.upstream.records.values import addresses, as_str, parse_date

if TYPE_CHECKING:
    from datetime import datetime


class UserRefRecord(Record):
    """A user as embedded in other documents (`{_id, username, name?}`)."""

    id: str | None = key("_id", as_str)
    username: str | None = key("username", as_str)
    name: str | None = key("name", as_str)
    at: datetime | None = key("ts", parse_date)


class ChatRefRecord(Record):
    """A pointer to a room: `lastChat {_id, ts}`."""

    room_id: str = record_id()
    created_at: datetime | None = key("ts", parse_date)


class ContactManagerRecord(Record):
    """Who manages a visitor or contact; only the id is always known."""

    id: str | None = key("_id", as_str)
    username: str | None = key("username", as_str)
    name: str | None = key("name", as_str)
    emails: tuple[str, ...] = key("emails", addresses)


_manager = nested(ContactManagerRecord)


def contact_manager(value: Any) -> ContactManagerRecord | None:
    """contacts.get sends the manager's bare user id; other endpoints an object."""
    if isinstance(value, str):
        return ContactManagerRecord(id=value)
    return _manager(value)


class SourceRecord(Record):
    """Where a conversation came from (`source` of a room or a channel)."""

    type: str | None = key("type", as_str)
    id: str | None = key("id", as_str)
    alias: str | None = key("alias", as_str)
    label: str | None = key("label", as_str)
