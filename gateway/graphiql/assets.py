"""The GraphiQL page's scripts and styles, served from the gateway's own origin.

Two kinds of file: our own (`page.js`, `page.css`, next to this module, in
git) and vendored ones, copied by `vendor.mjs` from the pinned npm packages in
`node_modules` into `static/` when the project is set up (never committed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from starlette.responses import FileResponse, PlainTextResponse
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

HERE = Path(__file__).parent
VENDOR_DIR = HERE / "static"
ASSET_PREFIX = "/graphiql"
SETUP_HINT = "run `make serve` (or `npm ci && npm run assets`)"

OWN_FILES = {"page.js": HERE / "page.js", "page.css": HERE / "page.css"}
VENDORED_FILES = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
    "plugin-explorer.umd.js",
    "plugin-explorer.css",
)
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}
HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def asset_path(name: str) -> Path | None:
    """The file served under `/graphiql/<name>`, or None if there is no such asset."""
    if name in OWN_FILES:
        return OWN_FILES[name]
    if name in VENDORED_FILES:
        return VENDOR_DIR / name
    return None


def missing_assets() -> list[str]:
    """Names of vendored files not installed yet (empty once set-up ran)."""
    return [name for name in VENDORED_FILES if not (VENDOR_DIR / name).is_file()]


async def serve_asset(request: Request) -> Response:
    name = request.path_params["name"]
    path = asset_path(name)
    if path is None:
        return PlainTextResponse(f"No GraphiQL asset named {name!r}.", status_code=404)
    if not path.is_file():
        return PlainTextResponse(
            f"GraphiQL asset {name!r} is not installed; {SETUP_HINT}.",
            status_code=404,
        )
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=HEADERS)


def asset_routes() -> list[Route]:
    """Routes serving every asset under `/graphiql/`."""
    return [Route(ASSET_PREFIX + "/{name}", serve_asset, methods=["GET", "HEAD"])]
