"""Changes between a committed SDL and the schema in code, found by graphql-core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import (
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)

if TYPE_CHECKING:
    from graphql import GraphQLSchema


@dataclass(frozen=True)
class Change:
    """One change: its graphql-core kind and description, and whether it breaks."""

    kind: str
    description: str
    breaking: bool

    def line(self) -> str:
        label = "BREAKING" if self.breaking else "DANGEROUS"
        return f"{label} {self.kind}: {self.description}"


def schema_changes(old_sdl: str, new: GraphQLSchema) -> list[Change]:
    """Breaking changes first, then dangerous ones, each group sorted.

    Raises graphql's GraphQLError (a syntax or build error) when `old_sdl`
    is not a valid schema.
    """
    old = build_schema(old_sdl)
    breaking = [
        Change(change.type.name, change.description, True)
        for change in find_breaking_changes(old, new)
    ]
    dangerous = [
        Change(change.type.name, change.description, False)
        for change in find_dangerous_changes(old, new)
    ]
    key = lambda c: (c.kind, c.description)  # noqa: E731
    return sorted(breaking, key=key) + sorted(dangerous, key=key)
