"""Closing a conversation: by an agent (§17) or by the visitor (§22)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..compat.ajv import (
    BOOLEAN,
    NULLABLE_BOOLEAN,
    NULLABLE_STRING,
    STRING,
    closed,
)
from ..http.errors import plain
from ..rules.livechat import (
    body_of,
    can_close_others,
    close_room,
    closing_tags,
    livechat_room,
    subscribed,
    visitor_by_token,
    visitor_room,
    who,
)

if TYPE_CHECKING:
    from ..http.request import ApiRequest


CLOSE_BODY = closed(
    {
        "rid": STRING,
        "comment": NULLABLE_STRING,
        "tags": {"type": "array", "items": STRING, "nullable": True},
        "generateTranscriptPdf": NULLABLE_BOOLEAN,
        "transcriptEmail": closed(
            {
                "sendToVisitor": BOOLEAN,
                "requestData": closed(
                    {"email": STRING, "subject": STRING}, ("email", "subject")
                ),
            },
            ("sendToVisitor",),
        ),
        "forceClose": BOOLEAN,
    },
    ("rid",),
)

VISITOR_CLOSE_BODY = closed({"token": STRING, "rid": STRING}, ("token", "rid"))

CLOSED_BY_VISITOR = "Closed by visitor"


async def close_by_user(req: ApiRequest) -> dict[str, Any]:
    body = body_of(req, CLOSE_BODY)
    store = req.store
    user = req.current_user
    with store.transaction():
        room = livechat_room(store, body["rid"])
        if room is None:
            raise plain("error-invalid-room")
        if not subscribed(store, user, room) and not can_close_others(store, user):
            raise plain("error-not-authorized")
        force = body.get("forceClose") is True and (
            store.setting("Omnichannel_allow_force_close_conversations", False) is True
        )
        if room.get("open") is not True and not force:
            raise plain("error-room-already-closed")
        comment = body.get("comment")
        required = store.setting(
            "Livechat_request_comment_when_closing_conversation", True
        )
        if required is not False and (
            not isinstance(comment, str) or not comment.strip()
        ):
            raise plain("error-comment-is-required")
        tags = closing_tags(store, room, body.get("tags"))
        email = body.get("transcriptEmail") or {}
        close_room(
            store,
            room,
            "user",
            who(user),
            comment if isinstance(comment, str) else "",
            tags,
            transcript_requested=email.get("sendToVisitor") is True,
        )
    return {}


async def visitor_close(req: ApiRequest) -> dict[str, Any]:
    body = body_of(req, VISITOR_CLOSE_BODY)
    store = req.store
    if store.setting("Omnichannel_allow_visitors_to_close_conversation", True) is False:
        raise plain("error-not-allowed-to-close-conversation")
    with store.transaction():
        visitor = visitor_by_token(store, body["token"])
        if visitor is None:
            raise plain("invalid-token")
        room = visitor_room(store, body["rid"], body["token"])
        if room is None:
            raise plain("invalid-room")
        if room.get("open") is not True:
            raise plain("room-closed")
        tags = closing_tags(store, room, None)
        close_room(
            store,
            room,
            "visitor",
            who(visitor),
            CLOSED_BY_VISITOR,
            tags,
            token=body["token"],
        )
    return {"rid": room["_id"], "comment": CLOSED_BY_VISITOR}
