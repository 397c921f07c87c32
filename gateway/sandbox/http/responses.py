"""JSON answers as Rocket.Chat's REST layer sends them: never cached."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

NO_CACHE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        body, status_code=status, headers={**NO_CACHE, **(headers or {})}
    )
