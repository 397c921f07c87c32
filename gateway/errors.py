"""GatewayError and its stable codes; imports nothing from gateway.

Every failure the gateway expects is one of these, and each carries the
`extensions.code` a client can branch on::

    GatewayError
    ├── UnauthenticatedError        UNAUTHENTICATED
    ├── ForbiddenError              FORBIDDEN
    ├── BadUserInputError           BAD_USER_INPUT
    ├── NotFoundError               NOT_FOUND
    ├── RateLimitedError            RATE_LIMITED (+ retryAfter seconds)
    ├── RefusedError                its own code: ROOM_CLOSED, AGENT_UNAVAILABLE, ...
    └── UpstreamError               UPSTREAM_ERROR
        ├── UpstreamTimeoutError    UPSTREAM_TIMEOUT
        └── UpstreamUnavailableError UPSTREAM_UNAVAILABLE

Anything else raised while resolving a field is a bug, masked as
INTERNAL_SERVER_ERROR by the schema.
"""

from __future__ import annotations

from typing import Any, ClassVar

INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class GatewayError(Exception):
    """An expected failure with a stable code for `extensions.code`."""

    code: ClassVar[str] = "UPSTREAM_ERROR"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.details}


class UnauthenticatedError(GatewayError):
    """No valid Rocket.Chat credentials came with the request."""

    code = "UNAUTHENTICATED"


class ForbiddenError(GatewayError):
    """The caller is authenticated but may not read or do this."""

    code = "FORBIDDEN"


class BadUserInputError(GatewayError):
    """The arguments (or the upstream's validation of them) were refused."""

    code = "BAD_USER_INPUT"


class NotFoundError(GatewayError):
    """The requested record does not exist or is not visible."""

    code = "NOT_FOUND"


class RateLimitedError(GatewayError):
    """The upstream's rate limiter refused the call; `retryAfter` in seconds."""

    code = "RATE_LIMITED"


class RefusedError(GatewayError):
    """Rocket.Chat refused an action for a reason a client can act on.

    `reason` is the stable code (`ROOM_CLOSED`, `AGENT_UNAVAILABLE`, ...); it
    becomes `extensions.code`.
    """

    code = "REFUSED"

    def __init__(self, message: str, *, reason: str, **details: Any) -> None:
        super().__init__(message, **details)
        self.reason = reason

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.reason, **self.details}


class UpstreamError(GatewayError):
    """The upstream answered something the contract does not allow."""

    code = "UPSTREAM_ERROR"


class UpstreamTimeoutError(UpstreamError):
    """The upstream did not answer within the configured timeout."""

    code = "UPSTREAM_TIMEOUT"


class UpstreamUnavailableError(UpstreamError):
    """The upstream could not be reached or dropped the connection."""

    code = "UPSTREAM_UNAVAILABLE"
