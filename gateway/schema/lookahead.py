"""Which sub-fields a query asked for, so embedded data can spare a call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.types.nodes import SelectedField

if TYPE_CHECKING:
    from collections.abc import Iterable

    from strawberry.types.nodes import Selection


def requested_fields(info: Any) -> set[str]:
    """Names of the fields selected under the field being resolved.

    Fragments and inline fragments are followed; aliases don't matter.
    """
    names: set[str] = set()

    def walk(selections: Iterable[Selection]) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                names.add(selection.name)
            else:
                walk(selection.selections)

    for field in info.selected_fields:
        walk(field.selections)
    return names


def requested_node_fields(info: Any) -> set[str]:
    """Names selected on a connection's items (`nodes { ... }`, `edges { node }`)."""
    names: set[str] = set()

    def walk(selections: Iterable[Selection], path: tuple[str, ...]) -> None:
        for selection in selections:
            if not isinstance(selection, SelectedField):
                walk(selection.selections, path)
            elif path in {("nodes",), ("edges", "node")}:
                names.add(selection.name)
            elif len(path) < 2:
                walk(selection.selections, (*path, selection.name))

    for field in info.selected_fields:
        walk(field.selections, ())
    return names


def only(info: Any, available: frozenset[str]) -> bool:
    """True when everything selected is in `available`."""
    return requested_fields(info) <= available | {"__typename"}
