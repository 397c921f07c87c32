"""Demo visitors and contacts (contacts linked to visitors through channels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .seedkit import CITIES, COMPANIES, DAY_MS, EPOCH_MS, FIRST, LAST, iso_ms

if TYPE_CHECKING:
    from ..store.sqlite import Doc
    from .seedkit import Gen


def visitors(gen: Gen, count: int, departments: list[Doc]) -> list[Doc]:
    """`count` visitors (24-hex ids, guest-N usernames); every 50th disabled."""
    rng = gen.rng
    visitors = []
    for i in range(count):
        ts = EPOCH_MS - rng.randrange(30 * DAY_MS, 360 * DAY_MS)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        visitor: Doc = {
            "_id": gen.hex_id(ts),
            "username": f"guest-{i + 2}",
            "ts": iso_ms(ts),
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


def contacts(gen: Gen, count: int, visitors: list[Doc], agents: list[Doc]) -> list[Doc]:
    """`count` contacts; the first ones own a channel to the visitor of same index."""
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
        contact["createdAt"] = iso_ms(created)
        contact["_updatedAt"] = iso_ms(created)
        if k % 40 == 39:
            contact["enabled"] = False
        contacts.append(contact)
    return contacts
