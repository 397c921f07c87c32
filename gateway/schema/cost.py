"""Demand control: an operation's worst-case REST calls, estimated before it runs.

The estimate walks the operation with its arguments and variables: a list is
one call (two for `last` without `before`, see pagination.py), a per-item
lookup is one call per item, and what is selected under a list counts once
per item it may return (`first`/`last`, else the default page size; the
number of `ids`), so nested lists multiply. DataLoader de-duplication is not
assumed: the estimate is an upper bound. An operation estimated over
`GATEWAY_MAX_UPSTREAM_CALLS` is refused with COST_ESTIMATED_TOO_EXPENSIVE and
`extensions.cost {estimated, max}`; the request's Budget enforces the same
number while it runs (COST_ACTUAL_TOO_EXPENSIVE).

What each field costs is the table in prices.py (`COSTS`, and `FREE` for
resolvers that make no call). Fragments are costed once and reused, so
estimating is linear; a User's fields spread over several fragments may
count its lookup more than once (an upper bound still).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from gateway.schema.limits import RequestError, settings_of
from gateway.schema.prices import COSTS, Arguments

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import DocumentNode, GraphQLNamedType, GraphQLSchema, SelectionSetNode

    from gateway.config import Settings


class CostEstimatedTooExpensiveError(RequestError):
    code = "COST_ESTIMATED_TOO_EXPENSIVE"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def page_size(args: Arguments, settings: Settings) -> tuple[int, int]:
    """(items a connection may return, extra calls) for Relay arguments."""
    first, last = _int(args.get("first")), _int(args.get("last"))

    def clamp(size: int) -> int:
        return max(0, min(size, settings.max_page_size))

    if first is None and last is None:
        return clamp(settings.default_page_size), 0
    if first is not None:
        return clamp(first if last is None else min(first, last)), 0
    assert last is not None
    return clamp(last), 1 if args.get("before") is None else 0


class Estimator:
    """Walks one operation of a validated document (see the module doc)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict[str, Any],
        settings: Settings,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.settings = settings
        self.fragments = {
            d.name.value: d
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[tuple[str, str | None], int] = {}

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
        }.get(operation.operation)
        if root is None:
            return 0
        return self.selections(operation.selection_set, root)

    def selections(
        self, selection_set: SelectionSetNode, type_: Any, carried: str | None = None
    ) -> int:
        """Calls of a selection set; `carried`: a `shared` lookup already done."""
        total = 0
        shared = {None, carried}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, type_)
                rule = COSTS.get((getattr(type_, "name", ""), selection.name.value))
                if rule is not None and rule.shared not in shared:
                    shared.add(rule.shared)
                    total += 1
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = (
                    self.schema.get_type(condition.name.value) if condition else type_
                )
                total += self.selections(selection.selection_set, inner, carried)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, carried)
        return total

    def fragment(self, name: str, carried: str | None) -> int:
        key = (name, carried)
        if key not in self.memo:
            self.memo[key] = 0  # a cycle would be a validation error already
            fragment = self.fragments.get(name)
            if fragment is not None:
                type_ = self.schema.get_type(fragment.type_condition.name.value)
                self.memo[key] = self.selections(fragment.selection_set, type_, carried)
        return self.memo[key]

    def field(self, node: FieldNode, parent: Any) -> int:
        """A field's own calls and its sub-selection's (not `shared` ones)."""
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0
        child: GraphQLNamedType = get_named_type(definition.type)
        rule = COSTS.get((parent.name, node.name.value))
        carries = rule.carries if rule is not None else None
        children = (
            self.selections(node.selection_set, child, carries)
            if node.selection_set
            else 0
        )
        if rule is None:
            return children
        args = self.arguments(node)
        calls, items = rule.calls, 1
        if rule.connection:
            items, extra = page_size(args, self.settings)
            calls += extra
        elif rule.items is not None:
            items = rule.items(args, self.settings)
        lookup = rule.lookup
        if lookup and rule.free is not None:
            asked = self.asked(node, nodes=rule.connection)
            if asked <= rule.free | {"__typename"}:
                lookup = 0
        return calls + items * (lookup + children)

    def arguments(self, node: FieldNode) -> Arguments:
        return {
            argument.name.value: value_from_ast_untyped(argument.value, self.variables)
            for argument in node.arguments or ()
        }

    def asked(self, node: FieldNode, *, nodes: bool) -> set[str]:
        """Sub-field names of `node` (for a connection: of its items)."""
        if node.selection_set is None:
            return set()
        if not nodes:
            return self.names(node.selection_set)
        names: set[str] = set()
        for field in self.fields(node.selection_set):
            if field.selection_set is None:
                continue
            if field.name.value == "nodes":
                names |= self.names(field.selection_set)
            elif field.name.value == "edges":
                for inner in self.fields(field.selection_set):
                    if inner.name.value == "node" and inner.selection_set:
                        names |= self.names(inner.selection_set)
        return names

    def names(self, selection_set: SelectionSetNode) -> set[str]:
        return {field.name.value for field in self.fields(selection_set)}

    def fields(self, selection_set: SelectionSetNode) -> list[FieldNode]:
        """The fields of a selection set, fragments expanded (not sub-fields)."""
        found: list[FieldNode] = []
        stack, seen = [selection_set], set()
        while stack:
            for selection in stack.pop().selections:
                if isinstance(selection, FieldNode):
                    found.append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    stack.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name not in seen and name in self.fragments:
                        seen.add(name)
                        stack.append(self.fragments[name].selection_set)
        return found


def estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    settings: Settings,
) -> int:
    """Worst-case REST calls of the operation `operation_name` of `document`."""
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    if operation_name is not None:
        operations = [
            o for o in operations if o.name and o.name.value == operation_name
        ]
    if len(operations) != 1:
        return 0  # execution reports the missing or ambiguous operation
    (operation,) = operations
    values = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return Estimator(schema, document, values, settings).operation(operation)


class DemandControl(SchemaExtension):
    """Refuse operations estimated over the request's budget, before they run.

    The estimate is added to the request's `context.budget` (a batch adds
    up), and `extensions.cost {estimated, used, max}` is reported in the
    response when the client sent the cost header (context.COST_HEADER).
    """

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        settings = settings_of(ec.context)
        budget = getattr(ec.context, "budget", None)
        assert ec.graphql_document is not None
        estimated = estimate(
            ec.schema._schema,
            ec.graphql_document,
            ec.operation_name,
            ec.variables,
            settings,
        )
        limit = settings.max_upstream_calls
        if budget is not None:
            budget.estimated += estimated
            estimated, limit = budget.estimated, budget.max
        if estimated > limit:
            raise CostEstimatedTooExpensiveError(
                f"This operation could make up to {estimated} calls to "
                f"Rocket.Chat; at most {limit} are allowed. Ask for smaller "
                "pages or fewer nested lists.",
                cost={"estimated": estimated, "max": limit},
            )
        yield

    def get_results(self) -> dict[str, Any]:
        budget = getattr(self.execution_context.context, "budget", None)
        if budget is not None and budget.report:
            return {"cost": budget.as_json()}
        return {}
