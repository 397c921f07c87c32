"""Demo livechat rooms in every state, and page visits for some of them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .seedkit import DAY_MS, EPOCH_MS, MESSAGES, PAGES, SOURCES, TAGS, iso_ms

if TYPE_CHECKING:
    import random

    from ..store.sqlite import Doc
    from .seedkit import Gen


def _room_state(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return "open"
    if roll < 0.45:
        return "queued"
    if roll < 0.55:
        return "onhold"
    return "closed"


def rooms(
    gen: Gen,
    count: int,
    visitors: list[Doc],
    agents: list[Doc],
    departments: list[Doc],
) -> list[Doc]:
    """`count` rooms (open, queued, on hold, closed); updates visitors' lastChat."""
    rng = gen.rng
    rooms: list[Doc] = []
    if not visitors:
        return rooms
    for _ in range(count):
        visitor = rng.choice(visitors)
        ts = EPOCH_MS - rng.randrange(0, 29 * DAY_MS)
        room_id = gen.meteor()
        state = _room_state(rng)
        lm = ts + rng.randrange(60_000, 3_600_000)
        ts_iso, lm_iso = iso_ms(ts), iso_ms(lm)
        embedded: Doc = {
            "_id": visitor["_id"],
            "username": visitor["username"],
            "token": visitor["token"],
            "status": visitor["status"],
            "lastMessageTs": lm_iso,
        }
        if "name" in visitor:
            embedded["name"] = visitor["name"]
        if "phone" in visitor:
            embedded["phone"] = visitor["phone"]
        source_type = rng.choice(SOURCES)
        source: Doc = {"type": source_type}
        if source_type == "widget":
            source["alias"] = "www.example.com"
        room: Doc = {
            "_id": room_id,
            "t": "l",
            "fname": visitor.get("name", visitor["username"]),
            "msgs": rng.randrange(1, 40),
            "usersCount": 1 if state == "queued" else 2,
            "ts": ts_iso,
            "lm": lm_iso,
            "v": embedded,
            "source": source,
            "cl": False,
            "_updatedAt": lm_iso,
        }
        if state != "closed":
            room["open"] = True
        if state == "queued":
            room["queuedAt"] = ts_iso
        else:
            agent = agents[0] if rng.random() < 0.5 else rng.choice(agents[1:])
            room["servedBy"] = {
                "_id": agent["_id"],
                "username": agent["username"],
                "ts": iso_ms(ts + 30_000),
            }
            room["responseBy"] = {
                "_id": agent["_id"],
                "username": agent["username"],
                "firstResponseTs": iso_ms(ts + 60_000),
                "lastMessageTs": lm_iso,
            }
        if state == "onhold":
            room["onHold"] = True
        if rng.random() < 0.7:
            room["departmentId"] = rng.choice(departments[:3])["_id"]
        tags = rng.sample(TAGS, rng.randrange(0, 3))
        if tags:
            room["tags"] = tags
        if rng.random() < 0.6:
            room["livechatData"] = {
                "priority": rng.choice(("low", "normal", "high")),
                "topic": rng.choice(("order", "invoice", "bug report", "question")),
            }
        author = room.get("servedBy") if rng.random() < 0.5 else None
        room["lastMessage"] = {
            "_id": gen.meteor(),
            "rid": room_id,
            "msg": rng.choice(MESSAGES),
            "ts": lm_iso,
            "u": {"_id": author["_id"], "username": author["username"]}
            if author
            else {"_id": visitor["_id"], "username": visitor["username"]},
            "_updatedAt": lm_iso,
        }
        if state == "closed":
            closed = lm + rng.randrange(60_000, 600_000)
            room["closedAt"] = iso_ms(closed)
            room["closer"] = rng.choice(("user", "visitor"))
            closer = room.get("servedBy")
            if room["closer"] == "visitor" or closer is None:
                room["closedBy"] = {
                    "_id": visitor["_id"],
                    "username": visitor["username"],
                }
            else:
                room["closedBy"] = {
                    "_id": closer["_id"],
                    "username": closer["username"],
                }
            room["metrics"] = {
                "chatDuration": (closed - ts) / 1000,
                "serviceTimeDuration": (closed - ts) / 1000 - 30,
                "v": {"lq": lm_iso},
            }
        rooms.append(room)
        last = visitor.get("lastChat")
        if last is None or last["ts"] < room["ts"]:
            visitor["lastChat"] = {"_id": room_id, "ts": room["ts"]}
            served = room.get("servedBy")
            if served:
                visitor["lastAgent"] = {
                    "username": served["username"],
                    "agentId": served["_id"],
                    "ts": served["ts"],
                }
    return rooms


