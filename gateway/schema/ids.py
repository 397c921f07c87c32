"""Relay global ids in, Rocket.Chat ids out."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, TypeVar

from strawberry.relay import GlobalID

from gateway.errors import BadUserInputError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from strawberry.dataloader import DataLoader

R = TypeVar("R")
N = TypeVar("N")

NODE_TYPES = frozenset({"Visitor", "Room", "Contact", "Department"})
# Users carry a global id too, so normalising client caches can key on it, and
# inputs take it; `node` cannot fetch them (the contract has no user lookup by id).
ID_TYPES = NODE_TYPES | {"User"}


def parse_global_id(value: str, types: frozenset[str] = NODE_TYPES) -> GlobalID:
    """Decode a global id of one of `types`; BAD_USER_INPUT otherwise."""
    try:
        global_id = GlobalID.from_id(value)
    except Exception as exc:  # strawberry raises several kinds for bad base64
        raise BadUserInputError(
            f"{value!r} is not a global id of this API.", argument="id"
        ) from exc
    if global_id.type_name not in types or not global_id.node_id:
        raise BadUserInputError(
            f"{value!r} is not a global id of this API.", argument="id"
        )
    return global_id


def parse_id(value: str, type_name: str, argument: str = "id") -> str:
    """A `type_name` global id or a raw Rocket.Chat id → the raw id.

    `argument` names the input in the BAD_USER_INPUT error for an empty value
    or for the global id of another type.
    """
    if not value:
        raise BadUserInputError(f"`{argument}` must not be empty.", argument=argument)
    try:
        global_id = parse_global_id(value, ID_TYPES)
    except BadUserInputError:
        return value  # not a global id: take it as Rocket.Chat's own `_id`
    if global_id.type_name != type_name:
        raise BadUserInputError(
            f"{value!r} is the id of a {global_id.type_name}, not a {type_name}.",
            argument=argument,
        )
    return global_id.node_id


async def load_nodes(
    loader: DataLoader[str, R],
    convert: Callable[[R], N],
    node_ids: Iterable[str],
    *,
    required: bool,
) -> list[N | None]:
    """Relay's `resolve_nodes` over a per-request loader, in the order asked.

    A missing record is None unless `required`; any other failure raises.
    """
    results = await asyncio.gather(
        *(loader.load(node_id) for node_id in node_ids), return_exceptions=True
    )
    nodes: list[N | None] = []
    for result in results:
        if isinstance(result, NotFoundError) and not required:
            nodes.append(None)
        elif isinstance(result, BaseException):
            raise result
        else:
            nodes.append(convert(result))
    return nodes
