"""Deterministic demo data: users, departments, visitors, rooms, contacts, page visits.

Everything comes from one `random.Random(seed)` and a fixed clock, so the same
options always give the same documents (ids included).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .auth import prepare_user
from .documents import METEOR_ALPHABET

if TYPE_CHECKING:
    from .options import SandboxOptions
    from .store import Doc, Store

EPOCH_MS = int(datetime(2026, 1, 15, 12, 0, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000
MAX_PAGE_VISIT_ROOMS = 2000
FIRST = (
    "Alice",
    "Bruno",
    "Carla",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Marta",
    "Nils",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavi",
    "Yara",
    "Zoe",
    "ana",
    "luis",
)
LAST = (
    "Smith",
    "Rossi",
    "Novak",
    "Tanaka",
    "Silva",
    "Müller",
    "Dubois",
    "Kowalski",
    "Jensen",
    "Haddad",
    "Okafor",
    "Berg",
    "Costa",
    "Ivanova",
    "Larsen",
    "O'Brien",
    "Park",
    "Meyer",
    "Santos",
    "Weber",
)
COMPANIES = ("Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark (Labs)")
CITIES = ("Lisbon", "Berlin", "Osaka", "Porto Alegre", "Nairobi", "Toronto")
TAGS = ("sales", "support", "billing", "vip", "bug", "feedback")
SOURCES = ("widget", "widget", "widget", "email", "sms", "api")
PAGES = (
    ("Home", "/"),
    ("Pricing", "/pricing"),
    ("Docs", "/docs"),
    ("Contact", "/contact"),
)
MESSAGES = (
    "Hello, I need help with my order",
    "Thanks, that solved it!",
    "Can you send me the invoice?",
    "Is there a discount for yearly plans?",
    "The widget does not load on Safari",
)


@dataclass(frozen=True)
class DemoUser:
    """A demo account printed at start and documented in the README."""

    username: str
    name: str
    roles: tuple[str, ...]


DEMO_USERS = (
    DemoUser("admin", "Ada Admin", ("admin",)),
    DemoUser("agent", "Alex Agent", ("user", "livechat-agent")),
    DemoUser("viewer", "Vic Viewer", ("user",)),
    DemoUser("agent.two", "Sam Support", ("user", "livechat-agent")),
    DemoUser("agent.three", "Kim Kowalski", ("user", "livechat-agent")),
)


@functools.lru_cache(maxsize=4096)
def _day(day: int) -> str:
    return datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT")


def _iso(ms: int) -> str:
    # Formatting by hand: datetime.strftime dominated the time for 100k rooms.
    day, rest = divmod(ms, DAY_MS)
    seconds, millis = divmod(rest, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{_day(day)}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def meteor(self) -> str:
        return "".join(self.rng.choices(METEOR_ALPHABET, k=17))

    def hex_id(self, ms: int) -> str:
        return f"{(ms // 1000) & 0xFFFFFFFF:08x}{self.rng.getrandbits(64):016x}"


def _users(gen: _Gen, password: str) -> list[Doc]:
    created = _iso(EPOCH_MS - 400 * DAY_MS)
    users: list[Doc] = [
        {
            "_id": "rocket.cat",
            "username": "rocket.cat",
            "name": "Rocket.Cat",
            "type": "bot",
            "roles": ["bot"],
            "status": "online",
            "active": True,
            "createdAt": created,
            "_updatedAt": created,
        }
    ]
    for demo in DEMO_USERS:
        agent = "livechat-agent" in demo.roles
        user: Doc = {
            "_id": gen.meteor(),
            "username": demo.username,
            "name": demo.name,
            "emails": [{"address": f"{demo.username}@example.com", "verified": True}],
            "type": "user",
            "roles": list(demo.roles),
            "status": "online" if agent or demo.username == "admin" else "offline",
            "active": True,
            "utcOffset": 0,
            "createdAt": created,
            "_updatedAt": created,
        }
        if agent:
            user["statusLivechat"] = "available"
        users.append(prepare_user(user, password))
    return users


def _departments(gen: _Gen) -> list[Doc]:
    created = _iso(EPOCH_MS - 300 * DAY_MS)
    names = (("Sales", True), ("Support", True), ("Billing", True), ("Legacy", False))
    return [
        {
            "_id": gen.meteor(),
            "name": name,
            "enabled": enabled,
            "showOnRegistration": True,
            "showOnOfflineForm": True,
            "email": f"{name.lower()}@example.com",
            "numAgents": 0,
            "type": "d",
            "_updatedAt": created,
        }
        for name, enabled in names
    ]


def _custom_fields() -> list[Doc]:
    def field(name: str, label: str, scope: str, searchable: bool) -> Doc:
        return {
            "_id": name,
            "label": label,
            "scope": scope,
            "visibility": "visible",
            "type": "input",
            "regexp": "",
            "searchable": searchable,
            "required": False,
            "defaultValue": "",
            "options": "",
            "public": True,
        }

    return [
        field("company", "Company", "visitor", True),
        field("address", "Address", "visitor", True),
        field("plan", "Plan", "visitor", False),
        field("priority", "Priority", "room", False),
        field("topic", "Topic", "room", False),
    ]


def demo_documents(options: SandboxOptions) -> dict[str, list[Doc]]:
    """Every demo collection for these options (sizes, seed, password)."""
    gen = _Gen(options.seed)
    users = _users(gen, options.password)
    by_name = {user["username"]: user for user in users}
    agents = [by_name["agent"], by_name["agent.two"], by_name["agent.three"]]
    departments = _departments(gen)
    dept_agents = [
        {
            "_id": gen.meteor(),
            "agentId": agent["_id"],
            "username": agent["username"],
            "departmentId": dep["_id"],
            "departmentEnabled": dep["enabled"],
            "count": 0,
            "order": 0,
        }
        for agent, dep in (
            (agents[0], departments[0]),
            (agents[0], departments[1]),
            (agents[1], departments[1]),
            (agents[2], departments[2]),
        )
    ]
    visitors = _visitors(gen, options.visitors, departments)
    rooms = _rooms(gen, options.rooms, visitors, agents, departments)
    contacts = _contacts(gen, options.contacts, visitors, agents)
    pages = _page_visits(gen, rooms[:MAX_PAGE_VISIT_ROOMS])
    settings: list[Doc] = [
        {"_id": "Livechat_guest_count", "value": len(visitors) + 1},
        {"_id": "Livechat_history_monitor_type", "value": "url"},
        {"_id": "Livechat_Routing_Method", "value": "Auto_Selection"},
        {"_id": "Livechat_Visitor_navigation_as_a_message", "value": False},
    ]
    return {
        "users": users,
        "livechat_department": departments,
        "rocketchat_livechat_department_agents": dept_agents,
        "livechat_custom_field": _custom_fields(),
        "livechat_visitor": visitors,
        "rocketchat_room": rooms,
        "livechat_contact": contacts,
        "rocketchat_message": pages,
        "rocketchat_settings": settings,
    }


def _visitors(gen: _Gen, count: int, departments: list[Doc]) -> list[Doc]:
    rng = gen.rng
    visitors = []
    for i in range(count):
        ts = EPOCH_MS - rng.randrange(30 * DAY_MS, 360 * DAY_MS)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        visitor: Doc = {
            "_id": gen.hex_id(ts),
            "username": f"guest-{i + 2}",
            "ts": _iso(ts),
            "token": f"{rng.getrandbits(128):032x}",
            "status": rng.choice(("online", "away", "offline", "offline")),
        }
        if rng.random() < 0.9:
            visitor["name"] = f"{first} {last}"
        if rng.random() < 0.8:
            address = f"{first}.{last}{i}@example.com".lower().replace("'", "")
            visitor["visitorEmails"] = [{"address": address}]
        if rng.random() < 0.6:
            visitor["phone"] = [{"phoneNumber": f"+1555{1000000 + i:07d}"}]
        if rng.random() < 0.5:
            visitor["department"] = rng.choice(departments[:3])["_id"]
        if rng.random() < 0.6:
            data = {
                "company": rng.choice(COMPANIES),
                "plan": rng.choice(("free", "pro")),
            }
            if rng.random() < 0.5:
                data["address"] = (
                    f"{rng.randrange(1, 200)} Main St, {rng.choice(CITIES)}"
                )
            visitor["livechatData"] = data
        visitor["userAgent"] = "Mozilla/5.0 (X11; Linux x86_64) DemoBrowser/1.0"
        visitor["ip"] = f"203.0.113.{rng.randrange(1, 255)}"
        visitor["host"] = "www.example.com"
        visitor["_updatedAt"] = visitor["ts"]
        if i % 50 == 49:
            visitor["disabled"] = True
        visitors.append(visitor)
    return visitors


def _room_state(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return "open"
    if roll < 0.45:
        return "queued"
    if roll < 0.55:
        return "onhold"
    return "closed"


def _rooms(
    gen: _Gen,
    count: int,
    visitors: list[Doc],
    agents: list[Doc],
    departments: list[Doc],
) -> list[Doc]:
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
        ts_iso, lm_iso = _iso(ts), _iso(lm)
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
                "ts": _iso(ts + 30_000),
            }
            room["responseBy"] = {
                "_id": agent["_id"],
                "username": agent["username"],
                "firstResponseTs": _iso(ts + 60_000),
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
            room["closedAt"] = _iso(closed)
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


def _contacts(
    gen: _Gen, count: int, visitors: list[Doc], agents: list[Doc]
) -> list[Doc]:
    rng = gen.rng
    contacts = []
    for k in range(count):
        created = EPOCH_MS - rng.randrange(0, 200 * DAY_MS)
        contact: Doc = {"_id": gen.hex_id(created)}
        visitor = visitors[k] if k < len(visitors) else None
        if visitor is not None:
            contact["name"] = visitor.get("name", visitor["username"])
            if "visitorEmails" in visitor:
                contact["emails"] = [dict(e) for e in visitor["visitorEmails"]]
            if "phone" in visitor:
                contact["phones"] = [dict(p) for p in visitor["phone"]]
            channel: Doc = {
                "name": "widget",
                "verified": False,
                "visitor": {"visitorId": visitor["_id"], "source": {"type": "widget"}},
                "blocked": False,
                "details": {"type": "widget"},
            }
            if "lastChat" in visitor:
                channel["lastChat"] = dict(visitor["lastChat"])
                contact["lastChat"] = dict(visitor["lastChat"])
            contact["channels"] = [channel]
            contact["unknown"] = k % 4 == 0
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            contact["name"] = f"{first} {last}"
            contact["emails"] = [
                {"address": f"{first}.{last}.c{k}@example.org".lower()}
            ]
            contact["channels"] = []
            contact["unknown"] = False
        roll = rng.random()
        if roll < 0.3:
            contact["contactManager"] = agents[0]["_id"]
        elif roll < 0.35:
            contact["contactManager"] = gen.meteor()  # a manager who was deleted
        if rng.random() < 0.4:
            contact["customFields"] = {"company": rng.choice(COMPANIES)}
        contact["createdAt"] = _iso(created)
        contact["_updatedAt"] = _iso(created)
        if k % 40 == 39:
            contact["enabled"] = False
        contacts.append(contact)
    return contacts


def _page_visits(gen: _Gen, rooms: list[Doc]) -> list[Doc]:
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
                    "ts": _iso(at),
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
                    "_updatedAt": _iso(at),
                }
            )
    return messages


def seed_demo(store: Store, options: SandboxOptions) -> dict[str, Any]:
    """Write the demo data set in one transaction; return the demo users."""
    documents = demo_documents(options)
    with store.transaction():
        for collection, docs in documents.items():
            store.insert_many(collection, docs)
    return {"users": documents["users"]}
