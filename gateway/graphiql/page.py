"""The GraphiQL HTML page: no inline script, config in a JSON data block, strict CSP."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from gateway.graphiql.assets import ASSET_PREFIX, SETUP_HINT, missing_assets

if TYPE_CHECKING:
    from collections.abc import Mapping

EXAMPLE_QUERY = (Path(__file__).parent / "example.graphql").read_text()

# The page may load and fetch from the gateway's own origin only. GraphiQL's
# stylesheet embeds its fonts and a few images as data: URLs; its dialogs add
# one <style> element at run time, allowed by a fresh nonce per page.
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(CSP_DIRECTIVES)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def content_security_policy(style_nonce: str) -> str:
    """The policy for a GraphiQL page whose run-time styles carry `style_nonce`."""
    return CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", f"style-src 'self' 'nonce-{style_nonce}'"
    )


# Shown outside sandbox mode, so people see which headers the gateway forwards.
PLACEHOLDER_HEADERS = {"X-Auth-Token": "<your token>", "X-User-Id": "<your user id>"}

PAGE = Template("""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rc-gateway · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="$assets/graphiql.min.css">
<link rel="stylesheet" href="$assets/plugin-explorer.css">
<link rel="stylesheet" href="$assets/page.css">
</head>
<body>
<div id="graphiql"><p class="rc-loading">Loading GraphiQL…</p></div>
<noscript>GraphiQL needs JavaScript. Send queries to this URL with POST.</noscript>
<script type="application/json" id="graphiql-config">$config</script>
<script src="$assets/react.production.min.js"></script>
<script src="$assets/react-dom.production.min.js"></script>
<script src="$assets/graphiql.min.js"></script>
<script src="$assets/plugin-explorer.umd.js"></script>
<script src="$assets/page.js"></script>
</body>
</html>
""")

MISSING = Template("""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>rc-gateway · GraphiQL not installed</title></head>
<body>
<h1>GraphiQL is not installed</h1>
<p>Missing: $missing. To install them, $hint.</p>
<p>The GraphQL endpoint itself works: POST queries to this URL.</p>
</body>
</html>
""")


@dataclass(frozen=True)
class Page:
    """A rendered page: body, status and response headers."""

    html: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: dict(PAGE_HEADERS))


def json_for_script(value: object) -> str:
    """JSON safe inside a `<script>` data block (no `</script>` breaking out)."""
    text = json.dumps(value, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_config(
    endpoint: str,
    demo_headers: Mapping[str, str] | None,
    persist_headers: bool,
    style_nonce: str,
) -> dict[str, object]:
    """What `page.js` reads: where to send queries and what to pre-fill."""
    headers = dict(demo_headers) if demo_headers else PLACEHOLDER_HEADERS
    return {
        "endpoint": endpoint,
        "query": EXAMPLE_QUERY,
        "headers": json.dumps(headers, indent=2),
        "persistHeaders": persist_headers,
        "sandbox": demo_headers is not None,
        "styleNonce": style_nonce,
    }


def render_page(
    *,
    endpoint: str,
    demo_headers: Mapping[str, str] | None = None,
    persist_headers: bool = False,
    root_path: str = "",
) -> Page:
    """The GraphiQL page for `endpoint`, or a 503 page naming missing assets."""
    missing = missing_assets()
    if missing:
        body = MISSING.substitute(
            missing=escape(", ".join(missing)), hint=escape(SETUP_HINT)
        )
        return Page(body, status=503)
    nonce = secrets.token_urlsafe(18)
    config = page_config(endpoint, demo_headers, persist_headers, nonce)
    html = PAGE.substitute(
        assets=escape(root_path + ASSET_PREFIX), config=json_for_script(config)
    )
    headers = {
        **PAGE_HEADERS,
        "Content-Security-Policy": content_security_policy(nonce),
    }
    return Page(html, headers=headers)
