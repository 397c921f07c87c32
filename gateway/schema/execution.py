"""Executing the schema: graphql-core's executor with a shortcut for plain fields.

Most of a response is leaves read straight off an object: a room's name, its
dates, its state. graphql-core runs each of them through the general path —
a response path, a resolve info, Strawberry's resolver wrapper, the generic
completion — which costs several times the `getattr` and the serialization
that decide the value. `FieldExecutor` takes a shorter way for a field when,
decided once per (object type, field):

- it has Strawberry's default resolver (a dataclass attribute: no resolver,
  no arguments, no permission classes, no field extensions), or it is
  `Node.id` of a type that keeps Strawberry's `resolve_id` and
  `resolve_typename`;
- its type is a scalar or an enum, or a list of them;

and, per occurrence, when the field node in the document has no arguments and
no directives (`@skip`/`@include` are applied before, while collecting
fields), and no schema extension wraps resolvers (`resolve` middleware).

The shortcut computes only what the general path would; whatever is unusual
about a value — None for a non-null type, an exception, an awaitable, a value
its scalar refuses — makes it give up and hand the field to graphql-core,
which then produces the value or the error (message, path, locations, null
propagation) exactly as without the shortcut. Reading an attribute and
serializing it have no side effects, so doing them twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    GraphQLBoolean,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    is_leaf_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel, is_awaitable
from strawberry.relay import Node
from strawberry.relay.utils import to_base64
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

if TYPE_CHECKING:
    from graphql import GraphQLField
    from graphql.execution.collect_fields import GroupedFieldSet

# What a shortcut returns when it leaves the field to graphql-core.
SLOW: Final = object()

Shortcut = Callable[[Any], Any]

# The shortcut of each (object type, field name); None: always the general
# path. Filled on first use; object types are built once per schema.
_SHORTCUTS: dict[GraphQLObjectType, dict[str, Shortcut | None]] = {}

_UNCHANGED: dict[str, type] = {"String": str, "ID": str, "Boolean": bool}
_BUILT_IN: dict[str, Callable[[Any], Any]] = {
    scalar.name: scalar.coerce_output_value
    for scalar in (GraphQLString, GraphQLID, GraphQLBoolean)
}

_NODE_ID_RESOLVER = Node.__dict__["_id"].__func__
_DEFAULT_RESOLVE_ID = Node.__dict__["resolve_id"].__func__
_DEFAULT_RESOLVE_TYPENAME = Node.__dict__["resolve_typename"].__func__


def _leaf_coercer(
    type_: GraphQLOutputType,
) -> tuple[Callable[[Any], Any], bool, type | None] | None:
    """The leaf type's output coercion, whether it is non-null, and the Python
    type it returns as it is (None: no such type), if a leaf."""
    non_null = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if not is_leaf_type(inner):
        return None
    leaf: GraphQLLeafType = inner
    coerce = leaf.coerce_output_value
    # graphql-core's String and ID give a str back, Boolean a bool; an int
    # is range-checked and anything else converted, so those go the long way.
    itself = _UNCHANGED.get(leaf.name) if coerce is _BUILT_IN.get(leaf.name) else None
    return coerce, non_null, itself


# Values that are neither exceptions nor awaitables, by their exact type.
_PLAIN_VALUES = frozenset({str, int, float, bool, datetime})


def _coerce_leaf(coerce: Callable[[Any], Any], value: Any) -> Any:
    """`value` coerced, or SLOW for anything the general path must judge."""
    if type(value) not in _PLAIN_VALUES and (
        isinstance(value, Exception) or is_awaitable(value)
    ):
        return SLOW
    try:
        coerced = coerce(value)
    except Exception:  # graphql-core reports it, on the slow path
        return SLOW
    return SLOW if coerced is None or coerced is Undefined else coerced


def _leaf_shortcut(
    read: Callable[[Any], Any],
    coerce: Callable[[Any], Any],
    non_null: bool,
    itself: type | None,
) -> Shortcut:
    """`itself`: the Python type the leaf's coercion returns unchanged."""

    def shortcut(source: Any) -> Any:
        value = read(source)
        if value is None:
            return SLOW if non_null else None
        if type(value) is itself:
            return value
        return _coerce_leaf(coerce, value)

    return shortcut


