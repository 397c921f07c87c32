"""Demo data building blocks: the seeded generator, a fixed clock, value pools."""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime

from ..store.ids import METEOR_ALPHABET

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


@functools.lru_cache(maxsize=4096)
def _day(day: int) -> str:
    return datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT")


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as the API prints dates (ISO, milliseconds, `Z`)."""
    # Formatting by hand: datetime.strftime dominated the time for 100k rooms.
    day, rest = divmod(ms, DAY_MS)
    seconds, millis = divmod(rest, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{_day(day)}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


def ms_of(stamp: str) -> int:
    """Epoch milliseconds of a date printed by `iso_ms`."""
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


class Gen:
    """Every random choice of the demo data, from one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def meteor(self) -> str:
        return "".join(self.rng.choices(METEOR_ALPHABET, k=17))

    def hex_id(self, ms: int) -> str:
        return f"{(ms // 1000) & 0xFFFFFFFF:08x}{self.rng.getrandbits(64):016x}"
