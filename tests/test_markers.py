"""The `slow` marker: skipped unless the run opts in with `--run-slow`."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SUITE = """
import pytest

@pytest.mark.slow
def test_slow() -> None:
    pass

def test_quick() -> None:
    pass
"""


@pytest.mark.parametrize(
    ("args", "outcomes"),
    [
        pytest.param((), {"passed": 1, "skipped": 1}, id="default-skips-slow"),
        pytest.param(("--run-slow",), {"passed": 2}, id="run-slow-runs-all"),
    ],
)
def test_slow_tests_are_opt_in(
    pytester: pytest.Pytester, args: tuple[str, ...], outcomes: dict[str, int]
) -> None:
    pytester.makeconftest(
        "from tests.conftest import pytest_addoption, pytest_collection_modifyitems"
    )
    pytester.makeini("[pytest]\nmarkers =\n    slow: opt in with --run-slow\n")
    pytester.makepyfile(SUITE)
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    result.assert_outcomes(**outcomes)
