"""Progress output for long runs: a live bar on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

PLAIN_EVERY = 5.0  # seconds between lines when not on a terminal (cron, CI)


def progress_printer(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A callback (done, total) that shows count, rate and time left; never any item's name."""
    out = stream or sys.stderr
    live = out.isatty()
    start = time.monotonic()
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        elapsed = max(now - start, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        text = f"{done}/{total}  {rate:.1f}/s  about {int(left) // 60}:{int(left) % 60:02d} left"
        if live:
            width = 30
            filled = int(width * done / total) if total else width
            print(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {text}",
                end="" if done < total else "\n",
                file=out,
                flush=True,
            )
        elif done == total or now - last[0] >= PLAIN_EVERY:
            last[0] = now
            print(f"progress: {text}", file=out, flush=True)

    return show
