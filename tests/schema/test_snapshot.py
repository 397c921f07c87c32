"""The committed schema.graphql is exactly what export-schema prints."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from strawberry.printer import print_schema

from gateway.cli import main
from gateway.schema import schema

SNAPSHOT = Path(__file__).parents[2] / "schema.graphql"


def test_schema_snapshot_is_current() -> None:
    current = print_schema(schema) + "\n"
    assert SNAPSHOT.read_text() == current, (
        "schema.graphql is stale: run `make schema` "
        "(rc-gateway export-schema > schema.graphql) and review the diff"
    )


def test_export_schema_prints_the_sdl() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["export-schema"])
    assert out.getvalue() == print_schema(schema) + "\n"
