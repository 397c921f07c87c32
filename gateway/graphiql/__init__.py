"""GraphiQL served by the gateway itself: the page, its config and its assets."""

from __future__ import annotations

from gateway.graphiql.assets import ASSET_PREFIX, asset_routes, missing_assets
from gateway.graphiql.page import (
    CONTENT_SECURITY_POLICY,
    Page,
    content_security_policy,
    render_page,
)

__all__ = [
    "ASSET_PREFIX",
    "CONTENT_SECURITY_POLICY",
    "Page",
    "asset_routes",
    "content_security_policy",
    "missing_assets",
    "render_page",
]
