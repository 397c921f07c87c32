"""A room's messages (`rocketchat_message`) and their attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.upstream.records.decoding import Record, key, many, nested, record_id
from gateway.upstream.records.refs import UserRefRecord
from gateway.upstream.records.values import as_str, as_text, is_str, parse_date

if TYPE_CHECKING:
    from datetime import datetime


class AttachmentRecord(Record):
    """One attachment of a message (an upload or a rich preview)."""

    title: str | None = key("title", as_str)
    title_link: str | None = key("title_link", as_str)
    description: str | None = key("description", as_str)
    type: str | None = key("type", as_str)
    image_url: str | None = key("image_url", as_str)


class ChatMessageRecord(Record):
    """One message of a room (`rocketchat_message`), ordinary or system.

    The visitor's `token`, which Rocket.Chat puts on the messages a visitor
    sent or caused, is never kept: only whether it was there.
    """

    id: str = record_id()
    text: str = key("msg", as_text)
    created_at: datetime | None = key("ts", parse_date)
    author: UserRefRecord | None = key("u", nested(UserRefRecord))
    type: str | None = key("t", as_str)
    alias: str | None = key("alias", as_str)
    edited_at: datetime | None = key("editedAt", parse_date)
    attachments: tuple[AttachmentRecord, ...] = key(
        "attachments", many(AttachmentRecord)
    )
    from_visitor: bool = key("token", is_str)
