"""The render pool: worker processes that lay documents out, so one slow render never blocks the
page, with a bound on the work waiting. A full pool says so at once (503 and Retry-After)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .. import desk

RETRY_AFTER = 2  # seconds, for a full pool


class PoolFull(Exception):
    """Every worker is busy and the waiting line is full."""


class RenderPool:
    """``workers`` processes and room for ``queue`` requests waiting; each request is stopped
    after ``seconds`` in its worker (and the worker replaced if it does not stop)."""

    def __init__(self, workers: int, queue: int, seconds: float, root: str | None) -> None:
        self.workers = workers
        self.limit = workers + queue
        self.seconds = seconds
        self.root = root
        self.busy = 0
        self._executor = self._start()

    def _start(self) -> concurrent.futures.ProcessPoolExecutor:
        # spawn, not fork: the server's threads and event loop never reach a worker
        context = multiprocessing.get_context("spawn")
        return concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=desk.warm, initargs=(self.root,)
        )

    async def warm(self) -> None:
        """Start every worker before the first request (each reads the library once)."""
        loop = asyncio.get_running_loop()
        jobs = [loop.run_in_executor(self._executor, _ready) for _ in range(self.workers)]
        await asyncio.gather(*jobs)

    async def run(self, body: bytes | str, pictures: bool = False) -> desk.Outcome:
        if self.busy >= self.limit:
            raise PoolFull
        self.busy += 1
        try:
            future = self._executor.submit(desk.work, body, self.root, self.seconds, pictures)
            try:
                # the worker stops itself after `seconds`; this is the backstop for one that cannot
                return await asyncio.wait_for(asyncio.wrap_future(future), self.seconds + 10)
            except (asyncio.TimeoutError, BrokenProcessPool):
                self._restart()
                message = "the document could not be laid out in time; try again, or with fewer items"
                return (
                    "error",
                    503,
                    [{"file": desk.REQUEST, "line": None, "column": None, "field": "", "message": message}],
                )
        finally:
            self.busy -= 1

    def _restart(self) -> None:
        old = self._executor
        self._executor = self._start()
        processes: dict[Any, Any] = getattr(old, "_processes", None) or {}
        for process in list(processes.values()):
            process.terminate()
        old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _ready() -> bool:
    return True
