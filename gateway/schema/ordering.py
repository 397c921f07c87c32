"""Orderings: one generic `Order` input, one sort per upstream call.

Each resource declares the fields it can be sorted by as an enum whose values
are Rocket.Chat's keys, and its input as `class RoomOrder(Order[RoomOrderField])`;
`sort_of` turns one into the upstream `sort`.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry

F = TypeVar("F", bound=Enum)


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = 1
    DESC = -1


@strawberry.input
class Order(Generic[F]):
    """A sort on one field; subclass as `class RoomOrder(Order[RoomOrderField])`."""

    field: F
    direction: OrderDirection = OrderDirection.ASC


def sort_of(order: Order[Any] | None) -> dict[str, int] | None:
    """The upstream sort for `order`, ties broken by `_id` so pages are stable."""
    if order is None:
        return None
    direction: int = order.direction.value
    return {order.field.value: direction, "_id": direction}
