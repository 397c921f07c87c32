"""Frozen records parsed from Rocket.Chat's REST JSON, terse keys renamed once.

Parsing is tolerant: optional keys may be absent or null, dates may be ISO
strings or `{"$date": ...}`, and unexpected values fall back to None rather
than failing a whole page. A visitor's `token` is only kept where the caller
asks for it (`keep_token=True`), so it cannot leak into agent-facing data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")
JsonObject = dict[str, Any]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    return None


def _obj(value: Any) -> JsonObject | None:
    return value if isinstance(value, dict) else None


def _objs(value: Any) -> list[JsonObject]:
    return (
        [item for item in value if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def parse_date(value: Any) -> datetime | None:
    """An ISO-8601 string, epoch milliseconds or `{"$date": ...}` as UTC."""
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One slice of a listing and the upstream's total for the whole filter."""

    items: tuple[T, ...]
    offset: int
    total: int


@dataclass(frozen=True)
class UserRefRecord:
    """A user as embedded in other documents (`{_id, username, name?}`)."""

    id: str | None
    username: str | None
    name: str | None = None
    at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any, *, id_key: str = "_id") -> UserRefRecord | None:
        obj = _obj(data)
        if obj is None:
            return None
        return cls(
            id=_str(obj.get(id_key)),
            username=_str(obj.get("username")),
            name=_str(obj.get("name")),
            at=parse_date(obj.get("ts")),
        )


@dataclass(frozen=True)
class ChatRefRecord:
    """A pointer to a room: `lastChat {_id, ts}`."""

    room_id: str
    created_at: datetime | None

    @classmethod
    def from_json(cls, data: Any) -> ChatRefRecord | None:
        obj = _obj(data)
        if obj is None or _str(obj.get("_id")) is None:
            return None
        return cls(room_id=obj["_id"], created_at=parse_date(obj.get("ts")))


@dataclass(frozen=True)
class ContactManagerRecord:
    """Who manages a visitor or contact; only the id is always known."""

    id: str | None
    username: str | None = None
    name: str | None = None
    emails: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> ContactManagerRecord | None:
        # contacts.get sends the bare user id; other endpoints an object.
        if isinstance(data, str):
            return cls(id=data)
        obj = _obj(data)
        if obj is None:
            return None
        return cls(
            id=_str(obj.get("_id")),
            username=_str(obj.get("username")),
            name=_str(obj.get("name")),
            emails=tuple(
                a for e in _objs(obj.get("emails")) if (a := _str(e.get("address")))
            ),
        )


@dataclass(frozen=True)
class VisitorRecord:
    """A livechat visitor (`livechat_visitor`), whole or as embedded in a room."""

    id: str
    token: str | None = None
    username: str | None = None
    name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    department_id: str | None = None
    status: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_chat: ChatRefRecord | None = None
    last_agent: UserRefRecord | None = None
    custom_fields: JsonObject | None = None
    contact_manager: ContactManagerRecord | None = None
    user_agent: str | None = None
    ip: str | None = None
    host: str | None = None
    external_ids: list[Any] | None = None
    activity: tuple[str, ...] = ()
    disabled: bool | None = None

    @classmethod
    def from_json(cls, data: JsonObject, *, keep_token: bool = False) -> VisitorRecord:
        external_ids = data.get("externalIds")
        return cls(
            id=str(data["_id"]),
            token=_str(data.get("token")) if keep_token else None,
            username=_str(data.get("username")),
            name=_str(data.get("name")),
            emails=tuple(
                a
                for e in _objs(data.get("visitorEmails"))
                if (a := _str(e.get("address")))
            ),
            phones=_phones(data.get("phone")),
            department_id=_str(data.get("department")),
            status=_str(data.get("status")),
            created_at=parse_date(data.get("ts")),
            updated_at=parse_date(data.get("_updatedAt")),
            last_chat=ChatRefRecord.from_json(data.get("lastChat")),
            last_agent=UserRefRecord.from_json(data.get("lastAgent"), id_key="agentId"),
            custom_fields=_obj(data.get("livechatData")),
            contact_manager=ContactManagerRecord.from_json(data.get("contactManager")),
            user_agent=_str(data.get("userAgent")),
            ip=_str(data.get("ip")),
            host=_str(data.get("host")),
            external_ids=external_ids if isinstance(external_ids, list) else None,
            activity=_strs(data.get("activity")),
            disabled=_bool(data.get("disabled")),
        )


