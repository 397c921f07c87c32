"""The GraphiQL page on the real gateway: config, CSP, same-origin assets."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from gateway.graphiql import (
    CONTENT_SECURITY_POLICY,
    assets as graphiql_assets,
    render_page,
)
from gateway.graphiql.page import EXAMPLE_QUERY, PAGE_HEADERS

if TYPE_CHECKING:
    from pathlib import Path

    import httpx
    import pytest

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
CONFIG = re.compile(
    r'<script type="application/json" id="graphiql-config">(.*?)</script>', re.S
)
ASSET_LINKS = re.compile(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"')


def test_page_headers_and_config(gateway: httpx.Client, stack: dict[str, Any]) -> None:
    response = gateway.get("/graphql", headers={"accept": BROWSER})
    match = CONFIG.search(response.text)
    assert match is not None
    config = json.loads(match.group(1))
    nonce = config["styleNonce"]
    assert (
        response.status_code,
        response.headers["content-security-policy"],
        response.headers["cache-control"],
        config,
    ) == (
        200,
        CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", f"style-src 'self' 'nonce-{nonce}'"
        ),
        "no-store",
        {
            "endpoint": "/graphql",
            "query": EXAMPLE_QUERY,
            "headers": json.dumps(stack["headers"], indent=2),
            "persistHeaders": False,
            "sandbox": True,
            "styleNonce": nonce,
        },
    )


def test_style_nonce_is_fresh_for_every_page(gateway: httpx.Client) -> None:
    nonces = set()
    for _ in range(3):
        html = gateway.get("/graphql", headers={"accept": BROWSER}).text
        match = CONFIG.search(html)
        assert match is not None
        nonces.add(json.loads(match.group(1))["styleNonce"])
    assert (len(nonces), min(len(nonce) for nonce in nonces)) == (3, 24)


def test_page_has_no_inline_script(gateway: httpx.Client) -> None:
    html = gateway.get("/graphql", headers={"accept": BROWSER}).text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    inline = [
        attrs for attrs, body in scripts if body and "application/json" not in attrs
    ]
    assert inline == []


def test_every_asset_is_served_from_the_gateway(gateway: httpx.Client) -> None:
    html = gateway.get("/graphql", headers={"accept": BROWSER}).text
    links = ASSET_LINKS.findall(html)
    answers = {link: gateway.get(link) for link in links}
    assert {
        link: (answer.status_code, answer.headers["content-type"].split(";")[0])
        for link, answer in answers.items()
    } == {
        "/graphiql/graphiql.min.css": (200, "text/css"),
        "/graphiql/plugin-explorer.css": (200, "text/css"),
        "/graphiql/page.css": (200, "text/css"),
        "/graphiql/react.production.min.js": (200, "text/javascript"),
        "/graphiql/react-dom.production.min.js": (200, "text/javascript"),
        "/graphiql/graphiql.min.js": (200, "text/javascript"),
        "/graphiql/plugin-explorer.umd.js": (200, "text/javascript"),
        "/graphiql/page.js": (200, "text/javascript"),
    }
    assert all(len(answer.content) > 100 for answer in answers.values())


def test_unknown_asset_is_404(gateway: httpx.Client) -> None:
    response = gateway.get("/graphiql/assets.py")
    assert (response.status_code, response.text) == (
        404,
        "No GraphiQL asset named 'assets.py'.",
    )
    assert gateway.get("/graphiql/..%2Fassets.py").status_code == 404


def test_example_query_returns_demo_rooms(
    gateway: httpx.Client, stack: dict[str, Any]
) -> None:
    response = gateway.post(
        "/graphql", json={"query": EXAMPLE_QUERY}, headers=stack["headers"]
    )
    body = response.json()
    assert (response.status_code, "errors" in body) == (200, False)
    rooms = body["data"]["rooms"]
    assert (len(rooms["nodes"]), rooms["pageInfo"]["hasNextPage"]) == (5, True)


def test_missing_assets_page_names_them_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(graphiql_assets, "VENDOR_DIR", tmp_path)
    page = render_page(endpoint="/graphql")
    assert (page.status, page.headers) == (503, PAGE_HEADERS)
    assert (
        "Missing: react.production.min.js, react-dom.production.min.js, "
        "graphiql.min.js, graphiql.min.css, plugin-explorer.umd.js, "
        "plugin-explorer.css. To install them, run `make serve` "
        "(or `npm ci &amp;&amp; npm run assets`)."
    ) in page.html


def test_outside_sandbox_headers_are_placeholders() -> None:
    page = render_page(endpoint="/graphql")
    match = CONFIG.search(page.html)
    assert match is not None
    assert json.loads(json.loads(match.group(1))["headers"]) == {
        "X-Auth-Token": "<your token>",
        "X-User-Id": "<your user id>",
    }


def test_config_cannot_break_out_of_its_script_block() -> None:
    page = render_page(endpoint="/graphql</script><script>alert(1)//")
    match = CONFIG.search(page.html)
    assert match is not None
    assert json.loads(match.group(1))["endpoint"] == (
        "/graphql</script><script>alert(1)//"
    )
