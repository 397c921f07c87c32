"""CallGate: slots taken at once when free, handed on in order, never lost."""

from __future__ import annotations

import asyncio

import pytest

from gateway.upstream.budget import Budget, CallGate


def budget(gate: CallGate, fan_out: int = 10) -> Budget:
    return Budget(max_calls=100, fan_out=fan_out, timeout=5, gate=gate)


@pytest.mark.anyio
async def test_a_free_slot_is_taken_without_waiting() -> None:
    gate = CallGate(capacity=2)
    mine = budget(gate)
    assert gate.try_acquire(mine)
    assert gate.try_acquire(mine)
    assert not gate.try_acquire(mine)  # full: nothing taken, nothing counted
    assert (gate.in_flight, mine.in_flight, gate.busy_requests) == (2, 2, 1)
    gate.release(mine)
    gate.release(mine)
    assert (gate.in_flight, mine.in_flight, gate.busy_requests) == (0, 0, 0)


@pytest.mark.anyio
async def test_waiting_calls_get_freed_slots_first_come_first_served() -> None:
    gate = CallGate(capacity=1)
    mine = budget(gate)
    await gate.acquire(mine)
    order: list[int] = []

    async def call(number: int) -> None:
        await gate.acquire(mine)
        order.append(number)
        await asyncio.sleep(0)
        gate.release(mine)

    waiting = [asyncio.ensure_future(call(n)) for n in range(5)]
    await asyncio.sleep(0)
    gate.release(mine)
    await asyncio.gather(*waiting)
    assert order == [0, 1, 2, 3, 4]
    assert (gate.in_flight, gate.busy_requests) == (0, 0)


@pytest.mark.anyio
async def test_a_call_that_gives_up_waiting_loses_no_slot() -> None:
    gate = CallGate(capacity=1)
    holder, other = budget(gate), budget(gate)
    await gate.acquire(holder)
    gave_up = asyncio.ensure_future(gate.acquire(other))
    await asyncio.sleep(0)
    gave_up.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gave_up
    gate.release(holder)
    assert (gate.in_flight, gate.busy_requests) == (0, 0)
    await asyncio.wait_for(gate.acquire(other), 1)  # the slot is still there
    gate.release(other)


@pytest.mark.anyio
async def test_a_slot_handed_to_a_call_as_it_gives_up_is_passed_on() -> None:
    gate = CallGate(capacity=1)
    holder, first, second = budget(gate), budget(gate), budget(gate)
    await gate.acquire(holder)
    leaving = asyncio.ensure_future(gate.acquire(first))
    staying = asyncio.ensure_future(gate.acquire(second))
    await asyncio.sleep(0)
    gate.release(holder)  # hands the slot to `first`...
    leaving.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await leaving
    await asyncio.wait_for(staying, 1)
    assert (gate.in_flight, first.in_flight, second.in_flight) == (1, 0, 1)
    gate.release(second)
    assert (gate.in_flight, gate.busy_requests) == (0, 0)
