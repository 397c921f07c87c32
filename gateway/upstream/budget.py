"""Budget and CallGate: how many REST calls a request may make, how fast, until when.

Every upstream call of a GraphQL request — lists, lookups, mutations — passes
through its `Budget`:

- a **count**: at most `max` calls (`GATEWAY_MAX_UPSTREAM_CALLS`); a call
  beyond it is never made and fails with COST_ACTUAL_TOO_EXPENSIVE;
- a **fan-out slot**: at most `fan_out` calls in flight (`GATEWAY_MAX_FAN_OUT`);
- a **fair share** of the process-wide pool (`CallGate`): while n requests
  have calls in flight or waiting, none holds more than `capacity / n` slots,
  and all of them together never more than `capacity`
  (`GATEWAY_MAX_CONNECTIONS`);
- a **deadline** (`GATEWAY_REQUEST_TIMEOUT`): a call that would start after it,
  or is still waiting for a slot when it passes, fails with UPSTREAM_TIMEOUT.

`estimated` is set by demand control before execution; `estimated` and `used`
are what a request reports (response `extensions.cost`, logs, metrics).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from gateway.errors import CostActualTooExpensiveError, UpstreamTimeoutError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


class CallGate:
    """The process-wide bound on upstream calls in flight, shared fairly."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.in_flight = 0
        # Budgets with calls in flight or waiting, and how many each has.
        self._busy: dict[int, int] = {}
        self._condition: asyncio.Condition | None = None

    @property
    def busy_requests(self) -> int:
        return len(self._busy)

    def share(self) -> int:
        """Slots one busy request may hold right now."""
        return max(1, self.capacity // max(1, len(self._busy)))

    def _cond(self) -> asyncio.Condition:
        if self._condition is None:
            self._condition = asyncio.Condition()
        return self._condition

    async def acquire(self, budget: Budget) -> None:
        key = id(budget)
        self._busy[key] = self._busy.get(key, 0) + 1
        cond = self._cond()
        try:
            async with cond:
                await cond.wait_for(
                    lambda: (
                        self.in_flight < self.capacity
                        and budget.in_flight < min(budget.fan_out, self.share())
                    )
                )
                self.in_flight += 1
                budget.in_flight += 1
        except BaseException:
            self._leave(key)
            raise

    async def release(self, budget: Budget) -> None:
        cond = self._cond()
        async with cond:
            self.in_flight -= 1
            budget.in_flight -= 1
            self._leave(id(budget))
            cond.notify_all()

    def _leave(self, key: int) -> None:
        left = self._busy.get(key, 1) - 1
        if left > 0:
            self._busy[key] = left
        else:
            self._busy.pop(key, None)


class Budget:
    """One GraphQL request's allowance of upstream calls (see the module doc)."""

    def __init__(
        self,
        *,
        max_calls: int,
        fan_out: int,
        timeout: float,
        gate: CallGate | None = None,
        report: bool = False,
    ) -> None:
        self.max = max_calls
        self.fan_out = fan_out
        self.timeout = timeout
        self.gate = gate or CallGate(fan_out)
        self.report = report
        self.estimated = 0
        self.used = 0
        self.refused = 0
        self.in_flight = 0
        self.deadline = time.monotonic() + timeout

    def remaining(self) -> float:
        """Seconds left before the request's deadline."""
        return self.deadline - time.monotonic()

    def spend(self) -> None:
        """Count one call about to be made; refuse it beyond `max`."""
        if self.used >= self.max:
            self.refused += 1
            raise CostActualTooExpensiveError(
                f"This request already made its {self.max} upstream calls; "
                "this field was not fetched.",
                cost={"used": self.used, "max": self.max},
            )
        self.used += 1

    def deadline_error(self) -> UpstreamTimeoutError:
        return UpstreamTimeoutError(
            f"The request ran out of time ({self.timeout:g} s) before this "
            "field's upstream call."
        )

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one fan-out slot (waiting for it until the deadline at most)."""
        if self.used >= self.max:
            self.spend()  # raises: no point waiting for a slot
        remaining = self.remaining()
        if remaining <= 0:
            raise self.deadline_error()
        try:
            async with asyncio.timeout(remaining):
                await self.gate.acquire(self)
        except TimeoutError:
            raise self.deadline_error() from None
        try:
            yield
        finally:
            await self.gate.release(self)

    def as_json(self) -> dict[str, int]:
        return {"estimated": self.estimated, "used": self.used, "max": self.max}
