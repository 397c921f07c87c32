"""Hatch build hook: GraphiQL's vendored assets go into every sdist and wheel.

`gateway/graphiql/static/` is not in git; it is copied from the pinned npm
packages by `gateway/graphiql/vendor.mjs`. Building from a clone runs that
step (and `npm ci` first when node_modules is missing); building a wheel
from an sdist finds the assets already there.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

STATIC = Path("gateway/graphiql/static")


class GraphiQLAssetsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        if (root / STATIC / "manifest.json").is_file():
            return
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            raise RuntimeError(
                "building rc-gateway needs node and npm for GraphiQL's assets"
            )
        if not (root / "node_modules").is_dir():
            subprocess.run(
                [npm, "ci", "--omit=dev", "--loglevel=error"], cwd=root, check=True
            )
        subprocess.run([node, "gateway/graphiql/vendor.mjs"], cwd=root, check=True)
