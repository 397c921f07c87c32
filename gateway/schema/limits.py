"""Request limits: what a document may be, checked once it is parsed.

`parse_limited` (the token limit), `measure` and `check_figures` are the one
place a document is measured against the limits, `check_variables` the one
for `variables`; `RequestLimits` (parsing.py) runs them on every operation
(whatever view or persisted-query store the document came from) before the
document is cached or validated, so a refused document costs nothing later.

| limit | setting | code |
|---|---|---|
| lexical tokens | `GATEWAY_MAX_TOKENS` | MAX_TOKENS_LIMIT |
| field depth | `GATEWAY_MAX_DEPTH` | MAX_DEPTH_LIMIT |
| aliases | `GATEWAY_MAX_ALIASES` | MAX_ALIASES_LIMIT |
| root fields | `GATEWAY_MAX_ROOT_FIELDS` | MAX_ROOT_FIELDS_LIMIT |
| nested fragment spreads | `GATEWAY_MAX_FRAGMENT_DEPTH` | MAX_FRAGMENT_DEPTH_LIMIT |
| `variables` size | `GATEWAY_MAX_VARIABLES_BYTES` | VARIABLES_TOO_LARGE |
| introspection | `GATEWAY_INTROSPECTION` | INTROSPECTION_DISABLED |

Depth, aliases and root fields are counted with fragments expanded, but each
fragment is measured once and its figures reused wherever it is spread, so
the work is linear in the document's size: a "fragment bomb" (each fragment
spreading the next twice) is measured in microseconds, and refused. The walk
uses explicit stacks, never recursion, so long fragment chains cannot exhaust
Python's stack either. Depth counts nested selection sets, as Strawberry's
QueryDepthLimiter does (`{ rooms { totalCount } }` is 1); introspection
subtrees (`__schema`, `__type`) are left out of it, graphql-core's own
introspection-depth rule bounds those.

The coded errors are defined here beside the checks that raise them, which
keeps this module a little over 300 lines; the extension that runs the checks
and the document cache are in parsing.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    visit,
)

from gateway.config import Settings

if TYPE_CHECKING:
    from graphql import DocumentNode, SelectionSetNode

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
# No Int (32 bits) needs more characters than this; longer literals are
# refused before graphql-core converts them (Python refuses > 4300 digits).
MAX_INT_LITERAL = 32
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


class RequestError(GraphQLError):
    """A document refused before execution; `code` says why."""

    code: ClassVar[str] = VALIDATION_FAILED

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class ParseFailedError(RequestError):
    code = PARSE_FAILED


class ValidationFailedError(RequestError):
    code = VALIDATION_FAILED


class LimitError(RequestError):
    """A document over one of the limits; `extensions` name the limit."""


class TokensLimitError(LimitError):
    code = "MAX_TOKENS_LIMIT"


class DepthLimitError(LimitError):
    code = "MAX_DEPTH_LIMIT"


class AliasesLimitError(LimitError):
    code = "MAX_ALIASES_LIMIT"


class RootFieldsLimitError(LimitError):
    code = "MAX_ROOT_FIELDS_LIMIT"


class FragmentDepthLimitError(LimitError):
    code = "MAX_FRAGMENT_DEPTH_LIMIT"


class VariablesLimitError(LimitError):
    code = "VARIABLES_TOO_LARGE"


class IntrospectionDisabledError(LimitError):
    code = "INTROSPECTION_DISABLED"


@dataclass
class Figures:
    """What one operation (or fragment) measures, fragments expanded."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    fragment_depth: int = 0
    introspection: bool = False

    def add(self, other: Figures, *, nested: int = 0, spread: bool = False) -> None:
        self.depth = max(self.depth, other.depth + nested)
        self.aliases += other.aliases
        self.fragment_depth = max(
            self.fragment_depth, other.fragment_depth + (1 if spread else 0)
        )
        self.introspection = self.introspection or other.introspection


def _measure(selection_set: SelectionSetNode, fragments: dict[str, Figures]) -> Figures:
    """Figures of a selection set whose spread fragments are already measured."""
    done: dict[int, Figures] = {}
    stack: list[tuple[SelectionSetNode, bool]] = [(selection_set, False)]
    while stack:
        node, children_done = stack.pop()
        if not children_done:
            stack.append((node, True))
            stack.extend(
                (selection.selection_set, False)
                for selection in node.selections
                if isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            )
            continue
        figures = Figures()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                figures.fields += 1
                figures.aliases += 1 if selection.alias else 0
                figures.introspection |= name in INTROSPECTION_FIELDS
                if selection.selection_set is not None:
                    child = done.pop(id(selection.selection_set))
                    if name.startswith("__"):
                        child.depth = -1  # not counted: see the module doc
                    figures.add(child, nested=1)
            elif isinstance(selection, InlineFragmentNode):
                child = done.pop(id(selection.selection_set))
                figures.fields += child.fields
                figures.add(child)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:  # unknown ones: validation says so
                    figures.fields += fragment.fields
                    figures.add(fragment, spread=True)
        done[id(node)] = figures
    return done[id(selection_set)]


