"""Which sub-fields a query asked for, so embedded data can spare a call.

The answer depends only on the document (Strawberry's `selected_fields` keeps
`@skip`/`@include` as directives, it does not evaluate them), and parsed
documents are cached, so the same field node comes back request after
request. Each answer is therefore memoised per field node: a room list asks
"only embedded visitor fields?" once per document, not once per room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.types.nodes import SelectedField

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from strawberry.types.nodes import Selection


# field node id -> (the node, kept alive so its id stays its own; the answer)
_MEMO: dict[tuple[str, int], tuple[object, frozenset[str]]] = {}
MEMO_SIZE = 4096


def _memoised(
    kind: str, info: Any, compute: Callable[[Any], set[str]]
) -> frozenset[str]:
    nodes = info._raw_info.field_nodes
    key = (kind, id(nodes[0]))
    entry = _MEMO.get(key)
    if entry is not None and entry[0] is nodes[0] and len(nodes) == 1:
        return entry[1]
    names = frozenset(compute(info))
    if len(nodes) == 1:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = (nodes[0], names)
    return names


def requested_fields(info: Any) -> frozenset[str]:
    """Names of the fields selected under the field being resolved.

    Fragments and inline fragments are followed; aliases don't matter.
    """
    return _memoised("fields", info, _requested_fields)


def requested_node_fields(info: Any) -> frozenset[str]:
    """Names selected on a connection's items (`nodes { ... }`, `edges { node }`)."""
    return _memoised("nodes", info, _requested_node_fields)


def _requested_fields(info: Any) -> set[str]:
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


def _requested_node_fields(info: Any) -> set[str]:
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
