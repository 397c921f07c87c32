"""Parse, limit-check, cache and validate each document: `RequestLimits`.

The limits themselves are in limits.py; this is the order they run in and
what is kept afterwards. A document is parsed under the token limit,
measured and checked, and only then cached (short documents only, so the
cache's memory stays small whatever unique documents clients send), then
validated once per set of rules.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from gateway.schema.limits import (
    VALIDATION_FAILED,
    Figures,
    check_figures,
    check_variables,
    measure,
    parse_limited,
    settings_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import DocumentNode, GraphQLError

# Only documents up to this length are kept in the caches, so the caches'
# memory stays small whatever unique documents clients send.
CACHEABLE_LENGTH = 8192
QUERY_CACHE_SIZE = 256


@dataclass
class Entry:
    """A parsed document that passed the limits, and its validation errors."""

    document: DocumentNode
    operations: dict[str | None, Figures]
    errors: dict[tuple[Any, ...], list[GraphQLError]]


class DocumentCache:
    """Parsed, measured (and validated) documents, by text; short ones only."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[str, int], Entry] = OrderedDict()
        self.hits = 0
        self.validations = 0

    def get(self, key: tuple[str, int]) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            self.hits += 1
        return entry

    def put(self, key: tuple[str, int], entry: Entry) -> None:
        if len(key[0]) > CACHEABLE_LENGTH:
            return
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


DOCUMENTS = DocumentCache()


class RequestLimits(SchemaExtension):
    """Parse, limit-check, cache and validate each document (see module doc).

    Replaces Strawberry's ParserCache and ValidationCache: those cache a
    document before any limit has looked at it (and validation keyed by the
    whole AST), which let one large document stay in memory.
    """

    def __init__(self, cache: DocumentCache = DOCUMENTS) -> None:
        super().__init__()
        self.cache = cache
        self.entry: Entry | None = None

    def on_operation(self) -> Iterator[None]:
        ec = self.execution_context
        check_variables(ec.variables, settings_of(ec.context))
        yield

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        settings = settings_of(ec.context)
        cached = None
        key = (ec.query or "", settings.max_tokens)
        if ec.graphql_document is not None:  # given pre-parsed (persisted)
            entry = Entry(ec.graphql_document, measure(ec.graphql_document), {})
        elif not ec.query:
            yield  # Strawberry reports the missing query
            return
        else:
            cached = self.cache.get(key)
            if cached is None:
                document = parse_limited(ec.query, settings)
                entry = Entry(document, measure(document), {})
            else:
                entry = cached
        check_figures(entry.operations, ec.operation_name, settings)
        if cached is None and ec.query and ec.graphql_document is None:
            self.cache.put(key, entry)
        self.entry = entry
        ec.graphql_document = entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        entry = self.entry
        if entry is None or ec.graphql_document is not entry.document:
            yield
            return
        rules = tuple(ec.validation_rules)
        errors = entry.errors.get(rules)
        if errors is None:
            self.cache.validations += 1
            errors = validate_document(ec.schema._schema, entry.document, rules)
            for error in errors:
                # graphql-core keeps a scalar's parse exception on the error;
                # it is the client's mistake, told in the message, not a bug.
                error.original_error = None
                error.extensions = {
                    "code": VALIDATION_FAILED,
                    **(error.extensions or {}),
                }
            entry.errors[rules] = errors
        ec.pre_execution_errors = errors
        yield
