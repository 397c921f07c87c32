"""Livechat rooms (`rocketchat_room`, `t: "l"`) and their last message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from gateway.upstream.records.decoding import (
    Record,
    derived,
    key,
    nested,
    record_id,
)
from gateway.upstream.records.departments import DepartmentRecord
from gateway.upstream.records.refs import SourceRecord, UserRefRecord
from gateway.upstream.records.values import (
    as_bool,
    as_int,
    as_obj,
    as_str,
    as_strs,
    is_true,
    parse_date,
)
from gateway.upstream.records.visitors import VisitorRecord

if TYPE_CHECKING:
    from datetime import datetime

    from gateway.upstream.records.values import JsonObject


class MessageRecord(Record):
    """A room's `lastMessage`, reduced to what a list view shows."""

    id: str | None = key("_id", as_str)
    text: str | None = key("msg", as_str)
    created_at: datetime | None = key("ts", parse_date)
    author: UserRefRecord | None = key("u", nested(UserRefRecord))


# A room embeds its visitor as `v`, token included: only these are kept.
embedded_visitor = nested(VisitorRecord, only=("username", "name", "status", "phones"))


class RoomRecord(Record):
    """A livechat room (`rocketchat_room`, `t: "l"`)."""

    id: str = record_id()
    visitor: VisitorRecord | None = key("v", embedded_visitor)
    name: str | None = key("fname", as_str)
    message_count: int | None = key("msgs", as_int)
    user_count: int | None = key("usersCount", as_int)
    created_at: datetime | None = key("ts", parse_date)
    updated_at: datetime | None = key("_updatedAt", parse_date)
    last_message_at: datetime | None = key("lm", parse_date)
    visitor_last_message_at: datetime | None = key("v.lastMessageTs", parse_date)
    open: bool = key("open", is_true)
    closed_at: datetime | None = key("closedAt", parse_date)
    closer: str | None = key("closer", as_str)
    closed_by: UserRefRecord | None = key("closedBy", nested(UserRefRecord))
    served_by: UserRefRecord | None = key("servedBy", nested(UserRefRecord))
    department: DepartmentRecord | None = derived(None)
    source: SourceRecord | None = key("source", nested(SourceRecord))
    tags: tuple[str, ...] = key("tags", as_strs)
    custom_fields: JsonObject | None = key("livechatData", as_obj)
    on_hold: bool = key("onHold", is_true)
    metrics: JsonObject | None = key("metrics", as_obj)
    response_by: JsonObject | None = key("responseBy", as_obj)
    waiting_response: bool | None = key("waitingResponse", as_bool)
    priority_id: str | None = key("priorityId", as_str)
    sla_id: str | None = key("slaId", as_str)
    contact_id: str | None = key("contactId", as_str)
    last_message: MessageRecord | None = key("lastMessage", nested(MessageRecord))
    transcript_request: JsonObject | None = key("transcriptRequest", as_obj)
    queued_at: datetime | None = key("queuedAt", parse_date)
    status: str | None = key("status", as_str)
    verified: bool | None = key("verified", as_bool)
    creator: UserRefRecord | None = key("u", nested(UserRefRecord))

    @classmethod
    def from_json(cls, data: JsonObject) -> Self:
        # The department is `departmentId`; listings embed its name beside it.
        department = None
        department_id = data.get("departmentId")
        if isinstance(department_id, str) and department_id:
            embedded = data.get("department")
            name = embedded.get("name") if isinstance(embedded, dict) else None
            department = DepartmentRecord(
                id=department_id, name=name if isinstance(name, str) else None
            )
        return cls.decode(data, department=department)
