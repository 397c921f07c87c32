"""Error masking and codes: every error in a response carries `extensions.code`.

A code comes from what the error is, never from its message:

| error | `extensions.code` |
|---|---|
| coded: a resolver's `GatewayError`, a limit's `RequestError` | its own |
| graphql-core's `GraphQLSyntaxError`, any error while parsing | GRAPHQL_PARSE_FAILED |
| reported by validation | GRAPHQL_VALIDATION_FAILED |
| from execution without a path: a variable that does not coerce | BAD_USER_INPUT |
| anything else: a bug (masked), a non-null field set to null | INTERNAL_SERVER_ERROR |

The stage an error comes from is the one `CodedMaskErrors` saw last: the
operation stops at the first stage that reports errors.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import strawberry
from graphql.error import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors

from gateway.errors import INTERNAL_SERVER_ERROR, BadUserInputError, GatewayError
from gateway.schema.limits import PARSE_FAILED, VALIDATION_FAILED

if TYPE_CHECKING:
    from collections.abc import Iterator

    from strawberry.extensions import SchemaExtension
    from strawberry.types import ExecutionContext

MASKED_MESSAGE = "Unexpected error."
BAD_USER_INPUT = BadUserInputError.code


class Stage(enum.Enum):
    PARSE = PARSE_FAILED
    VALIDATE = VALIDATION_FAILED
    # graphql-core coerces the variables before any field runs, and reports
    # what does not coerce as errors without a path.
    EXECUTE = BAD_USER_INPUT


def error_code(error: GraphQLError, stage: Stage | None) -> str:
    """The code of `error`, reported while in `stage` (see the module doc)."""
    own = (error.extensions or {}).get("code")
    if isinstance(own, str) and own:
        return own
    original = error.original_error
    if isinstance(original, GatewayError):
        return str(original.extensions["code"])
    if isinstance(error, GraphQLSyntaxError):
        return PARSE_FAILED
    if error.path is not None or stage is None:
        return INTERNAL_SERVER_ERROR
    return stage.value


def should_mask(error: GraphQLError) -> bool:
    """Hide what is neither a request error nor one of our GatewayErrors."""
    original = error.original_error
    return original is not None and not isinstance(
        original, GatewayError | GraphQLError
    )


class CodedMaskErrors(MaskErrors):
    """MaskErrors that also gives every error a stable `extensions.code`."""

    stage: Stage | None = None

    def on_parse(self) -> Iterator[None]:
        self.stage = Stage.PARSE
        yield

    def on_validate(self) -> Iterator[None]:
        self.stage = Stage.VALIDATE
        yield

    def on_execute(self) -> Iterator[None]:
        self.stage = Stage.EXECUTE
        yield

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_SERVER_ERROR}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            code = error_code(error, self.stage)
            if (error.extensions or {}).get("code") != code:
                error.extensions = {**(error.extensions or {}), "code": code}
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
