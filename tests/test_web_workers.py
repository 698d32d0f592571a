"""The server's worker processes: answers, deadlines, crashes, growth and retirement."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from certpath.web.workers import JobFailed, JobTimeout, WorkerPool


def job(payload: Any) -> Any:
    kind, value = payload
    if kind == "echo":
        return value
    if kind == "sleep":
        time.sleep(value)
        return os.getpid()
    if kind == "pid":
        return os.getpid()
    if kind == "raise":
        raise ValueError(value)
    if kind == "die":
        os._exit(3)
    raise AssertionError(kind)


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(job, size=2, max_size=4, grow_after=0.05, slow_after=0.3)
    workers.start()
    try:
        yield workers
    finally:
        workers.close()


def run(coroutine: Any) -> Any:
    """Run *coroutine*, then let a worker that replaces a killed one start."""

    async def main() -> Any:
        result = await coroutine
        await asyncio.sleep(0.3)
        return result

    return asyncio.run(main())


def test_answers_and_errors(pool: WorkerPool) -> None:
    assert run(pool.run(("echo", {"a": [1, 2]}), timeout=5)) == {"a": [1, 2]}
    with pytest.raises(JobFailed, match="ValueError: no good"):
        run(pool.run(("raise", "no good"), timeout=5))
    with pytest.raises(JobFailed, match="ended without an answer"):
        run(pool.run(("die", None), timeout=5))
    assert run(pool.run(("echo", 7), timeout=5)) == 7  # the pool goes on
    assert pool.workers == 2  # the dead worker was replaced


def test_a_job_past_its_deadline_is_killed(pool: WorkerPool) -> None:
    started = time.monotonic()
    with pytest.raises(JobTimeout, match="timed out after 0.5 s"):
        run(pool.run(("sleep", 30), timeout=0.5))
    assert time.monotonic() - started < 5
    assert run(pool.run(("echo", "next"), timeout=5)) == "next"
    assert pool.workers == 2  # killed and replaced


def test_quick_jobs_do_not_grow_the_pool_but_slow_ones_do() -> None:
    pool = WorkerPool(job, size=2, max_size=4, grow_after=0.4, slow_after=0.3)
    pool.start()
    try:
        _grow_only_for_slow_jobs(pool)
    finally:
        pool.close()


def _grow_only_for_slow_jobs(pool: WorkerPool) -> None:
    async def many_quick() -> list[Any]:
        return await asyncio.gather(*(pool.run(("echo", i), timeout=5) for i in range(200)))

    assert run(many_quick()) == list(range(200))
    assert pool.workers == 2

    async def quick_beside_slow() -> tuple[float, list[int]]:
        slow = [asyncio.ensure_future(pool.run(("sleep", 1.5), timeout=5)) for _ in range(3)]
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await pool.run(("echo", "quick"), timeout=5)
        waited = time.monotonic() - started
        return waited, list(await asyncio.gather(*slow))

    waited, pids = run(quick_beside_slow())
    assert waited < 1.0  # not behind the slow ones: they all end at 1.5 s
    assert len(set(pids)) == 3
    assert pool.workers == 2  # the slow ones' workers retired, the pool is back to its size


def test_slow_jobs_lose_priority_and_their_workers_retire(pool: WorkerPool) -> None:
    async def slow_then_pid() -> tuple[int, int]:
        pid = await pool.run(("sleep", 0.6), timeout=5)
        return pid, await pool.run(("pid", None), timeout=5)

    slow_pid, next_pid = run(slow_then_pid())
    assert slow_pid != next_pid
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(slow_pid, 0)
            time.sleep(0.02)


def test_the_workers_end_with_the_pool() -> None:
    workers = WorkerPool(job, size=2, max_size=2)
    workers.start()
    pids = {run(workers.run(("pid", None), timeout=5)) for _ in range(6)}
    workers.close()
    for pid in pids:
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        else:
            raise AssertionError(f"worker {pid} still alive")
