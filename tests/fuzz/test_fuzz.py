"""Fuzzing in `make test`: schema-driven queries and malformed bodies, bounded.

`RC_GATEWAY_FUZZ_EXAMPLES` raises the bound; `bench/fuzz.py` is the long run.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import Mode

from tests.fuzz.cases import Case, cases, problems, send
from tests.http.stack import serve_stack

if TYPE_CHECKING:
    from collections.abc import Iterator

EXAMPLES = int(os.environ.get("RC_GATEWAY_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def fuzz_stack() -> Iterator[dict[str, Any]]:
    """Its own sandbox: fuzzed mutations must not change other tests' data."""
    with serve_stack() as urls:
        yield urls


@pytest.fixture(scope="module")
def client(fuzz_stack: dict[str, Any]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=str(fuzz_stack["gateway"]), timeout=30) as http:
        yield http


@SETTINGS
@given(case=cases(Mode.POSITIVE))
def test_valid_queries_and_malformed_bodies(
    case: Case, client: httpx.Client, fuzz_stack: dict[str, Any]
) -> None:
    response = send(client, case, dict(fuzz_stack["headers"]))
    assert problems(response) == []


@SETTINGS
@given(case=cases(Mode.NEGATIVE))
def test_invalid_queries(
    case: Case, client: httpx.Client, fuzz_stack: dict[str, Any]
) -> None:
    response = send(client, case, dict(fuzz_stack["headers"]))
    assert problems(response) == []
