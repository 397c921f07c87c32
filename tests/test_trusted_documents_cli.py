"""`rc-gateway trusted-documents check`: a manifest against the live schema."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from typing import TYPE_CHECKING

from gateway.config import MAX_DEPTH as MAX_QUERY_DEPTH

if TYPE_CHECKING:
    from pathlib import Path

GOOD = "query Rooms { rooms(first: 2) { totalCount } }"
TOKEN = "query ByToken($t: String!) { visitorByToken(token: $t) { name } }"


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", "trusted-documents", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def digest(algorithm: str, text: str) -> str:
    return hashlib.new(algorithm, text.encode()).hexdigest()


def test_a_valid_manifest_passes(tmp_path: Path) -> None:
    path = tmp_path / "persisted-documents.json"
    path.write_text(
        json.dumps(
            {
                digest("sha256", GOOD): GOOD,
                digest("md5", TOKEN): TOKEN,  # Relay's default algorithm
                "sha1:" + digest("sha1", GOOD): GOOD,
                "a-readable-id": TOKEN,
            }
        )
    )
    result = check(path)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"{path}: 4 documents OK\n",
        "",
    )


def test_every_problem_is_listed(tmp_path: Path) -> None:
    deep = "rocketChatId"
    for _ in range(MAX_QUERY_DEPTH):
        deep = f"visitor {{ lastChat {{ {deep} }} }}"
    deep = f"{{ rooms {{ nodes {{ {deep} }} }} }}"
    wrong_hash = digest("sha256", "{ something else }")
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "ok": GOOD,
                "unknown-field": "{ nope }",
                "syntax": "{ rooms(",
                "deep": deep,
                wrong_hash: GOOD,
            }
        )
    )
    result = check(path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "unknown-field: Cannot query field 'nope' on type 'Query'. "
        "Did you mean 'node' or 'nodes'?",
        "syntax: Syntax Error: Expected Name, found <EOF>.",
        f"deep: The operation is {2 * MAX_QUERY_DEPTH + 2} fields deep, over the "
        f"maximum operation depth of {MAX_QUERY_DEPTH}.",
        f"{wrong_hash}: the id is not the sha256 of the document "
        f"({digest('sha256', GOOD)})",
        f"{path}: 4 of 5 documents fail",
    ]


def test_a_file_that_is_not_a_manifest(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text('["not", "a", "map"]')
    result = check(path)
    assert (result.returncode, result.stderr) == (
        1,
        f"rc-gateway trusted-documents: {path}: a manifest is a JSON object "
        "mapping ids to documents\n",
    )
