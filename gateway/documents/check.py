"""`rc-gateway trusted-documents check`: a manifest against the live schema.

Each document must parse and pass the validation every request gets (the
GraphQL rules plus the gateway's own, such as the depth limit); an id that
looks like an MD5, SHA-1 or SHA-256 digest must be that digest of its text.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from graphql import GraphQLError, specified_rules
from strawberry.extensions import AddValidationRules
from strawberry.schema.schema import validate_document

from gateway.config import Settings
from gateway.documents.manifest import load_manifest
from gateway.schema.limits import check_figures, measure, parse_limited

if TYPE_CHECKING:
    from pathlib import Path

    from graphql import ASTValidationRule
    from strawberry import Schema

# Hex length → the algorithm whose digest has it; an optional `algo:` prefix.
DIGESTS = {32: "md5", 40: "sha1", 64: "sha256"}
HASH_ID = re.compile(r"(?:(md5|sha1|sha256):)?([0-9a-fA-F]+)")


def schema_rules(schema: Schema) -> tuple[type[ASTValidationRule], ...]:
    """The rules a request is validated with: GraphQL's and the extensions'."""
    rules: list[type[ASTValidationRule]] = list(specified_rules)
    for factory in schema.extensions:
        extension = factory() if callable(factory) else factory
        if isinstance(extension, AddValidationRules):
            rules.extend(extension.validation_rules)
    return tuple(rules)


def id_problem(document_id: str, text: str) -> str | None:
    match = HASH_ID.fullmatch(document_id)
    if match is None:
        return None
    prefix, digest = match.groups()
    algorithm = prefix or DIGESTS.get(len(digest))
    if algorithm is None:
        return None
    expected = hashlib.new(algorithm, text.encode()).hexdigest()
    if digest.lower() != expected:
        return f"the id is not the {algorithm} of the document ({expected})"
    return None


def check_manifest(path: Path, schema: Schema) -> tuple[int, dict[str, list[str]]]:
    """The number of documents, and the problems of each failing one by id.

    Raises ManifestError when the file is not a manifest at all.
    """
    documents = load_manifest(path).by_id
    rules = schema_rules(schema)
    settings = Settings()  # the limits this environment's gateway applies
    problems: dict[str, list[str]] = {}
    for document_id, text in documents.items():
        found: list[str] = []
        if problem := id_problem(document_id, text):
            found.append(problem)
        try:
            # The request limits first, as a request meets them.
            document = parse_limited(text, settings)
            check_figures(measure(document), None, settings)
        except GraphQLError as exc:
            found.append(exc.message)
        else:
            errors = validate_document(schema._schema, document, rules)
            found.extend(error.message for error in errors)
        if found:
            problems[document_id] = found
    return len(documents), problems
