"""Behind a proxy: --root-path prefixes, trusted X-Forwarded-For hops are skipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from gateway.context import forwarding_chain
from tests.test_serve import serving

if TYPE_CHECKING:
    from tests.conftest import Upstream


@pytest.mark.parametrize(
    ("forwarded", "peer", "trusted", "chain"),
    [
        pytest.param(None, "10.0.0.2", "", ["10.0.0.2"], id="direct"),
        pytest.param(
            "1.2.3.4", "10.0.0.2", "", ["1.2.3.4", "10.0.0.2"], id="untrusted"
        ),
        pytest.param("1.2.3.4", "10.0.0.2", "10.0.0.0/8", ["1.2.3.4"], id="trusted"),
        pytest.param(
            "6.6.6.6, 1.2.3.4, 10.0.0.7",
            "10.0.0.2",
            "10.0.0.0/8",
            ["6.6.6.6", "1.2.3.4"],
            id="forged-left-part-kept-as-is",
        ),
        pytest.param("1.2.3.4, 10.0.0.7", "10.0.0.2", "*", ["1.2.3.4"], id="any"),
        pytest.param("junk", "10.0.0.2", "10.0.0.0/8", ["junk"], id="not-an-address"),
        pytest.param(None, "10.0.0.2", "10.0.0.0/8", ["10.0.0.2"], id="only-proxy"),
    ],
)
def test_forwarding_chain(
    forwarded: str | None, peer: str, trusted: str, chain: list[str]
) -> None:
    assert forwarding_chain(forwarded, peer, trusted) == chain


def test_root_path_prefixes_graphiql_and_routes(
    upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    env = {"ROCKETCHAT_URL": upstream.url}
    with serving("--root-path", "/chat", env=env) as (url, lines):
        page = httpx.get(f"{url}/graphql", headers={"Accept": "text/html"})
        # The proxy strips /chat before passing the request on.
        asset = httpx.get(f"{url}/graphiql/page.js")
        body = httpx.post(
            f"{url}/graphql",
            json={"query": "{ rooms(first: 1) { totalCount } }"},
            headers=users["admin"],
        ).json()
    assert page.status_code == 200
    assert 'src="/chat/graphiql/' in page.text
    assert asset.status_code == 200
    assert body["data"]["rooms"]["totalCount"] > 0
    assert f"GraphiQL: {url}/chat/graphql" in "".join(lines)
