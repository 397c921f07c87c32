"""CSRF: what a browser sends cross-site without a preflight never mutates.

A "simple" request (GET, or POST as text/plain, form-urlencoded or
multipart, with no custom header) skips CORS's preflight, so any page could
make one. The gateway refuses mutations in all of them before anything
reaches Rocket.Chat.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from tests.conftest import Upstream

MUTATION = (
    'mutation { registerVisitor(input: {token: "csrf-1", name: "Mallory"}) '
    "{ visitor { token } } }"
)
BODY = json.dumps({"query": MUTATION})


@pytest.mark.parametrize(
    ("method", "content_type", "content", "status", "code"),
    [
        pytest.param(
            "POST", "text/plain", BODY, 415, "UNSUPPORTED_MEDIA_TYPE", id="text"
        ),
        pytest.param(
            "POST",
            "application/x-www-form-urlencoded",
            "query=" + MUTATION,
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            id="form",
        ),
        pytest.param(
            "POST",
            "multipart/form-data; boundary=x",
            '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n'
            f"{MUTATION}\r\n--x--\r\n",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            id="multipart",
        ),
        pytest.param("GET", None, None, 405, "METHOD_NOT_ALLOWED", id="get"),
    ],
)
def test_simple_requests_never_run_a_mutation(
    gateway_url: str,
    upstream: Upstream,
    method: str,
    content_type: str | None,
    content: str | None,
    status: int,
    code: str,
) -> None:
    upstream.clear()
    headers = {"Origin": "https://evil.example"}
    if content_type:
        headers["Content-Type"] = content_type
    response = httpx.request(
        method,
        f"{gateway_url}/graphql",
        params={"query": MUTATION} if method == "GET" else None,
        content=content,
        headers=headers,
    )
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code
    assert upstream.calls() == []
    lookup = httpx.get(f"{upstream.url}/api/v1/livechat/visitor/csrf-1")
    assert lookup.status_code == 400  # no such visitor was ever registered
