"""package-lock.json pins every npm package without recording where it came from."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_lockfile_pins_packages_without_download_addresses() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    packages = {
        path: entry
        for path, entry in lock["packages"].items()
        if path.startswith("node_modules/")
    }
    assert [path for path, entry in packages.items() if "resolved" in entry] == []
    assert [path for path, entry in packages.items() if "integrity" not in entry] == []
    assert (ROOT / ".npmrc").read_text().count(
        "omit-lockfile-registry-resolved=true"
    ) == 1


def test_graphiql_packages_are_pinned_exactly() -> None:
    manifest = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = {
        name: lock["packages"][f"node_modules/{name}"]["version"]
        for name in manifest["dependencies"]
    }
    assert pinned == manifest["dependencies"]
