"""Rocket.Chat's refusals of the room and message actions, as stable codes.

Each table maps an upstream `errorType` or `error` text to `(code, message)`
for `client.refusals`.
"""

from __future__ import annotations

ROOM_GONE = ("NOT_FOUND", "No such livechat room.")
ROOM_CLOSED = ("ROOM_CLOSED", "The room is already closed.")
CLOSE_REFUSALS = {
    "error-invalid-room": ROOM_GONE,
    "error-not-authorized": (
        "FORBIDDEN",
        "Only the serving agent, or a user allowed to close others' rooms, may "
        "close this room.",
    ),
    "error-room-already-closed": ROOM_CLOSED,
    "error-comment-is-required": (
        "BAD_USER_INPUT",
        "Rocket.Chat requires a closing comment.",
    ),
    "error-tags-must-be-assigned-before-closing-chat": (
        "TAGS_REQUIRED",
        "The room's department requires tags before closing.",
    ),
    "error-room-cannot-be-closed-try-again": (
        "CONFLICT",
        "The room is being closed by someone else.",
    ),
    "Error removing inquiry": (
        "CONFLICT",
        "The room is being closed by someone else.",
    ),
}
FORWARD_REFUSALS = {
    "error-invalid-room": ROOM_GONE,
    "This_conversation_is_already_closed": ROOM_CLOSED,
    "error-invalid-department": ("NOT_FOUND", "No such department."),
    "error-user-is-offline": (
        "AGENT_UNAVAILABLE",
        "The agent is not an online livechat agent.",
    ),
    "error-no-agents-online-in-department": (
        "AGENT_UNAVAILABLE",
        "No other agent of that department is online.",
    ),
    "error-user-not-belong-to-department": (
        "BAD_USER_INPUT",
        "The agent does not belong to that department.",
    ),
    "error-selected-agent-room-agent-are-same": (
        "SAME_AGENT",
        "The agent already serves this room.",
    ),
    "error-forwarding-chat-same-department": (
        "SAME_DEPARTMENT",
        "The room is already in that department.",
    ),
    "error-room-onHold": ("ROOM_ON_HOLD", "The room is on hold."),
    "error-mac-limit-reached": (
        "FORBIDDEN",
        "The workspace reached its monthly active contacts limit.",
    ),
    "error-invalid-visitor": ("TRANSFER_FAILED", "The room's visitor is gone."),
    "error-invalid-inquiry": ("TRANSFER_FAILED", "The room has no inquiry."),
    "error-transferring-inquiry": ("TRANSFER_FAILED", "The room has no inquiry."),
    "error-forwarding-chat": ("TRANSFER_FAILED", "Rocket.Chat could not transfer."),
}
VISITOR_TOKEN = ("NOT_FOUND", "No visitor holds this token.")
VISITOR_ROOM_REFUSALS = {
    "invalid-token": VISITOR_TOKEN,
    "invalid-room": ("NOT_FOUND", "No room of this visitor has this id."),
    "room-closed": ROOM_CLOSED,
    "no-agent-online": ("NO_AGENT_ONLINE", "No agent is online to take the chat."),
    "error-omnichannel-is-disabled": ("LIVECHAT_DISABLED", "Livechat is turned off."),
    "error-contact-channel-blocked": ("FORBIDDEN", "This visitor is blocked."),
    "error-not-allowed-to-close-conversation": (
        "FORBIDDEN",
        "Visitors may not close conversations here.",
    ),
    "error-tags-must-be-assigned-before-closing-chat": CLOSE_REFUSALS[
        "error-tags-must-be-assigned-before-closing-chat"
    ],
    "message-length-exceeds-character-limit": (
        "BAD_USER_INPUT",
        "The message is longer than Rocket.Chat allows.",
    ),
}
