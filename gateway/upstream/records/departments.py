"""Livechat departments (`livechat_department`) and agents as listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.upstream.records.decoding import Record, key, record_id
from gateway.upstream.records.values import (
    addresses,
    as_bool,
    as_int,
    as_str,
    as_strs,
    is_true,
    parse_date,
)

if TYPE_CHECKING:
    from datetime import datetime


class DepartmentRecord(Record):
    """A livechat department (`livechat_department`), whole or as a reference.

    A room carries only the department's id (and, in listings, its name); the
    other fields are known once the department itself was read.
    """

    id: str = record_id()
    name: str | None = key("name", as_str)
    enabled: bool | None = key("enabled", as_bool)
    description: str | None = key("description", as_str)
    email: str | None = key("email", as_str)
    show_on_registration: bool | None = key("showOnRegistration", as_bool)
    show_on_offline_form: bool | None = key("showOnOfflineForm", as_bool)
    agent_count: int | None = key("numAgents", as_int)
    archived: bool = key("archived", is_true)
    request_tag_before_closing: bool | None = key(
        "requestTagBeforeClosingChat", as_bool
    )
    closing_tags: tuple[str, ...] = key("chatClosingTags", as_strs)
    updated_at: datetime | None = key("_updatedAt", parse_date)


class AgentRecord(Record):
    """A livechat agent as `livechat/users/agent` lists it (keys may be null)."""

    id: str = record_id()
    username: str | None = key("username", as_str)
    name: str | None = key("name", as_str)
    status: str | None = key("status", as_str)
    status_livechat: str | None = key("statusLivechat", as_str)
    emails: tuple[str, ...] = key("emails", addresses)
    max_chats: int | None = key("livechat.maxNumberSimultaneousChat", as_int)
    department_ids: tuple[str, ...] = key("departments", as_strs)