def _spreads(selection_set: SelectionSetNode) -> set[str]:
    names: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.add(selection.name.value)
            elif selection.selection_set is not None:  # type: ignore[attr-defined]
                stack.append(selection.selection_set)  # type: ignore[attr-defined]
    return names


def _fragment_order(definitions: dict[str, FragmentDefinitionNode]) -> list[str]:
    """Fragments, each after those it spreads; a cycle is a validation error."""
    deps = {
        name: _spreads(f.selection_set) & definitions.keys()
        for name, f in definitions.items()
    }
    order: list[str] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done
    for root in definitions:
        if state.get(root):
            continue
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            name, leaving = stack.pop()
            if leaving:
                state[name] = 2
                order.append(name)
                continue
            if state.get(name) == 2:
                continue
            state[name] = 1
            stack.append((name, True))
            for dep in deps[name]:
                if state.get(dep) == 1:
                    raise ValidationFailedError(
                        f"Cannot spread fragment '{dep}' within itself."
                    )
                if not state.get(dep):
                    stack.append((dep, False))
    return order


class _LongIntLiterals(Visitor):
    def enter_int_value(self, node: IntValueNode, *_: Any) -> None:
        if len(node.value) > MAX_INT_LITERAL:
            raise ValidationFailedError(
                f"Int literal of {len(node.value)} digits: an Int holds 32 bits."
            )


def measure(document: DocumentNode) -> dict[str | None, Figures]:
    """Figures of every operation of `document`, by operation name."""
    visit(document, _LongIntLiterals())
    definitions = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    fragments: dict[str, Figures] = {}
    for name in _fragment_order(definitions):
        fragments[name] = _measure(definitions[name].selection_set, fragments)
    return {
        (d.name.value if d.name else None): _measure(d.selection_set, fragments)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }


def check_figures(
    operations: dict[str | None, Figures],
    operation_name: str | None,
    settings: Settings,
) -> None:
    """Raise the LimitError of the first limit the chosen operation exceeds."""
    if operation_name is not None and operation_name in operations:
        chosen = [operations[operation_name]]
    else:  # anonymous, or not determinable yet: hold every operation to it
        chosen = list(operations.values())
    for figures in chosen:
        if figures.fragment_depth > settings.max_fragment_depth:
            raise FragmentDepthLimitError(
                f"Fragments are nested {figures.fragment_depth} deep; at most "
                f"{settings.max_fragment_depth} are allowed.",
                limit=settings.max_fragment_depth,
            )
        if figures.depth > settings.max_depth:
            raise DepthLimitError(
                f"The operation is {figures.depth} fields deep, over the maximum "
                f"operation depth of {settings.max_depth}.",
                limit=settings.max_depth,
            )
        if figures.aliases > settings.max_aliases:
            raise AliasesLimitError(
                f"{_count(figures.aliases)} aliases; at most "
                f"{settings.max_aliases} are allowed.",
                limit=settings.max_aliases,
            )
        if figures.fields > settings.max_root_fields:
            raise RootFieldsLimitError(
                f"{_count(figures.fields)} root fields; at most "
                f"{settings.max_root_fields} are allowed.",
                limit=settings.max_root_fields,
            )
        if figures.introspection and not settings.introspection:
            raise IntrospectionDisabledError(
                "Introspection (`__schema`, `__type`) is turned off on this server."
            )


def _count(value: int) -> str:
    return f"{value}" if value < 10**9 else "More than a billion"


def check_variables(variables: dict[str, Any] | None, settings: Settings) -> None:
    if not variables:
        return
    try:
        size = len(json.dumps(variables, separators=(",", ":")).encode())
    except (RecursionError, ValueError):
        size = settings.max_variables_bytes + 1
    if size > settings.max_variables_bytes:
        raise VariablesLimitError(
            f"`variables` is {size} bytes as JSON; at most "
            f"{settings.max_variables_bytes} are allowed.",
            limit=settings.max_variables_bytes,
        )


def parse_limited(query: str, settings: Settings) -> DocumentNode:
    """Parse with graphql-core's token limit; coded errors on failure."""
    try:
        return parse(
            query,
            max_lexical_tokens=settings.max_tokens,
            max_comments=settings.max_tokens,
        )
    except GraphQLError as exc:
        # graphql-core's own wording for its token and comment limits.
        if "more than" in exc.message and (
            "tokens" in exc.message or "comments" in exc.message
        ):
            raise TokensLimitError(
                f"The document has more than {settings.max_tokens} tokens.",
                limit=settings.max_tokens,
            ) from exc
        raise ParseFailedError(exc.message) from exc
    except RecursionError as exc:
        raise ParseFailedError(
            "Syntax Error: the document is nested too deeply."
        ) from exc


_DEFAULT_SETTINGS: list[Settings] = []


def settings_of(context: Any) -> Settings:
    """The app's settings on the request context; defaults without one."""
    settings = getattr(context, "settings", None)
    if isinstance(settings, Settings):
        return settings
    if not _DEFAULT_SETTINGS:
        _DEFAULT_SETTINGS.append(Settings())
    return _DEFAULT_SETTINGS[0]
