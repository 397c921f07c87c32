"""What one HTTP request did, gathered while it runs, for its access line and metrics.

The record travels in a context variable: the access middleware sets it, the
context builder, the schema extension and the upstream hook fill it in. The
asyncio tasks a request starts (DataLoader batches) inherit the same record.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol


class CallBudget(Protocol):
    """Demand control's per-request count, when the request has one."""

    @property
    def used(self) -> int: ...

    @property
    def estimated(self) -> int | None: ...


@dataclass(slots=True)
class RequestRecord:
    """One request's facts; none of them is a secret (no tokens, no values)."""

    request_id: str | None = None
    user_id: str | None = None
    graphql: bool = False
    operation_name: str | None = None
    operation_type: str | None = None
    has_data: bool = False
    upstream_calls: int = 0
    error_codes: list[str] = field(default_factory=list)
    estimated_calls: int | None = None
    # Set by the context builder when demand control counts the calls: its
    # numbers then replace `upstream_calls` / `estimated_calls`.
    budget: CallBudget | None = None

    def calls(self) -> tuple[int, int | None]:
        """(REST calls made, calls estimated before execution or None)."""
        if self.budget is not None:
            return self.budget.used, self.budget.estimated
        return self.upstream_calls, self.estimated_calls

    @property
    def outcome(self) -> str:
        """`success`, `partial` (data and errors) or `error` (no data)."""
        if not self.error_codes:
            return "success"
        return "partial" if self.has_data else "error"


CURRENT: ContextVar[RequestRecord | None] = ContextVar("gateway_request", default=None)


def current() -> RequestRecord | None:
    return CURRENT.get()
