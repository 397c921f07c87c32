"""Small object types and inputs shared by visitors, rooms and contacts."""

from __future__ import annotations

import asyncio
import functools
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry.relay import GlobalID

from gateway.context import Info
from gateway.schema import refs
from gateway.upstream.records import (
    AgentRecord,
    ContactManagerRecord,
    DepartmentRecord,
    UserRefRecord,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from gateway.schema.departments import Department
    from gateway.upstream.records import SourceRecord

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
DepartmentType = Annotated["Department", strawberry.lazy("gateway.schema.departments")]


@strawberry.type(description="An email address.")
class Email:
    address: str


@strawberry.type(description="A phone number, exactly as it was given.")
class Phone:
    phone_number: str


@strawberry.enum(description="A user's presence.")
class UserStatus(Enum):
    ONLINE = "online"
    AWAY = "away"
    BUSY = "busy"
    OFFLINE = "offline"


@strawberry.enum(description="Whether an agent takes livechat conversations.")
class Availability(Enum):
    AVAILABLE = "available"
    NOT_AVAILABLE = "not-available"


def from_record_on_use(cls: type[T], record: Any) -> T:
    """An object of `cls` that starts with its id and its record only.

    Each other attribute is built on first use by the class's `__getattr__`
    (see `build_on_use`) and kept, so a listing pays for the fields a query
    asks and no others; the record's own fields are read from the JSON on
    first use too. The attributes are what the dataclass's `__init__` would
    set, the `raw_id` and the `record` included.
    """
    made = _new(cls)
    _set(made, "__dict__", {"raw_id": record.id, "record": record})
    return made


def build_on_use(
    made: object, name: str, table: Mapping[str, Callable[[Any], Any]]
) -> Any:
    """The attribute `name` of an object of `from_record_on_use`, built once."""
    build = table.get(name)
    record = made.__dict__.get("record")
    if build is None or record is None:
        kind = type(made).__name__
        raise AttributeError(f"{kind!r} object has no attribute {name!r}")
    value = build(record)
    made.__dict__[name] = value
    return value


_new = object.__new__
_set = object.__setattr__


@functools.lru_cache(maxsize=4096)
def user_global_id(user_id: str) -> strawberry.ID:
    return strawberry.ID(str(GlobalID("User", user_id)))


def _enum(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value is not None else None
    except ValueError:
        return None


@strawberry.type(
    description=(
        "A Rocket.Chat user: an agent, a manager, a contact manager, whoever "
        "closed a room or wrote a message, in one shape. Records mention users "
        "by id and username; the other fields come from the livechat agent "
        "list (one lookup per distinct user when asked), so they read the same "
        "on every path. For users who are not agents they are what the "
        "mentioning record said, or null."
    )
)
class User:
    id: strawberry.ID = strawberry.field(
        description=(
            "Global id, for normalising client caches and for inputs that name "
            "a user; `node` does not look users up."
        )
    )
    rocket_chat_id: str = strawberry.field(description="The user's `_id`.")
    username: str | None
    ref: strawberry.Private[UserRefRecord | ContactManagerRecord | None]
    agent: strawberry.Private[AgentRecord | None]

    async def _agent(self, info: Info) -> AgentRecord | None:
        if self.agent is None and self.username is not None:
            self.agent = await info.context.loaders.agent.load(self.username)
        return self.agent

    @strawberry.field
    async def name(self, info: Info) -> str | None:
        agent = await self._agent(info)
        return agent.name if agent else (self.ref.name if self.ref else None)

    @strawberry.field
    async def emails(self, info: Info) -> list[Email]:
        agent = await self._agent(info)
        found = agent.emails if agent else getattr(self.ref, "emails", ())
        return [Email(address=a) for a in found]

    @strawberry.field(description="Presence, for agents.")
    async def status(self, info: Info) -> UserStatus | None:
        agent = await self._agent(info)
        return _enum(UserStatus, agent.status) if agent else None

    @strawberry.field(description="Whether the agent takes chats (`statusLivechat`).")
    async def availability(self, info: Info) -> Availability | None:
        agent = await self._agent(info)
        return _enum(Availability, agent.status_livechat) if agent else None

    @strawberry.field(description="The agent's limit of simultaneous chats, if set.")
    async def max_chats(self, info: Info) -> int | None:
        agent = await self._agent(info)
        return agent.max_chats if agent else None

    @strawberry.field(description="The departments the agent belongs to.")
    async def departments(self, info: Info) -> list[DepartmentType]:
        agent = await self._agent(info)
        ids = agent.department_ids if agent else ()
        return list(
            await asyncio.gather(
                *(refs.department(info, DepartmentRecord(id=i)) for i in ids)
            )
        )

    @classmethod
    def from_record(
        cls, record: UserRefRecord | ContactManagerRecord | None
    ) -> User | None:
        if record is None or record.id is None:
            return None
        return cls(
            id=user_global_id(record.id),
            rocket_chat_id=record.id,
            username=record.username,
            ref=record,
            agent=None,
        )

    @classmethod
    def from_agent(cls, record: AgentRecord) -> User:
        return cls(
            id=user_global_id(record.id),
            rocket_chat_id=record.id,
            username=record.username,
            ref=None,
            agent=record,
        )


@strawberry.enum(description="The kind of channel a conversation arrived through.")
class SourceType(Enum):
    WIDGET = "widget"
    EMAIL = "email"
    SMS = "sms"
    APP = "app"
    API = "api"
    OTHER = "other"


_SOURCE_TYPES = {kind.value: kind for kind in SourceType}


@strawberry.type(description="Where a conversation came from.")
class Source:
    type: SourceType = strawberry.field(
        description="The channel kind; kinds this API does not know read as OTHER."
    )
    rocket_chat_id: str | None = strawberry.field(
        description="Id of the app or integration that opened it, if any."
    )
    alias: str | None
    label: str | None

    @classmethod
    def from_record(cls, record: SourceRecord | None) -> Source | None:
        if record is None:
            return None
        return cls(
            type=_SOURCE_TYPES.get(record.type or "", SourceType.OTHER),
            rocket_chat_id=record.id,
            alias=record.alias,
            label=record.label,
        )


@strawberry.input(description="Inclusive date bounds; leave either side open.")
class DateRange:
    start: datetime | None = None
    end: datetime | None = None
