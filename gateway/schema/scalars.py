"""Scalars beyond GraphQL's own.

`DateTime` is Strawberry's (ISO-8601, from `datetime`); `JSON` carries the
free-form maps Rocket.Chat stores (custom fields, metrics), whose keys are not
part of this schema.
"""

from __future__ import annotations

from typing import Any

from strawberry.scalars import JSON


def json_value(value: Any) -> JSON | None:
    """A decoded JSON value (dict, list, ...) typed for a `JSON` field."""
    return None if value is None else JSON(value)
