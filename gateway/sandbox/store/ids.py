"""Ids and dates as Rocket.Chat writes them: Meteor ids, ObjectIds, ISO strings."""

from __future__ import annotations

import os
import random
import threading
import time
from datetime import UTC, datetime

METEOR_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"

_counter_lock = threading.Lock()
_counter = random.SystemRandom().randrange(1 << 24)
_process = os.urandom(5).hex()


def meteor_id(rng: random.Random | None = None) -> str:
    """A 17-character Meteor random id."""
    pick = (rng or random.SystemRandom()).choice
    return "".join(pick(METEOR_ALPHABET) for _ in range(17))


def object_id(rng: random.Random | None = None, seconds: float | None = None) -> str:
    """A 24-hex MongoDB ObjectId string (time, process, counter)."""
    global _counter
    stamp = int(time.time() if seconds is None else seconds) & 0xFFFFFFFF
    if rng is not None:
        return f"{stamp:08x}{rng.getrandbits(64):016x}"
    with _counter_lock:
        _counter = (_counter + 1) & 0xFFFFFF
        count = _counter
    return f"{stamp:08x}{_process}{count:06x}"


def iso(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and `Z`, as the REST API serialises dates."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


_clock_lock = threading.Lock()
_last_ms = 0


def now_iso() -> str:
    """Now, one millisecond after the previous call at least.

    Every write of the sandbox gets its own time, so documents written by one
    request (a transfer's several messages) keep their order when sorted by date.
    """
    global _last_ms
    with _clock_lock:
        _last_ms = max(int(time.time() * 1000), _last_ms + 1)
        stamp = _last_ms
    return iso(datetime.fromtimestamp(stamp / 1000, UTC))


def now_ms() -> int:
    return int(time.time() * 1000)


def parse_date(value: object) -> datetime | None:
    """A date from an ISO string, epoch milliseconds or `{"$date": ...}`; else None."""
    if isinstance(value, dict) and set(value) == {"$date"}:
        value = value["$date"]
        if isinstance(value, dict) and set(value) == {"$numberLong"}:
            value = int(value["$numberLong"])
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC)
    if not isinstance(value, str) or len(value) < 10:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