def _phones(value: Any) -> tuple[str, ...]:
    return tuple(p for e in _objs(value) if (p := _str(e.get("phoneNumber"))))


@dataclass(frozen=True)
class SourceRecord:
    """Where a conversation came from (`source` of a room or a channel)."""

    type: str | None
    id: str | None = None
    alias: str | None = None
    label: str | None = None
    extra: JsonObject | None = None

    @classmethod
    def from_json(cls, data: Any) -> SourceRecord | None:
        obj = _obj(data)
        if obj is None:
            return None
        known = {"type", "id", "alias", "label"}
        extra = {k: v for k, v in obj.items() if k not in known}
        return cls(
            type=_str(obj.get("type")),
            id=_str(obj.get("id")),
            alias=_str(obj.get("alias")),
            label=_str(obj.get("label")),
            extra=extra or None,
        )


@dataclass(frozen=True)
class MessageRecord:
    """A room's `lastMessage`, reduced to what a list view shows."""

    id: str | None
    text: str | None
    created_at: datetime | None
    author: UserRefRecord | None

    @classmethod
    def from_json(cls, data: Any) -> MessageRecord | None:
        obj = _obj(data)
        if obj is None:
            return None
        return cls(
            id=_str(obj.get("_id")),
            text=_str(obj.get("msg")),
            created_at=parse_date(obj.get("ts")),
            author=UserRefRecord.from_json(obj.get("u")),
        )


@dataclass(frozen=True)
class DepartmentRecord:
    """A livechat department (`livechat_department`), whole or as a reference.

    A room carries only the department's id (and, in listings, its name); the
    other fields are known once the department itself was read.
    """

    id: str
    name: str | None = None
    enabled: bool | None = None
    description: str | None = None
    email: str | None = None
    show_on_registration: bool | None = None
    show_on_offline_form: bool | None = None
    agent_count: int | None = None
    archived: bool = False
    request_tag_before_closing: bool | None = None
    closing_tags: tuple[str, ...] = ()
    updated_at: datetime | None = None

    @classmethod
    def from_json(cls, data: JsonObject) -> DepartmentRecord:
        return cls(
            id=str(data["_id"]),
            name=_str(data.get("name")),
            enabled=_bool(data.get("enabled")),
            description=_str(data.get("description")),
            email=_str(data.get("email")),
            show_on_registration=_bool(data.get("showOnRegistration")),
            show_on_offline_form=_bool(data.get("showOnOfflineForm")),
            agent_count=_int(data.get("numAgents")),
            archived=data.get("archived") is True,
            request_tag_before_closing=_bool(data.get("requestTagBeforeClosingChat")),
            closing_tags=_strs(data.get("chatClosingTags")),
            updated_at=parse_date(data.get("_updatedAt")),
        )


@dataclass(frozen=True)
class AgentRecord:
    """A livechat agent as `livechat/users/agent` lists it (keys may be null)."""

    id: str
    username: str | None
    name: str | None = None
    status: str | None = None
    status_livechat: str | None = None
    emails: tuple[str, ...] = ()
    max_chats: int | None = None
    department_ids: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: JsonObject) -> AgentRecord:
        livechat = _obj(data.get("livechat")) or {}
        return cls(
            id=str(data["_id"]),
            username=_str(data.get("username")),
            name=_str(data.get("name")),
            status=_str(data.get("status")),
            status_livechat=_str(data.get("statusLivechat")),
            emails=tuple(
                a for e in _objs(data.get("emails")) if (a := _str(e.get("address")))
            ),
            max_chats=_int(livechat.get("maxNumberSimultaneousChat")),
            department_ids=_strs(data.get("departments")),
        )


@dataclass(frozen=True)
class AttachmentRecord:
    """One attachment of a message (an upload or a rich preview)."""

    title: str | None
    title_link: str | None
    description: str | None
    type: str | None
    image_url: str | None

    @classmethod
    def from_json(cls, data: JsonObject) -> AttachmentRecord:
        return cls(
            title=_str(data.get("title")),
            title_link=_str(data.get("title_link")),
            description=_str(data.get("description")),
            type=_str(data.get("type")),
            image_url=_str(data.get("image_url")),
        )


