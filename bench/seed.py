"""Time to generate the sandbox's demo data, at several sizes.

Run by hand: `.venv/bin/python bench/seed.py [--rooms 300 10000 100000]`.
Each size is built in a fresh in-memory database; the smallest size is the
baseline the others are compared with (per room generated).
"""

from __future__ import annotations

import argparse
import time

from gateway.sandbox import SandboxOptions, create_sandbox_app


def build(rooms: int) -> float:
    """Seconds to build a demo sandbox of `rooms` rooms."""
    started = time.perf_counter()
    app = create_sandbox_app(SandboxOptions(rooms=rooms))
    elapsed = time.perf_counter() - started
    store = app.state.sandbox.store
    assert store.count("rocketchat_room", "t = 'l'") == rooms
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, nargs="+", default=[300, 10_000, 100_000])
    args = parser.parse_args()
    sizes = sorted(args.rooms)
    rows = [(size, build(size)) for size in sizes]
    base_rate = rows[0][1] / rows[0][0]
    print(f"{'rooms':>8} {'seconds':>9} {'ms per 1k rooms':>16} {'vs smallest':>12}")
    for size, seconds in rows:
        rate = seconds / size
        print(
            f"{size:>8} {seconds:>9.2f} {rate * 1e6:>16.1f} {rate / base_rate:>11.2f}x"
        )


if __name__ == "__main__":
    main()
