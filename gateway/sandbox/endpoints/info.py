"""`GET /api/info`: Rocket.Chat's unauthenticated server information.

Outside /api/v1 (so no knobs, rate limit or request log apply); answers
`{"version": "<x.y.z>", "success": true}` whatever headers come with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request

SERVER_VERSION = "8.8.0"


async def info(request: Request) -> JSONResponse:
    return JSONResponse({"version": SERVER_VERSION, "success": True})


def info_routes() -> list[Route]:
    return [Route("/api/info", info, methods=["GET"])]
