"""Demo transcripts: the messages of the first rooms, ending in their lastMessage.

A separate RNG (derived from the seed) keeps every other demo document as it
was before transcripts existed.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from ..store.ids import METEOR_ALPHABET
from .seedkit import iso_ms, ms_of

if TYPE_CHECKING:
    from ..store.sqlite import Doc

MAX_TRANSCRIPT_ROOMS = 1000
VISITOR_LINES = (
    "Hi, is anyone there?",
    "My order has not arrived yet",
    "The order number is 4411",
    "Can I change the delivery address?",
    "OK, thank you",
)
AGENT_LINES = (
    "Hello! How can I help you today?",
    "Let me check that for you",
    "I have updated it, anything else?",
    "You should get an e-mail shortly",
    "Happy to help",
)
CLOSING_COMMENTS = ("Resolved", "Customer left", "Answered by e-mail")
CLOSED_BY_VISITOR = "Closed by visitor"


def markdown(text: str) -> list[Doc]:
    """A minimal message AST (Rocket.Chat's `md`; opaque to clients)."""
    return [{"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": text}]}]


def _message(rid: str, mid: str, text: str, at: int, author: Doc, room: Doc) -> Doc:
    visitor = room["v"]
    message: Doc = {"_id": mid, "rid": rid, "msg": text}
    if author["_id"] == visitor["_id"]:
        message["token"] = visitor["token"]
        if visitor.get("name"):
            message["alias"] = visitor["name"]
    stamp = iso_ms(at)
    message.update(
        {
            "ts": stamp,
            "u": author,
            "_updatedAt": stamp,
            "md": markdown(text),
            "mentions": [],
            "channels": [],
        }
    )
    return message


def _system(
    rid: str, mid: str, kind: str, at: int, author: Doc, **extra: object
) -> Doc:
    stamp = iso_ms(at)
    return {
        "_id": mid,
        "t": kind,
        "rid": rid,
        "ts": stamp,
        "msg": "",
        "u": author,
        "groupable": False,
        **extra,
        "_updatedAt": stamp,
    }


def transcripts(seed: int, rooms: list[Doc], names: dict[str, str]) -> list[Doc]:
    """Messages for each room: started, agent joined, `msgs` messages, close."""
    rng = random.Random(f"transcripts-{seed}")

    def new_id() -> str:
        return "".join(rng.choices(METEOR_ALPHABET, k=17))

    out: list[Doc] = []
    for room in rooms:
        rid, visitor = room["_id"], room["v"]
        guest: Doc = {"_id": visitor["_id"], "username": visitor["username"]}
        if visitor.get("name"):
            guest["name"] = visitor["name"]
        start = ms_of(room["ts"])
        out.append(
            _system(
                rid,
                new_id(),
                "livechat-started",
                start,
                {"_id": guest["_id"], "username": guest["username"]},
                token=visitor["token"],
            )
        )
        served = room.get("servedBy")
        agent: Doc | None = None
        first = start + 1000
        if served:
            agent = {
                "_id": served["_id"],
                "username": served["username"],
                "name": names.get(served["_id"], served["username"]),
            }
            joined = ms_of(served["ts"])
            out.append(_system(rid, new_id(), "command", joined, agent))
            out[-1]["msg"] = "connected"
            out.append(_system(rid, new_id(), "uj", joined + 1, agent))
            first = joined + 1000
        last = room["lastMessage"]
        end = ms_of(last["ts"])
        count = max(1, int(room.get("msgs") or 1))
        step = max(1, (end - first) // count)
        for i in range(count - 1):
            by_agent = agent is not None and i % 2 == 1 and rng.random() < 0.9
            author = agent if by_agent and agent else guest
            lines = AGENT_LINES if by_agent else VISITOR_LINES
            text = rng.choice(lines)
            out.append(_message(rid, new_id(), text, first + i * step, author, room))
        final_author = dict(last["u"])
        if final_author["_id"] == guest["_id"]:
            final_author = guest
        elif agent is not None and final_author["_id"] == agent["_id"]:
            final_author = agent
        final = _message(rid, last["_id"], last["msg"], end, final_author, room)
        out.append(final)
        room["lastMessage"] = final
        if "closedAt" in room:
            by_visitor = room["closer"] == "visitor"
            comment = CLOSED_BY_VISITOR if by_visitor else rng.choice(CLOSING_COMMENTS)
            extra: dict[str, object] = {"transcriptRequested": False}
            if by_visitor:
                extra["token"] = visitor["token"]
            close = _system(
                rid,
                new_id(),
                "livechat-close",
                ms_of(room["closedAt"]),
                dict(room["closedBy"]),
                **extra,
            )
            close["msg"] = comment
            out.append(close)
    return out
