"""prometheus-client's multiprocess mode for `serve --workers N`.

Each worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR and any
worker answering /metrics sums them, so a scrape sees the whole server.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@contextlib.contextmanager
def metrics_directory() -> Iterator[Path]:
    """A fresh sample directory, exported to the workers; removed at exit.

    A directory the operator set is used instead and emptied of old samples
    (prometheus-client requires a clean one per run), but not removed.
    """
    given = os.environ.get(MULTIPROC_VARIABLE)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="rc-gateway-metrics-"))
    os.environ[MULTIPROC_VARIABLE] = str(path)
    try:
        yield path
    finally:
        os.environ.pop(MULTIPROC_VARIABLE, None)
        shutil.rmtree(path, ignore_errors=True)


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_VARIABLE))


def mark_process_dead() -> None:
    """Drop this worker's live gauges (requests in flight) when it stops."""
    if multiprocess_mode():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
