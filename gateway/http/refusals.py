"""Refusals: requests answered before (or instead of) GraphQL execution.

Every refusal is a cross-web `HTTPException` — Strawberry raises those for
the requests it refuses, and `Refusal`, its subclass, adds a stable code and
headers for ours. `render` is the one place a refusal becomes a response:
`{"errors": [{"message", "extensions": {"code"}}]}` in the negotiated media
type, never plain text. A Strawberry refusal's code follows its status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cross_web import HTTPException
from starlette.responses import Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from gateway.telemetry.requests import current

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from starlette.types import Message, Receive

ALLOWED_METHODS = "GET, POST"
BAD_REQUEST = "BAD_REQUEST"
# HTTP status → `extensions.code` of a refusal that names no code of its own.
STATUS_CODES = {
    400: BAD_REQUEST,
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class Refusal(HTTPException):
    """A request refused with `status_code`, a stable `code` and headers."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, reason)
        self.code = code or STATUS_CODES.get(status_code, BAD_REQUEST)
        self.headers = dict(headers or {})
        if status_code == 405:
            self.headers.setdefault("Allow", ALLOWED_METHODS)


def error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def render(
    exc: HTTPException, media_type: str, encode: Callable[[object], str | bytes]
) -> Response:
    """The response for any refusal, ours or Strawberry's."""
    refusal = exc if isinstance(exc, Refusal) else Refusal(exc.status_code, exc.reason)
    if (record := current()) is not None:
        record.error_codes.append(refusal.code)
    return Response(
        encode(error_body(refusal.reason, refusal.code)),
        status_code=refusal.status_code,
        headers=refusal.headers,
        media_type=f"{media_type}; charset=utf-8",
    )


def operation_refusal(
    exc: HTTPException, method: str, *, queries_via_get: bool
) -> Refusal | None:
    """Our answer to Strawberry's refusal of an operation, when it differs.

    Strawberry refuses an operation the method does not allow with a 400;
    GraphQL over HTTP wants a 405 naming the method that works.
    """
    cause = exc.__cause__
    if isinstance(cause, InvalidOperationTypeError) and method == "GET":
        if queries_via_get:
            message = "Only queries can be sent with GET; send mutations with POST."
        elif cause.operation_type is OperationType.QUERY:
            message = "Queries over GET are turned off; send them with POST."
        else:
            message = "Operations over GET are turned off; send them with POST."
        return Refusal(405, message, headers={"Allow": "POST"})
    if isinstance(cause, MissingQueryError):
        return Refusal(400, "No GraphQL query found in the request.")
    return None


def limit_body(receive: Receive, max_bytes: int) -> Receive:
    """`receive`, raising a 413 once the body passes `max_bytes`."""
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise too_large(max_bytes)
        return message

    return limited


def too_large(max_bytes: int) -> Refusal:
    return Refusal(413, f"The request body is larger than {max_bytes} bytes.")
