"""Visitors (`livechat_visitor`) and the pages they opened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from gateway.upstream.records.decoding import Record, derived, key, nested, record_id
from gateway.upstream.records.refs import (
    ChatRefRecord,
    UserRefRecord,
    contact_manager,
)
from gateway.upstream.records.values import (
    addresses,
    as_bool,
    as_list,
    as_obj,
    as_str,
    as_strs,
    parse_date,
    phone_numbers,
)

if TYPE_CHECKING:
    from datetime import datetime

    from gateway.upstream.records.refs import ContactManagerRecord
    from gateway.upstream.records.values import JsonObject


class VisitorRecord(Record):
    """A livechat visitor (`livechat_visitor`), whole or as embedded in a room.

    Its `token` lets whoever holds it act as the visitor, so it is only kept
    where the caller asks for it (`keep_token=True`): never on agent-facing data.
    """

    id: str = record_id()
    token: str | None = derived(None)
    username: str | None = key("username", as_str)
    name: str | None = key("name", as_str)
    emails: tuple[str, ...] = key("visitorEmails", addresses)
    phones: tuple[str, ...] = key("phone", phone_numbers)
    department_id: str | None = key("department", as_str)
    status: str | None = key("status", as_str)
    created_at: datetime | None = key("ts", parse_date)
    updated_at: datetime | None = key("_updatedAt", parse_date)
    last_chat: ChatRefRecord | None = key("lastChat", nested(ChatRefRecord))
    # lastAgent names its user by `agentId`.
    last_agent: UserRefRecord | None = key(
        "lastAgent", nested(UserRefRecord, rename={"id": "agentId"})
    )
    custom_fields: JsonObject | None = key("livechatData", as_obj)
    contact_manager: ContactManagerRecord | None = key(
        "contactManager", contact_manager
    )
    user_agent: str | None = key("userAgent", as_str)
    ip: str | None = key("ip", as_str)
    host: str | None = key("host", as_str)
    external_ids: list[Any] | None = key("externalIds", as_list)
    activity: tuple[str, ...] = key("activity", as_strs)
    disabled: bool | None = key("disabled", as_bool)

    @classmethod
    def from_json(cls, data: JsonObject, *, keep_token: bool = False) -> Self:
        if keep_token:
            return cls.decode(data, token=as_str(data.get("token")))
        return cls.decode(data)


class PageVisitRecord(Record):
    """A navigation-history message: one page a visitor opened."""

    id: str = record_id()
    created_at: datetime | None = key("ts", parse_date)
    title: str | None = key("navigation.page.title", as_str)
    url: str | None = key("navigation.page.location.href", as_str)
    change: str | None = key("navigation.page.change", as_str)
    expires_at: datetime | None = key("expireAt", parse_date)