@dataclass(frozen=True)
class ChatMessageRecord:
    """One message of a room (`rocketchat_message`), ordinary or system.

    The visitor's `token`, which Rocket.Chat puts on the messages a visitor
    sent or caused, is never kept.
    """

    id: str
    room_id: str | None
    text: str
    created_at: datetime | None
    author: UserRefRecord | None
    type: str | None = None
    alias: str | None = None
    edited_at: datetime | None = None
    updated_at: datetime | None = None
    attachments: tuple[AttachmentRecord, ...] = ()
    from_visitor: bool = False

    @classmethod
    def from_json(cls, data: JsonObject) -> ChatMessageRecord:
        return cls(
            id=str(data["_id"]),
            room_id=_str(data.get("rid")),
            text=_str(data.get("msg")) or "",
            created_at=parse_date(data.get("ts")),
            author=UserRefRecord.from_json(data.get("u")),
            type=_str(data.get("t")),
            alias=_str(data.get("alias")),
            edited_at=parse_date(data.get("editedAt")),
            updated_at=parse_date(data.get("_updatedAt")),
            attachments=tuple(
                AttachmentRecord.from_json(a) for a in _objs(data.get("attachments"))
            ),
            # Only the visitor's own messages (and the ones it caused) carry it.
            from_visitor=isinstance(data.get("token"), str),
        )


@dataclass(frozen=True)
class RoomRecord:
    """A livechat room (`rocketchat_room`, `t: "l"`)."""

    id: str
    type: str | None
    visitor: VisitorRecord | None
    name: str | None = None
    room_name: str | None = None
    message_count: int | None = None
    user_count: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_message_at: datetime | None = None
    visitor_last_message_at: datetime | None = None
    open: bool = False
    closed_at: datetime | None = None
    closer: str | None = None
    closed_by: UserRefRecord | None = None
    served_by: UserRefRecord | None = None
    department: DepartmentRecord | None = None
    source: SourceRecord | None = None
    tags: tuple[str, ...] = ()
    custom_fields: JsonObject | None = None
    on_hold: bool = False
    metrics: JsonObject | None = None
    response_by: JsonObject | None = None
    waiting_response: bool | None = None
    priority_id: str | None = None
    sla_id: str | None = None
    contact_id: str | None = None
    last_message: MessageRecord | None = None
    transcript_request: JsonObject | None = None
    queued_at: datetime | None = None
    status: str | None = None
    verified: bool | None = None
    creator: UserRefRecord | None = None

    @classmethod
    def from_json(cls, data: JsonObject) -> RoomRecord:
        v = _obj(data.get("v"))
        visitor = None
        if v is not None and _str(v.get("_id")):
            # Never keep v.token: it would let an agent act as the visitor.
            visitor = VisitorRecord(
                id=v["_id"],
                username=_str(v.get("username")),
                name=_str(v.get("name")),
                status=_str(v.get("status")),
                phones=_phones(v.get("phone")),
            )
        department = None
        embedded = _obj(data.get("department"))
        department_id = _str(data.get("departmentId"))
        if department_id:
            name = _str(embedded.get("name")) if embedded else None
            department = DepartmentRecord(id=department_id, name=name)
        return cls(
            id=str(data["_id"]),
            type=_str(data.get("t")),
            visitor=visitor,
            name=_str(data.get("fname")),
            room_name=_str(data.get("name")),
            message_count=_int(data.get("msgs")),
            user_count=_int(data.get("usersCount")),
            created_at=parse_date(data.get("ts")),
            updated_at=parse_date(data.get("_updatedAt")),
            last_message_at=parse_date(data.get("lm")),
            visitor_last_message_at=parse_date(v.get("lastMessageTs")) if v else None,
            open=data.get("open") is True,
            closed_at=parse_date(data.get("closedAt")),
            closer=_str(data.get("closer")),
            closed_by=UserRefRecord.from_json(data.get("closedBy")),
            served_by=UserRefRecord.from_json(data.get("servedBy")),
            department=department,
            source=SourceRecord.from_json(data.get("source")),
            tags=_strs(data.get("tags")),
            custom_fields=_obj(data.get("livechatData")),
            on_hold=data.get("onHold") is True,
            metrics=_obj(data.get("metrics")),
            response_by=_obj(data.get("responseBy")),
            waiting_response=_bool(data.get("waitingResponse")),
            priority_id=_str(data.get("priorityId")),
            sla_id=_str(data.get("slaId")),
            contact_id=_str(data.get("contactId")),
            last_message=MessageRecord.from_json(data.get("lastMessage")),
            transcript_request=_obj(data.get("transcriptRequest")),
            queued_at=parse_date(data.get("queuedAt")),
            status=_str(data.get("status")),
            verified=_bool(data.get("verified")),
            creator=UserRefRecord.from_json(data.get("u")),
        )


