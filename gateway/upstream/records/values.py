"""Coercers: one JSON value to a field's value, anything unexpected to a fallback.

Each takes whatever the key held (None when it was absent or null) and never
raises: a wrong type gives what an absent key gives, so one odd value cannot
fail a whole page. `key()` calls a coercer only for present values and uses
`coercer(None)` as the field's default.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

JsonObject = dict[str, Any]


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_text(value: Any) -> str:
    """A string that is never null: a message's text."""
    return value if isinstance(value, str) else ""


def as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def is_true(value: Any) -> bool:
    """A flag Rocket.Chat sets only when it holds (`open`, `onHold`, ...)."""
    return value is True


def not_false(value: Any) -> bool:
    """A flag Rocket.Chat omits while it holds (a contact's `enabled`)."""
    return value is not False


def is_str(value: Any) -> bool:
    """Whether a string was there (a message's `token` marks the visitor's)."""
    return isinstance(value, str)


def as_int(value: Any) -> int | None:
    """A count: integers, and floats truncated; booleans and NaN/∞ are None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    return None


def as_obj(value: Any) -> JsonObject | None:
    return value if isinstance(value, dict) else None


def as_list(value: Any) -> list[Any] | None:
    return value if isinstance(value, list) else None


def as_json(value: Any) -> Any:
    """Any JSON value, kept as it came."""
    return value


def as_strs(value: Any) -> tuple[str, ...]:
    """The strings of a list, others dropped."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def strings_in(name: str) -> Callable[[Any], tuple[str, ...]]:
    """The string `name` of each object of a list: `[{address}]` to addresses."""

    def strings(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            return ()
        return tuple(
            found
            for item in value
            if isinstance(item, dict)
            and isinstance(found := item.get(name), str)
            and found
        )

    return strings


addresses = strings_in("address")
phone_numbers = strings_in("phoneNumber")


def parse_date(value: Any) -> datetime | None:
    """An ISO-8601 string, epoch milliseconds or `{"$date": ...}` as UTC."""
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None  # NaN, or beyond the years datetime can hold
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None
