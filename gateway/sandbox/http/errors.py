"""ApiError and the exact error bodies of Rocket.Chat's REST layer (§0.4)."""

from __future__ import annotations

from typing import Any

NOT_LOGGED_IN = "You must be logged in to do this."
NO_PERMISSION = (
    "User does not have the permissions required for this action [error-unauthorized]"
)
INTERNAL = {"success": False, "error": "Internal server error"}


class ApiError(Exception):
    """An error answer: HTTP status, JSON body and extra headers."""

    def __init__(
        self,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(body.get("error"))
        self.status = status
        self.body = body
        self.headers = headers or {}


def plain(message: str, status: int = 400) -> ApiError:
    """A plain error: `{"success": false, "error": message}`, no errorType."""
    return ApiError(status, {"success": False, "error": message})


def coded(
    code: str, reason: str | None = None, details: dict[str, Any] | None = None
) -> ApiError:
    """A Meteor coded error: `"<reason> [<code>]"` plus errorType (and details)."""
    message = f"{reason} [{code}]" if reason else f"[{code}]"
    body: dict[str, Any] = {"success": False, "error": message, "errorType": code}
    if details is not None:
        body["details"] = details
    return ApiError(400, body)


def invalid_params(messages: list[str]) -> ApiError:
    return ApiError(
        400,
        {
            "success": False,
            "error": "\n ".join(messages) + " [invalid-params]",
            "errorType": "invalid-params",
        },
    )


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        {
            "success": False,
            "error": NOT_LOGGED_IN,
            "status": "error",
            "message": NOT_LOGGED_IN,
        },
    )


def forbidden() -> ApiError:
    return ApiError(403, {"success": False, "error": NO_PERMISSION})


def not_found_route() -> ApiError:
    return ApiError(404, {"success": False, "error": "Not found"})
