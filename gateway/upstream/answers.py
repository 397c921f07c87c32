"""Answers: Rocket.Chat's replies turned into bodies or `GatewayError`s.

The one table from an upstream status and error body to a stable error code
(`error_for`), the `success` envelope (`unwrap`), when to come back after a
429 (`retry_after`), httpx's transport failures (`transport_errors`) and the
per-endpoint refusal tables (`refusals`). `client.py` sends; this module only
reads what came back.
"""

from __future__ import annotations

import contextlib
import email.utils
import math
import re
import time
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from gateway.errors import (
    BadUserInputError,
    ForbiddenError,
    GatewayError,
    NotFoundError,
    RateLimitedError,
    RefusedError,
    UnauthenticatedError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

DEFAULT_RETRY_AFTER = 60
# Rocket.Chat reports "no such record" as 400s (or one 404); these bodies are
# translated to NOT_FOUND instead of leaking as BAD_USER_INPUT.
NOT_FOUND_ERRORS = frozenset(
    {"visitor-not-found", "[invalid-token]", "invalid-room", "Resource not found"}
)
NOT_FOUND_ERROR_TYPES = frozenset({"invalid-token", "error-room-not-found"})
# Per-record refusals that arrive as 400s (rooms.info, chatHistory).
FORBIDDEN_ERRORS = frozenset({"not-allowed", "error-not-allowed"})
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
_WAIT_SECONDS = re.compile(r"wait (\d+) seconds")


@contextlib.contextmanager
def refusals(table: Mapping[str, tuple[str, str]]) -> Iterator[None]:
    """Turn the upstream refusals named in `table` into RefusedErrors.

    `table` maps Rocket.Chat's `errorType`, or else its `error` text, to
    `(reason, message)`. Other errors pass through unchanged.
    """
    try:
        yield
    except (BadUserInputError, NotFoundError, ForbiddenError) as exc:
        keys = (exc.details.get("errorType"), exc.details.get("upstreamMessage"))
        found = next(
            (table[k] for k in keys if isinstance(k, str) and k in table), None
        )
        if found is None:
            raise
        reason, message = found
        raise RefusedError(
            message, reason=reason, upstreamMessage=exc.details.get("upstreamMessage")
        ) from exc


@contextlib.contextmanager
def transport_errors() -> Iterator[None]:
    """httpx's timeouts and transport failures as the gateway's errors."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise UpstreamTimeoutError("Rocket.Chat did not answer in time.") from exc
    except httpx.TransportError as exc:
        raise UpstreamUnavailableError("Rocket.Chat could not be reached.") from exc


def _decode(response: httpx.Response) -> dict[str, Any] | None:
    """The JSON object of an answer, or None (orjson first; `json` for what it
    refuses but may be JSON all the same: UTF-16, integers beyond 64 bits)."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        try:
            body = response.json()
        except (ValueError, RecursionError):
            return None
    return body if isinstance(body, dict) else None


def unwrap(response: httpx.Response) -> dict[str, Any]:
    """The decoded success body, or the GatewayError the answer means."""
    body = _decode(response)
    if response.is_success:
        if body is None or body.get("success") is False:
            raise UpstreamError(
                "Rocket.Chat sent an answer that is not a JSON object.",
                upstreamStatus=response.status_code,
            )
        return body
    raise error_for(response, body or {})


def error_for(response: httpx.Response, body: dict[str, Any]) -> GatewayError:
    """The one table from an upstream failure to a stable error code."""
    status = response.status_code
    error = body.get("error") if isinstance(body.get("error"), str) else None
    message = error or (
        body.get("message") if isinstance(body.get("message"), str) else None
    )
    error_type = body.get("errorType")
    error_type = error_type if isinstance(error_type, str) else None
    text = message or f"Rocket.Chat answered HTTP {status}."
    if status == 401:
        return UnauthenticatedError(text)
    if status == 403:
        return ForbiddenError(
            "Rocket.Chat refused this to your user.", upstreamMessage=message
        )
    if status == 404 or (
        status == 400
        and (error in NOT_FOUND_ERRORS or error_type in NOT_FOUND_ERROR_TYPES)
    ):
        return NotFoundError("No such record.", upstreamMessage=message)
    if status == 400 and error in FORBIDDEN_ERRORS:
        return ForbiddenError("You may not read this record.", upstreamMessage=message)
    if status == 400:
        return BadUserInputError(text, upstreamMessage=message, errorType=error_type)
    if status == 429:
        return RateLimitedError(text, retryAfter=retry_after(response, text))
    if status in UNAVAILABLE_STATUSES:
        return UpstreamUnavailableError(text, upstreamStatus=status)
    return UpstreamError(text, upstreamStatus=status)


def retry_after(response: httpx.Response, message: str) -> int:
    """Seconds to wait: `Retry-After` (seconds or an HTTP date), else
    Rocket.Chat's `X-RateLimit-Reset` (epoch ms), else its message."""
    now = time.time()
    after = response.headers.get("Retry-After", "").strip()
    if after.isdigit() and len(after) <= 9:
        return max(1, int(after))
    if after:
        with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
            when = email.utils.parsedate_to_datetime(after)
            return max(1, math.ceil(when.timestamp() - now))
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    if reset.isdigit() and len(reset) <= 16:
        return max(1, math.ceil(int(reset) / 1000 - now))
    if match := _WAIT_SECONDS.search(message):
        return max(1, int(match.group(1)[:9]))
    return DEFAULT_RETRY_AFTER
