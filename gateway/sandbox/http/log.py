"""The request log: one LoggedRequest per /api/v1 call, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class LoggedRequest:
    """What arrived (path still percent-encoded) and how it was answered.

    `status` is 0 when the connection was dropped on purpose (fault knob).
    `started`/`finished` are `time.monotonic()` readings.
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    auth_token: str | None
    user_id: str | None
    forwarded_for: str | None
    request_id: str | None
    started: float
    finished: float
    status: int

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["query"] = [list(pair) for pair in self.query]
        return data
