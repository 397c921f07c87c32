"""`rc-gateway schema diff OLD.graphql`: graphql-core's change lists, exit codes."""

from __future__ import annotations

import contextlib
import io
from typing import TYPE_CHECKING

import pytest

from gateway.cli import main
from tests.schema.test_snapshot import SNAPSHOT

if TYPE_CHECKING:
    from pathlib import Path


def run_diff(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out):
        try:
            main(["schema", "diff", str(path)])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
            if isinstance(exc.code, str):
                out.write(exc.code)
    return code, out.getvalue()


def without_busy(sdl: str) -> str:
    """The SDL with VisitorStatus lacking its BUSY value."""
    head, block = sdl.split("enum VisitorStatus {", 1)
    return head + "enum VisitorStatus {" + block.replace("  BUSY\n", "", 1)


def test_no_changes_against_the_committed_schema() -> None:
    assert run_diff(SNAPSHOT) == (
        0,
        f"0 breaking, 0 dangerous change(s) against {SNAPSHOT}\n",
    )


def test_breaking_changes_are_listed_and_fail(tmp_path: Path) -> None:
    # The old schema had a field that is gone, and lacked an enum value
    # that the current one has.
    sdl = SNAPSHOT.read_text()
    old = without_busy(
        sdl.replace("type Query {", "type Query {\n  retired: String\n", 1)
    )
    path = tmp_path / "old.graphql"
    path.write_text(old)
    code, output = run_diff(path)
    assert (code, output.splitlines()) == (
        1,
        [
            "BREAKING FIELD_REMOVED: Field Query.retired was removed.",
            "DANGEROUS VALUE_ADDED_TO_ENUM: Enum value VisitorStatus.BUSY was added.",
            f"1 breaking, 1 dangerous change(s) against {path}",
        ],
    )


def test_dangerous_changes_alone_pass(tmp_path: Path) -> None:
    path = tmp_path / "old.graphql"
    path.write_text(without_busy(SNAPSHOT.read_text()))
    code, output = run_diff(path)
    assert code == 0
    assert (
        output.splitlines()[-1] == f"0 breaking, 1 dangerous change(s) against {path}"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("type {", "Syntax Error", id="syntax"),
        pytest.param(None, "No such file", id="missing"),
    ],
)
def test_an_unreadable_old_schema_is_a_clear_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "old.graphql"
    if content is not None:
        path.write_text(content)
    code, output = run_diff(path)
    assert code == 2
    assert output.startswith("rc-gateway schema diff: ")
    assert message in output
