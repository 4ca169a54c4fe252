"""The stream memory budget on its own (``verifier.budget``): who may read, who
waits, who is refused."""

from __future__ import annotations

import asyncio

import pytest

from doichieu.errors import InvalidInputError
from doichieu.verifier.admission import StreamRefusedError
from doichieu.verifier.budget import StreamBudget


def test_a_newcomer_is_refused_at_once_when_the_budget_is_spent() -> None:
    async def scenario() -> None:
        budget = StreamBudget(total=10, per_stream=6)
        first, second, newcomer = budget.stream(), budget.stream(), budget.stream()
        await first.room_to_read(1.0)
        first.take(6)
        await second.room_to_read(1.0)
        second.take(5)
        assert budget.held == 11
        with pytest.raises(StreamRefusedError, match="memory budget"):
            await newcomer.room_to_read(60.0)
        # A running stream under its share waits for the server's room, then is refused.
        started = asyncio.get_running_loop().time()
        with pytest.raises(StreamRefusedError):
            await second.room_to_read(0.05)
        assert asyncio.get_running_loop().time() - started >= 0.05
        # One at its share waits for its own answers to go, however long that takes.
        waiting = asyncio.create_task(first.room_to_read(0.01))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        first.give(4)
        second.close()
        await asyncio.wait_for(waiting, 1.0)
        assert budget.held == 2
        first.close()
        assert budget.held == 0

    asyncio.run(scenario())


def test_a_stream_waiting_for_room_reads_when_another_gives_back() -> None:
    async def scenario() -> None:
        budget = StreamBudget(total=8, per_stream=8)
        holder, waiter = budget.stream(), budget.stream()
        await waiter.room_to_read(1.0)  # its first read, before the budget was spent
        await holder.room_to_read(1.0)
        holder.take(8)
        pending = asyncio.create_task(waiter.room_to_read(5.0))
        await asyncio.sleep(0.02)
        assert not pending.done()
        holder.close()
        await asyncio.wait_for(pending, 1.0)

    asyncio.run(scenario())


@pytest.mark.parametrize(("total", "per_stream"), [(4, 8), (8, 0)])
def test_a_budget_smaller_than_its_share_is_refused(total: int, per_stream: int) -> None:
    with pytest.raises(InvalidInputError, match="--stream-memory-budget"):
        StreamBudget(total, per_stream)
