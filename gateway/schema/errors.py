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
# Parse, validation and variable-coercion errors have no original error.
REQUEST_ERROR_CODE = "BAD_USER_INPUT"


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
                    "code": REQUEST_ERROR_CODE,
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