def page_visits(gen: Gen, rooms: list[Doc]) -> list[Doc]:
    """0-3 navigation-history messages per room, hidden as Rocket.Chat stores them."""
    rng = gen.rng
    messages = []
    for room in rooms:
        ts = EPOCH_MS - rng.randrange(0, 29 * DAY_MS)
        token = room["v"]["token"]
        for step in range(rng.randrange(0, 4)):
            title, href = rng.choice(PAGES)
            at = ts + step * 45_000
            url = f"https://www.example.com{href}"
            messages.append(
                {
                    "_id": gen.hex_id(at),
                    "t": "livechat_navigation_history",
                    "rid": room["_id"],
                    "ts": iso_ms(at),
                    "msg": f"{title} - {url}",
                    "u": {
                        "_id": "rocket.cat",
                        "username": "rocket.cat",
                        "name": "Rocket.Cat",
                    },
                    "groupable": False,
                    "navigation": {
                        "page": {
                            "change": "url",
                            "title": title,
                            "location": {"href": url},
                        },
                        "token": token,
                    },
                    "_hidden": True,
                    "_updatedAt": iso_ms(at),
                }
            )
    return messages


REPLIES = (
    "Hi! Let me look into that for you.",
    "Could you share your order number?",
    "I have sent it to your email address.",
    "Our yearly plan is 20% cheaper.",
    "Thanks for your patience.",
)


def _visitor_author(room: Doc) -> Doc:
    visitor = room["v"]
    author = {"_id": visitor["_id"], "username": visitor["username"]}
    if "name" in visitor:
        author["name"] = visitor["name"]
    return author


def _ordinary(room: Doc, message_id: str, text: str, at: int, author: Doc) -> Doc:
    message: Doc = {"_id": message_id, "rid": room["_id"], "msg": text}
    from_visitor = author["_id"] == room["v"]["_id"]
    if from_visitor:
        message["token"] = room["v"]["token"]
        if "name" in room["v"]:
            message["alias"] = room["v"]["name"]
    when = iso_ms(at)
    message.update({"ts": when, "u": author, "_updatedAt": when})
    message["md"] = [
        {"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": text}]}
    ]
    message["mentions"] = []
    message["channels"] = []
    return message


def _system(gen: Gen, room: Doc, kind: str, at: int, author: Doc, msg: str = "") -> Doc:
    when = iso_ms(at)
    return {
        "_id": gen.meteor(),
        "t": kind,
        "rid": room["_id"],
        "ts": when,
        "msg": msg,
        "u": author,
        "groupable": False,
        "_updatedAt": when,
    }


def _ms(value: str) -> int:
    day = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int(day.timestamp() * 1000)


def room_messages(gen: Gen, rooms: list[Doc], agents: list[Doc]) -> list[Doc]:
    """Each room's transcript: `livechat-started`, the agent joining, `msgs`
    ordinary messages between `ts` and `lm` (the last one is the room's
    `lastMessage`), and `livechat-close` for closed rooms."""
    names = {agent["_id"]: agent.get("name") for agent in agents}
    messages: list[Doc] = []
    rng = gen.rng
    for room in rooms:
        start, last = _ms(room["ts"]), _ms(room["lm"])
        visitor = _visitor_author(room)
        started = _system(gen, room, "livechat-started", start, dict(visitor))
        started["u"] = {"_id": visitor["_id"], "username": visitor["username"]}
        started["token"] = room["v"]["token"]
        messages.append(started)
        served = room.get("servedBy")
        agent: Doc | None = None
        if served:
            agent = {"_id": served["_id"], "username": served["username"]}
            if names.get(served["_id"]):
                agent["name"] = names[served["_id"]]
            joined = _ms(served["ts"])
            messages.append(_system(gen, room, "command", joined, agent, "connected"))
            messages.append(_system(gen, room, "uj", joined, agent))
        count = room["msgs"]
        step = max(1, (last - start) // (count + 1))
        for index in range(count - 1):
            author = visitor if agent is None or index % 2 == 0 else agent
            pool = MESSAGES if author is visitor else REPLIES
            at = start + step * (index + 1)
            messages.append(
                _ordinary(room, gen.meteor(), rng.choice(pool), at, dict(author))
            )
        final = room["lastMessage"]
        author = visitor if final["u"]["_id"] == visitor["_id"] else agent or visitor
        messages.append(_ordinary(room, final["_id"], final["msg"], last, dict(author)))
        if "closedAt" in room:
            closer = dict(room["closedBy"])
            close = _system(gen, room, "livechat-close", _ms(room["closedAt"]), closer)
            if room["closer"] == "visitor":
                close["msg"] = "Closed by visitor"
                close["transcriptRequested"] = False
                close["token"] = room["v"]["token"]
            else:
                close["msg"] = "Solved, thanks"
                close["transcriptRequested"] = False
            messages.append(close)
    return messages
