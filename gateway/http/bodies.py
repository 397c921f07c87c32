"""What a request body (or query string) must be before GraphQL reads it.

Strawberry decodes the body and checks `query`, `variables` and
`extensions`; these refuse, with a stable code, what it would let through or
answer in plain words: bytes that are not UTF-8, nesting too deep for the
decoder, a body that is not an object or a batch, a batch `max_batch` does
not allow, an `operationName` that is not a string.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gateway.http.refusals import Refusal

if TYPE_CHECKING:
    from strawberry.http import GraphQLRequestData


def decode_json(data: str | bytes) -> object:
    """`json.loads`, refusing what it cannot decode but a JSON syntax error.

    A syntax error is left to Strawberry, which answers it with a 400.
    """
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise Refusal(400, "The request body is not valid UTF-8.") from exc
    except RecursionError as exc:
        raise Refusal(400, "The request body is nested too deeply.") from exc
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        # A number Python refuses to convert (over 4300 digits).
        raise Refusal(400, f"The request body holds a bad value: {exc}") from exc


def check_body(body: object, max_batch: int) -> None:
    """Refuse a body that is neither one operation nor an allowed batch."""
    if not isinstance(body, dict | list):
        raise Refusal(400, "The request body must be a JSON object with a `query`.")
    if not isinstance(body, list):
        return
    if max_batch == 0:
        raise Refusal(
            400,
            "Batching is turned off; send one operation per request.",
            code="BATCHING_DISABLED",
        )
    if not body or len(body) > max_batch:
        raise Refusal(
            400,
            f"A batch holds 1 to {max_batch} operations, got {len(body)}.",
            code="BATCH_TOO_LARGE",
        )


def check_operation_names(
    data: GraphQLRequestData | list[GraphQLRequestData],
) -> None:
    for item in data if isinstance(data, list) else [data]:
        if not isinstance(item.operation_name, str | None):
            raise Refusal(
                400, "The GraphQL operation's `operationName` must be a string."
            )
