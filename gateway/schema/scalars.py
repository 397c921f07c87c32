"""Scalars beyond GraphQL's own: `DateTime` in Rocket.Chat's format, and `JSON`.

`JSON` (Strawberry's) carries the free-form maps Rocket.Chat stores (custom
fields, metrics), whose keys are not part of this schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON


def serialize_datetime(value: datetime) -> str:
    """UTC, milliseconds, `Z`: `2024-03-14T13:21:02.239Z`, as Rocket.Chat sends."""
    tz = value.tzinfo
    if tz is UTC or tz is None:
        # What the conversion below gives, for most dates (parsed ones are in
        # UTC), in half the time of isoformat.
        return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond // 1000,
        )
    text = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_datetime(value: Any) -> datetime:
    """An ISO-8601 date-time; without an offset it is taken as UTC."""
    if not isinstance(value, str):
        raise TypeError("DateTime must be an ISO-8601 string")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


DateTime = strawberry.scalar(
    name="DateTime",
    description=(
        "An instant as ISO-8601 in UTC with milliseconds, e.g. "
        "`2024-03-14T13:21:02.239Z`. Inputs without an offset are read as UTC."
    ),
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)


def json_value(value: Any) -> JSON | None:
    """A decoded JSON value (dict, list, ...) typed for a `JSON` field."""
    return None if value is None else JSON(value)
