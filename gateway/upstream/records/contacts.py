"""Omnichannel contacts (`livechat_contact`) and the channels they came by."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.upstream.records.decoding import Record, key, many, nested, record_id
from gateway.upstream.records.refs import ChatRefRecord, SourceRecord, contact_manager
from gateway.upstream.records.values import (
    addresses,
    as_bool,
    as_json,
    as_obj,
    as_str,
    as_strs,
    not_false,
    parse_date,
    phone_numbers,
)

if TYPE_CHECKING:
    from datetime import datetime

    from gateway.upstream.records.refs import ContactManagerRecord
    from gateway.upstream.records.values import JsonObject


class ChannelRecord(Record):
    """One way a contact was reached: a visitor on some source."""

    name: str | None = key("name", as_str)
    visitor_id: str | None = key("visitor.visitorId", as_str)
    source: SourceRecord | None = key("visitor.source", nested(SourceRecord))
    verified: bool | None = key("verified", as_bool)
    blocked: bool | None = key("blocked", as_bool)
    field: str | None = key("field", as_str)
    value: str | None = key("value", as_str)
    verified_at: datetime | None = key("verifiedAt", parse_date)
    details: JsonObject | None = key("details", as_obj)
    last_chat: ChatRefRecord | None = key("lastChat", nested(ChatRefRecord))


class ConflictRecord(Record):
    """A field whose incoming value disagreed with the stored one."""

    field: str | None = key("field", as_str)
    value: Any = key("value", as_json)


class ContactRecord(Record):
    """An omnichannel contact (`livechat_contact`)."""

    id: str = record_id()
    name: str | None = key("name", as_str)
    emails: tuple[str, ...] = key("emails", addresses)
    phones: tuple[str, ...] = key("phones", phone_numbers)
    contact_manager: ContactManagerRecord | None = key(
        "contactManager", contact_manager
    )
    unknown: bool | None = key("unknown", as_bool)
    conflicting_fields: tuple[ConflictRecord, ...] = key(
        "conflictingFields", many(ConflictRecord)
    )
    custom_fields: JsonObject | None = key("customFields", as_obj)
    channels: tuple[ChannelRecord, ...] = key("channels", many(ChannelRecord))
    created_at: datetime | None = key("createdAt", parse_date)
    updated_at: datetime | None = key("_updatedAt", parse_date)
    last_chat: ChatRefRecord | None = key("lastChat", nested(ChatRefRecord))
    import_ids: tuple[str, ...] = key("importIds", as_strs)
    activity: tuple[str, ...] = key("activity", as_strs)
    pre_registration: bool | None = key("preRegistration", as_bool)
    enabled: bool = key("enabled", not_false)
