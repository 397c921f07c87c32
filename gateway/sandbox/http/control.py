"""Out-of-band control endpoints under /_sandbox: the request log and the knobs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request

    from ..state import Sandbox


def _options_json(sandbox: Sandbox) -> dict[str, object]:
    """Every option but the demo password, as JSON."""
    options = sandbox.options
    return {
        field.name: str(value) if isinstance(value, Path) else value
        for field in dataclasses.fields(options)
        if field.name != "password"
        for value in [getattr(options, field.name)]
    }


def control_routes(sandbox: Sandbox) -> list[Route]:
    """GET/DELETE /_sandbox/requests and GET/PATCH /_sandbox/options."""

    async def requests(request: Request) -> JSONResponse:
        if request.method == "DELETE":
            cleared = len(sandbox.log)
            sandbox.clear_log()
            return JSONResponse({"cleared": cleared})
        return JSONResponse(
            {"requests": [entry.to_json() for entry in list(sandbox.log)]}
        )

    async def options(request: Request) -> JSONResponse:
        if request.method == "PATCH":
            try:
                changes = json.loads(await request.body() or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("send a JSON object of knob values")
                sandbox.options.update_knobs(changes)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            if "rate_limit" in changes:
                sandbox.limiter.reset()
        return JSONResponse(_options_json(sandbox))

    return [
        Route("/_sandbox/requests", requests, methods=["GET", "DELETE"]),
        Route("/_sandbox/options", options, methods=["GET", "PATCH"]),
    ]
