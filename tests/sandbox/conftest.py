"""The sandbox tests' names for the session's shared demo sandbox and its logins."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from gateway.sandbox import Sandbox
    from tests.conftest import Upstream


@pytest.fixture(scope="session")
def demo_sandbox_url(upstream: Upstream) -> str:
    """Base URL (no trailing slash) of the session's demo-data sandbox."""
    return upstream.url


@pytest.fixture(scope="session")
def demo_sandbox(upstream: Upstream) -> Sandbox:
    """The session's demo sandbox state: options (knobs), log, store."""
    sandbox: Sandbox = upstream.sandbox
    return sandbox


@pytest.fixture(scope="session")
def login(upstream: Upstream) -> Callable[[str], dict[str, str]]:
    """`login("admin")` → `{"X-User-Id": ..., "X-Auth-Token": ...}` (cached)."""
    return upstream.login
