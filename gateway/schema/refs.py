"""How one type reaches another: from a mention, or through a lookup.

Records mention each other: a room its visitor, department and contact; a
visitor or a contact its last room; a message its visitor; an agent its
departments. What a mention carries answers some fields (the `*_FIELDS` sets
below, which `tests/schema/test_refs.py` holds to the types); asking for any
other field costs one lookup through the per-request loader, so a field
reads the same whichever path reached it.

The types register how they are built from their record (`register`, at the
end of each type module), so this module imports none of them: every type
module imports it, and the only cycle left between them is GraphQL's lazy
type references.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, overload

from gateway.loaders import HistoryKey
from gateway.schema.connections import OffsetListing
from gateway.schema.lookahead import only
from gateway.upstream.records import (
    ContactRecord,
    DepartmentRecord,
    RoomRecord,
    VisitorRecord,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from gateway.context import Info
    from gateway.schema.contacts import Contact
    from gateway.schema.departments import Department
    from gateway.schema.rooms import Room
    from gateway.schema.visitors import Visitor
    from gateway.upstream.records import Page

R = TypeVar("R")

# A visitor as a room's `v` or a message's author mentions it. (`v.status` is
# the room's copy, set to offline when the room closes: status always comes
# from the visitor record.)
EMBEDDED_VISITOR_FIELDS = frozenset({"id", "rocketChatId", "username"})
# A visitor, contact or department known by its id alone.
ID_FIELDS = frozenset({"id", "rocketChatId"})
# A department as a room listing mentions it: the upstream joins its name in.
NAMED_DEPARTMENT_FIELDS = ID_FIELDS | {"name"}
# A room as a `lastChat {_id, ts}` pointer mentions it.
CHAT_REF_FIELDS = frozenset({"id", "rocketChatId", "createdAt"})

_BUILDERS: dict[type, Callable[[Any], Any]] = {}


def register(record_type: type[R], build: Callable[[R], object]) -> None:
    """Declare how the GraphQL type of `record_type` is built from one."""
    _BUILDERS[record_type] = build


@overload
def build(record: VisitorRecord) -> Visitor: ...
@overload
def build(record: RoomRecord) -> Room: ...
@overload
def build(record: ContactRecord) -> Contact: ...
@overload
def build(record: DepartmentRecord) -> Department: ...
def build(record: object) -> object:
    """The GraphQL object for `record`, by the builder its type registered."""
    return _BUILDERS[type(record)](record)


async def visitor(
    info: Info, mention: VisitorRecord, free: frozenset[str] = ID_FIELDS
) -> Visitor:
    """A mentioned visitor: the mention when `free` covers the query."""
    if only(info, free):
        return build(mention)
    return build(await info.context.loaders.visitor.load(mention.id))


async def room(info: Info, room_id: str, created_at: datetime | None) -> Room:
    """A room from a `lastChat` pointer: the pointer when it is enough."""
    if only(info, CHAT_REF_FIELDS):
        return build(RoomRecord(id=room_id, visitor=None, created_at=created_at))
    return build(await info.context.loaders.room.load(room_id))


async def contact(info: Info, contact_id: str) -> Contact:
    if only(info, ID_FIELDS):
        return build(ContactRecord(id=contact_id))
    return build(await info.context.loaders.contact.load(contact_id))


async def department(info: Info, mention: DepartmentRecord) -> Department:
    """A mentioned department; a room listing's mention also carries its name."""
    free = NAMED_DEPARTMENT_FIELDS if mention.name is not None else ID_FIELDS
    if only(info, free):
        return build(mention)
    return build(await info.context.loaders.department.load(mention.id))


def visitor_rooms(
    info: Info, room_id: str, visitor_id: str
) -> OffsetListing[RoomRecord, Room]:
    """A visitor's rooms, read through `room_id`, by the chat-history loader."""
    loader = info.context.loaders.chat_history

    async def fetch(offset: int, count: int) -> Page[RoomRecord]:
        return await loader.load(HistoryKey(room_id, visitor_id, offset, count))

    return OffsetListing(fetch, _room)


def _room(record: RoomRecord) -> Room:
    return build(record)