def _list_shortcut(
    read: Callable[[Any], Any],
    non_null: bool,
    coerce: Callable[[Any], Any],
    item_non_null: bool,
) -> Shortcut:
    def shortcut(source: Any) -> Any:
        value = read(source)
        if value is None:
            return SLOW if non_null else None
        if type(value) is not list and type(value) is not tuple:
            return SLOW
        completed: list[Any] = []
        for item in value:
            if item is None:
                if item_non_null:
                    return SLOW
                completed.append(None)
                continue
            coerced = _coerce_leaf(coerce, item)
            if coerced is SLOW:
                return SLOW
            completed.append(coerced)
        return completed

    return shortcut


def _attribute_reader(name: str) -> Callable[[Any], Any]:
    def read(source: Any) -> Any:
        return getattr(source, name, SLOW)

    return read


def _node_id_reader(type_name: str, origin: type[Node]) -> Callable[[Any], Any] | None:
    """Node.id as Strawberry computes it by default, for instances of `origin`."""
    resolve_id = getattr(origin.resolve_id, "__func__", None)
    resolve_typename = getattr(origin.resolve_typename, "__func__", None)
    if (
        resolve_id is not _DEFAULT_RESOLVE_ID
        or resolve_typename is not _DEFAULT_RESOLVE_TYPENAME
    ):
        return None
    id_attr = origin.resolve_id_attr()

    def read(source: Any) -> Any:
        if not isinstance(source, origin):
            return SLOW
        node_id = getattr(source, id_attr, None)
        if node_id is None:
            return SLOW
        return to_base64(type_name, str(node_id))

    return read


def _reader(
    parent_type: GraphQLObjectType, field_def: GraphQLField
) -> Callable[[Any], Any] | None:
    """How to read the field's raw value off its object; None: not plainly."""
    definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or field_def.args:
        return None
    if definition.is_basic_field:
        # Strawberry hands graphql-core its basic getter only when no
        # exception handler applies either; anything else wraps the field.
        if getattr(field_def.resolve, "__name__", None) != "_get_basic_result":
            return None
        if definition.default_resolver is not getattr:
            return None
        return _attribute_reader(definition.python_name)
    resolver = definition.base_resolver
    if (
        resolver is not None
        and getattr(resolver.wrapped_func, "__func__", None) is _NODE_ID_RESOLVER
        and not definition.extensions
    ):
        type_definition = parent_type.extensions.get(
            GraphQLCoreConverter.DEFINITION_BACKREF
        )
        origin = getattr(type_definition, "origin", None)
        if isinstance(origin, type) and issubclass(origin, Node):
            return _node_id_reader(parent_type.name, origin)
    return None


def build_shortcut(
    parent_type: GraphQLObjectType, field_def: GraphQLField
) -> Shortcut | None:
    """The shortcut for this field of this type, or None for the general path."""
    read = _reader(parent_type, field_def)
    if read is None:
        return None
    type_ = field_def.type
    leaf = _leaf_coercer(type_)
    if leaf is not None:
        return _leaf_shortcut(read, *leaf)
    non_null = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        item = _leaf_coercer(inner.of_type)
        if item is not None:
            coerce, item_non_null, _ = item
            return _list_shortcut(read, non_null, coerce, item_non_null)
    return None


def shortcuts_of(parent_type: GraphQLObjectType) -> dict[str, Shortcut | None]:
    """The shortcuts of every field of `parent_type`, by field name."""
    found = _SHORTCUTS.get(parent_type)
    if found is None:
        found = {
            name: build_shortcut(parent_type, field_def)
            for name, field_def in parent_type.fields.items()
        }
        _SHORTCUTS[parent_type] = found
    return found


class FieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with plain leaves read and serialized directly."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        middleware = self.middleware_manager
        if middleware is not None and middleware.middlewares:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        shortcuts = shortcuts_of(parent_type)
        results: dict[str, Any] = {}
        awaiting: list[str] = []
        is_awaitable_ = self.is_awaitable
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                if not node.arguments and not node.directives:
                    shortcut = shortcuts.get(node.name.value)
                    if shortcut is not None:
                        value = shortcut(source_value)
                        if value is not SLOW:
                            results[response_name] = value
                            continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable_(result):
                        awaiting.append(response_name)
        except Exception:
            if awaiting:
                # Let the fields already started settle: they may fail too.
                self.settle_in_background([results[name] for name in awaiting])
            raise
        if not awaiting:
            return results
        return self._await_fields(results, awaiting)

    @staticmethod
    async def _await_fields(
        results: dict[str, Any], awaiting: list[str]
    ) -> dict[str, Any]:
        if len(awaiting) == 1:
            name = awaiting[0]
            results[name] = await results[name]
            return results
        values = await gather_with_cancel(*(results[name] for name in awaiting))
        results.update(zip(awaiting, values, strict=True))
        return results