@dataclass(frozen=True)
class PageVisitRecord:
    """A navigation-history message: one page a visitor opened."""

    id: str
    room_id: str | None
    created_at: datetime | None
    title: str | None
    url: str | None
    change: str | None
    message: str | None
    hidden: bool
    expires_at: datetime | None

    @classmethod
    def from_json(cls, data: JsonObject) -> PageVisitRecord:
        navigation = _obj(data.get("navigation")) or {}
        page = _obj(navigation.get("page")) or {}
        location = _obj(page.get("location")) or {}
        return cls(
            id=str(data.get("_id", "")),
            room_id=_str(data.get("rid")),
            created_at=parse_date(data.get("ts")),
            title=_str(page.get("title")),
            url=_str(location.get("href")),
            change=_str(page.get("change")),
            message=_str(data.get("msg")),
            hidden=data.get("_hidden") is True,
            expires_at=parse_date(data.get("expireAt")),
        )


@dataclass(frozen=True)
class ChannelRecord:
    """One way a contact was reached: a visitor on some source."""

    name: str | None
    visitor_id: str | None
    source: SourceRecord | None
    verified: bool | None = None
    blocked: bool | None = None
    field: str | None = None
    value: str | None = None
    verified_at: datetime | None = None
    details: JsonObject | None = None
    last_chat: ChatRefRecord | None = None

    @classmethod
    def from_json(cls, data: JsonObject) -> ChannelRecord:
        visitor = _obj(data.get("visitor")) or {}
        return cls(
            name=_str(data.get("name")),
            visitor_id=_str(visitor.get("visitorId")),
            source=SourceRecord.from_json(visitor.get("source")),
            verified=_bool(data.get("verified")),
            blocked=_bool(data.get("blocked")),
            field=_str(data.get("field")),
            value=_str(data.get("value")),
            verified_at=parse_date(data.get("verifiedAt")),
            details=_obj(data.get("details")),
            last_chat=ChatRefRecord.from_json(data.get("lastChat")),
        )


@dataclass(frozen=True)
class ConflictRecord:
    """A field whose incoming value disagreed with the stored one."""

    field: str | None
    value: Any


@dataclass(frozen=True)
class ContactRecord:
    """An omnichannel contact (`livechat_contact`)."""

    id: str
    name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    contact_manager: ContactManagerRecord | None = None
    unknown: bool | None = None
    conflicting_fields: tuple[ConflictRecord, ...] = ()
    custom_fields: JsonObject | None = None
    channels: tuple[ChannelRecord, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_chat: ChatRefRecord | None = None
    import_ids: tuple[str, ...] = ()
    activity: tuple[str, ...] = ()
    pre_registration: bool | None = None
    enabled: bool = True

    @classmethod
    def from_json(cls, data: JsonObject) -> ContactRecord:
        return cls(
            id=str(data["_id"]),
            name=_str(data.get("name")),
            emails=tuple(
                a for e in _objs(data.get("emails")) if (a := _str(e.get("address")))
            ),
            phones=_phones(data.get("phones")),
            contact_manager=ContactManagerRecord.from_json(data.get("contactManager")),
            unknown=_bool(data.get("unknown")),
            conflicting_fields=tuple(
                ConflictRecord(field=_str(c.get("field")), value=c.get("value"))
                for c in _objs(data.get("conflictingFields"))
            ),
            custom_fields=_obj(data.get("customFields")),
            channels=tuple(
                ChannelRecord.from_json(c) for c in _objs(data.get("channels"))
            ),
            created_at=parse_date(data.get("createdAt")),
            updated_at=parse_date(data.get("_updatedAt")),
            last_chat=ChatRefRecord.from_json(data.get("lastChat")),
            import_ids=_strs(data.get("importIds")),
            activity=_strs(data.get("activity")),
            pre_registration=_bool(data.get("preRegistration")),
            enabled=data.get("enabled") is not False,
        )


def page_of(
    body: JsonObject, key: str, parse: Callable[[JsonObject], T], *, offset: int
) -> Page[T]:
    """Build a Page from a list envelope `{key: [...], offset, total}`.

    Only `total` is trusted for the size of the whole listing; the returned
    `count` is ignored (contacts.search echoes the requested page size there).
    """
    items = tuple(parse(item) for item in _objs(body.get(key)))
    total = _int(body.get("total"))
    return Page(
        items=items,
        offset=offset,
        total=total if total is not None else offset + len(items),
    )
