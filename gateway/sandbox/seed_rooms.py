"""Demo livechat rooms in every state, and page visits for some of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .seedkit import DAY_MS, EPOCH_MS, MESSAGES, PAGES, SOURCES, TAGS, iso_ms

if TYPE_CHECKING:
    import random

    from .seedkit import Gen
    from .store import Doc


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
