"""Error masking and codes: every error in a response carries `extensions.code`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from gateway.errors import INTERNAL_SERVER_ERROR, GatewayError

if TYPE_CHECKING:
    from strawberry.extensions import SchemaExtension
    from strawberry.types import ExecutionContext

MASKED_MESSAGE = "Unexpected error."
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"


def request_error_code(error: GraphQLError) -> str:
    """The code of an error that brings none of its own.

    Errors raised before execution (they have no `path`) are the client's:
    a syntax error, a validation error (the depth limit included) or a
    variable that does not coerce, named as Apollo Server names them. An
    uncoded error during execution (a non-null field resolved to null) is
    the gateway's own fault.
    """
    if error.path is not None:
        return INTERNAL_SERVER_ERROR
    if error.message.startswith("Syntax Error"):
        return PARSE_FAILED
    if error.message.startswith("Variable '$"):
        return BAD_USER_INPUT
    return VALIDATION_FAILED


def should_mask(error: GraphQLError) -> bool:
    """Hide what is neither a request error nor one of our GatewayErrors."""
    original = error.original_error
    return original is not None and not isinstance(
        original, GatewayError | GraphQLError
    )


class CodedMaskErrors(MaskErrors):
    """MaskErrors that also gives every error a stable `extensions.code`."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_SERVER_ERROR}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            if not (error.extensions or {}).get("code"):
                error.extensions = {
                    **(error.extensions or {}),
                    "code": request_error_code(error),
                }
        return processed


def mask_errors() -> SchemaExtension:
    """The extension factory registered on the schema."""
    return CodedMaskErrors(should_mask_error=should_mask, error_message=MASKED_MESSAGE)


class GatewaySchema(strawberry.Schema):
    """A Schema that logs only unexpected errors, not every GatewayError."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        super().process_errors([e for e in errors if should_mask(e)], execution_context)
