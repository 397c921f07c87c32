"""SandboxOptions: data sizes, credentials and the knobs tests turn at runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .demo.users import DEMO_PASSWORD

if TYPE_CHECKING:
    from pathlib import Path

FAULT_KINDS = ("500", "drop")

# Knobs that may change while the sandbox runs (PATCH /_sandbox/options).
KNOBS = ("latency_ms", "jitter_ms", "fault_rate", "fault_kind", "rate_limit")


@dataclass
class SandboxOptions:
    """How a sandbox is built (db, fixture, demo sizes) and how it misbehaves."""

    db: str = ":memory:"
    fixture: str | Path | None = None
    seed: int = 1
    visitors: int = 100
    rooms: int = 300
    contacts: int = 100
    password: str = DEMO_PASSWORD
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fault_rate: float = 0.0
    fault_kind: str = "500"
    rate_limit: bool = False

    def knobs(self) -> dict[str, object]:
        """The runtime knobs as a JSON-ready dict."""
        return {name: getattr(self, name) for name in KNOBS}

    def update_knobs(self, changes: dict[str, object]) -> None:
        """Apply knob changes after checking every one; raise ValueError if bad."""
        checked: dict[str, object] = {}
        for name, value in changes.items():
            if name not in KNOBS:
                raise ValueError(
                    f"unknown option {name!r}; knobs are {', '.join(KNOBS)}"
                )
            checked[name] = _check_knob(name, value)
        for name, value in checked.items():
            setattr(self, name, value)


def _check_knob(name: str, value: object) -> object:
    if name == "rate_limit":
        if not isinstance(value, bool):
            raise ValueError("rate_limit must be a boolean")
        return value
    if name == "fault_kind":
        if value not in FAULT_KINDS:
            raise ValueError(f"fault_kind must be one of {', '.join(FAULT_KINDS)}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number")
    number = float(value)
    if number < 0 or number != number:
        raise ValueError(f"{name} must be zero or more")
    if name == "fault_rate" and number > 1:
        raise ValueError("fault_rate must be between 0 and 1")
    return number
