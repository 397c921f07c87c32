"""Room messages over REST: an agent's transcript, a visitor's reads and writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.errors import BadUserInputError, RefusedError
from gateway.upstream.client import paging, refusals, segment
from gateway.upstream.records import ChatMessageRecord, page_of
from gateway.upstream.refusals import VISITOR_ROOM_REFUSALS

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from gateway.upstream.client import Credentials, Upstream
    from gateway.upstream.records import Page


async def list_room_messages(
    upstream: Upstream,
    credentials: Credentials,
    room_id: str,
    *,
    offset: int,
    count: int,
    sort: Mapping[str, int],
    search: str | None = None,
) -> Page[ChatMessageRecord]:
    """`GET livechat/:rid/messages`: ordinary messages and closings, as an agent."""
    params = paging(offset, count, sort)
    if search:
        params["searchTerm"] = search
    body = await upstream.request(
        "GET", f"livechat/{segment(room_id)}/messages", credentials, params=params
    )
    return page_of(body, "messages", ChatMessageRecord.from_json, offset=offset)


async def visitor_history(
    upstream: Upstream,
    credentials: Credentials,
    room_id: str,
    token: str,
    *,
    limit: int,
    before: datetime | None = None,
) -> list[ChatMessageRecord]:
    """`GET livechat/messages.history/:rid`: the visitor's room, newest first.

    System messages are included; the answer has no total. `before` keeps
    only messages strictly older than it.
    """
    params: dict[str, str | int | list[str]] = {"token": token, "limit": limit}
    if before is not None:
        params["end"] = before.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with refusals(VISITOR_ROOM_REFUSALS):
        body = await upstream.request(
            "GET",
            f"livechat/messages.history/{segment(room_id)}",
            credentials,
            params=params,
            auth=False,
        )
    messages = body.get("messages")
    if not isinstance(messages, list):
        return []
    return [ChatMessageRecord.from_json(m) for m in messages if isinstance(m, dict)]


async def send_visitor_message(
    upstream: Upstream,
    credentials: Credentials,
    *,
    token: str,
    room_id: str,
    text: str,
    message_id: str | None = None,
) -> ChatMessageRecord:
    """`POST livechat/message`: the visitor writes to its open room."""
    body: dict[str, Any] = {"token": token, "rid": room_id, "msg": text}
    if message_id:
        body["_id"] = message_id
    try:
        with refusals(VISITOR_ROOM_REFUSALS):
            answer = await upstream.request(
                "POST", "livechat/message", credentials, json=body, auth=False
            )
    except BadUserInputError as exc:
        # A reused `_id` is the one refusal that comes without any text.
        if message_id and exc.details.get("upstreamMessage") is None:
            raise RefusedError(
                "A message with this id exists already.", reason="DUPLICATE_MESSAGE"
            ) from exc
        raise
    return ChatMessageRecord.from_json(answer["message"])
