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
import collections
import contextlib
import time
from typing import TYPE_CHECKING

from gateway.errors import CostActualTooExpensiveError, UpstreamTimeoutError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


class CallGate:
    """The process-wide bound on upstream calls in flight, shared fairly.

    Bookkeeping is plain code on the event loop's thread: a call that may go
    takes its slot at once, without awaiting; one that may not waits in line,
    and each freed slot is handed to the first in line whose request is
    below its share, which is woken alone.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.in_flight = 0
        # Budgets with calls in flight or waiting, and how many each has.
        self._busy: dict[int, int] = {}
        # Calls waiting for a slot, first come first served.
        self._line: collections.deque[tuple[Budget, asyncio.Future[None]]] = (
            collections.deque()
        )

    @property
    def busy_requests(self) -> int:
        return len(self._busy)

    def share(self) -> int:
        """Slots one busy request may hold right now."""
        return max(1, self.capacity // max(1, len(self._busy)))

    def _may_go(self, budget: Budget) -> bool:
        return self.in_flight < self.capacity and budget.in_flight < min(
            budget.fan_out, self.share()
        )

    def try_acquire(self, budget: Budget) -> bool:
        """Take a slot for `budget` now if it may have one; else take nothing."""
        self._join(budget)
        if self._may_go(budget):
            self._take(budget)
            return True
        self._leave(id(budget))
        return False

    async def acquire(self, budget: Budget) -> None:
        self._join(budget)
        if self._may_go(budget):
            self._take(budget)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (budget, waiter)
        self._line.append(entry)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                # Handed a slot just as it gave up: give the slot back.
                self._give_back(budget)
            else:
                with contextlib.suppress(ValueError):
                    self._line.remove(entry)
            self._leave(id(budget))
            self._hand_on()
            raise

    def release(self, budget: Budget) -> None:
        self._give_back(budget)
        self._leave(id(budget))
        self._hand_on()

    def _hand_on(self) -> None:
        """Give free slots to the first waiting calls that may go now."""
        if not self._line or self.in_flight >= self.capacity:
            return
        for entry in list(self._line):
            if self.in_flight >= self.capacity:
                break
            budget, waiter = entry
            if waiter.done():  # cancelled: it takes itself out
                continue
            if self._may_go(budget):
                self._line.remove(entry)
                self._take(budget)
                waiter.set_result(None)

    def _join(self, budget: Budget) -> None:
        key = id(budget)
        self._busy[key] = self._busy.get(key, 0) + 1

    def _take(self, budget: Budget) -> None:
        self.in_flight += 1
        budget.in_flight += 1

    def _give_back(self, budget: Budget) -> None:
        self.in_flight -= 1
        budget.in_flight -= 1

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

    async def take_slot(self) -> None:
        """Take one fan-out slot, waiting for it until the deadline at most.

        Every slot taken is given back with `free_slot`.
        """
        if self.used >= self.max:
            self.spend()  # raises: no point waiting for a slot
        remaining = self.remaining()
        if remaining <= 0:
            raise self.deadline_error()
        if self.gate.try_acquire(self):
            return
        try:
            async with asyncio.timeout(remaining):
                await self.gate.acquire(self)
        except TimeoutError:
            raise self.deadline_error() from None

    def free_slot(self) -> None:
        self.gate.release(self)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one fan-out slot for the block (`take_slot`, then `free_slot`)."""
        await self.take_slot()
        try:
            yield
        finally:
            self.free_slot()

    def as_json(self) -> dict[str, int]:
        return {"estimated": self.estimated, "used": self.used, "max": self.max}
