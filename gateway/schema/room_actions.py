"""Agents' actions on rooms: close one, transfer one.

Every mutation is one upstream write, never retried, and returns a payload
with the room re-read after the write. Rocket.Chat's refusals arrive as coded
errors (`ROOM_CLOSED`, `AGENT_UNAVAILABLE`, `NOT_FOUND`, ...; see
`upstream/refusals.py`).
"""

from __future__ import annotations

import contextlib

import strawberry

from gateway.context import Info
from gateway.errors import BadUserInputError, ForbiddenError, NotFoundError
from gateway.schema.ids import parse_id
from gateway.schema.rooms import Room
from gateway.upstream import rooms


async def reread(info: Info, room_id: str) -> Room | None:
    """The room as it is after the write, through a fresh room lookup."""
    # A lookup earlier in the same document may have cached the room as it was.
    with contextlib.suppress(KeyError):
        info.context.loaders.room.clear(room_id)
    return Room.from_record(await info.context.loaders.room.load(room_id))


@strawberry.input(description="Close a room as an agent or manager.")
class CloseRoomInput:
    room_id: strawberry.ID = strawberry.field(description="Global id or `_id`.")
    comment: str | None = strawberry.field(
        default=None,
        description="Closing comment; Rocket.Chat requires one by default.",
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Tags to add to the room."
    )


@strawberry.type(description="The room after closing it.")
class CloseRoomPayload:
    room: Room | None = strawberry.field(
        description="Re-read after closing (null if you may no longer read it)."
    )


@strawberry.input(
    description=(
        "Transfer a room to another agent, or to a department (then `agentId` "
        "only names a preferred agent there)."
    )
)
class TransferRoomInput:
    room_id: strawberry.ID = strawberry.field(description="Global id or `_id`.")
    agent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The target agent (user global id or `_id`)."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The target department (global id or `_id`)."
    )
    comment: str | None = None


@strawberry.type(description="The room after the transfer.")
class TransferRoomPayload:
    room: Room | None = strawberry.field(
        description="Re-read after the transfer (null if you may no longer read it)."
    )


@strawberry.type
class ChatAgentMutation:
    @strawberry.mutation(
        description=(
            "Close a room (`livechat/room.closeByUser`). Needs "
            "`close-livechat-room`, and to serve the room unless you hold "
            "`close-others-livechat-room`."
        )
    )
    async def close_room(self, info: Info, input: CloseRoomInput) -> CloseRoomPayload:
        ctx = info.context
        room_id = parse_id(input.room_id, "Room", "roomId")
        await rooms.close_room(
            ctx.upstream,
            ctx.credentials,
            room_id,
            comment=input.comment,
            tags=tuple(input.tags or ()),
        )
        return CloseRoomPayload(room=await reread_or_none(info, room_id))

    @strawberry.mutation(
        description=(
            "Transfer a room (`livechat/room.forward`). Needs `view-l-room` and "
            "`transfer-livechat-guest`."
        )
    )
    async def transfer_room(
        self, info: Info, input: TransferRoomInput
    ) -> TransferRoomPayload:
        ctx = info.context
        if not input.agent_id and not input.department_id:
            raise BadUserInputError(
                "Give `agentId` or `departmentId`.", argument="agentId"
            )
        room_id = parse_id(input.room_id, "Room", "roomId")
        department_id = (
            parse_id(input.department_id, "Department", "departmentId")
            if input.department_id
            else None
        )
        await rooms.forward_room(
            ctx.upstream,
            ctx.credentials,
            room_id,
            agent_id=(
                parse_id(input.agent_id, "User", "agentId") if input.agent_id else None
            ),
            department_id=department_id,
            comment=input.comment,
        )
        return TransferRoomPayload(room=await reread_or_none(info, room_id))


async def reread_or_none(info: Info, room_id: str) -> Room | None:
    """After a write the caller may have lost access (a transfer away)."""
    try:
        return await reread(info, room_id)
    except (ForbiddenError, NotFoundError):
        return None
