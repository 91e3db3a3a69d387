"""Event-loop stall log for operators: what the worker was doing while it answered nobody.

One worker serves every tab over one event loop, so a single slow step (a long query, a big page
serialisation, a collector pause) delays every user of that worker. With ``CDS_STALL_LOG_MS`` set, a
watchdog thread samples the loop thread's stack whenever the loop has not ticked for that long and logs,
when the loop is back, how long the stall lasted and the distinct stacks it saw (innermost frames last).
Off by default: sampling costs a little CPU.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
import traceback
from collections import Counter

log = logging.getLogger(__name__)

TICK_SECONDS = 0.005
STACK_DEPTH = 14


def stall_limit_ms() -> float:
    return float(os.environ.get("CDS_STALL_LOG_MS", "0") or 0)


class StallWatch:
    """A heartbeat on the loop plus a thread that samples the loop thread while the heartbeat is late."""

    def __init__(self, limit_ms: float) -> None:
        self.limit = limit_ms / 1000
        self.last_tick = time.perf_counter()
        self.loop_thread = threading.get_ident()
        self.stopped = threading.Event()

    async def heartbeat(self) -> None:
        while not self.stopped.is_set():
            self.last_tick = time.perf_counter()
            await asyncio.sleep(TICK_SECONDS)

    def watch(self) -> None:
        samples: Counter[tuple[str, ...]] = Counter()
        stall_started = 0.0
        while not self.stopped.wait(TICK_SECONDS):
            late = time.perf_counter() - self.last_tick
            if late >= self.limit:
                stall_started = stall_started or self.last_tick
                samples[self._stack()] += 1
            elif samples:
                self._report(time.perf_counter() - stall_started, samples)
                samples, stall_started = Counter(), 0.0

    def _stack(self) -> tuple[str, ...]:
        frame = sys._current_frames().get(self.loop_thread)
        if frame is None:
            return ()
        summary = traceback.extract_stack(frame)[-STACK_DEPTH:]
        return tuple(f"{entry.filename.rsplit('site-packages/', 1)[-1]}:{entry.lineno} {entry.name}"
                     for entry in summary)

    @staticmethod
    def _report(seconds: float, samples: Counter[tuple[str, ...]]) -> None:
        lines = [f"loop stalled ~{seconds * 1000:.0f} ms; {sum(samples.values())} samples:"]
        for stack, count in samples.most_common(3):
            lines.append(f"  x{count}")
            lines.extend(f"    {frame}" for frame in stack)
        log.warning("\n".join(lines))


async def watch_stalls() -> None:
    """Lifespan task: run the stall log when ``CDS_STALL_LOG_MS`` is set."""
    limit_ms = stall_limit_ms()
    if not limit_ms:
        return
    watch = StallWatch(limit_ms)
    threading.Thread(target=watch.watch, name="stall-watch", daemon=True).start()
    try:
        await watch.heartbeat()
    finally:
        watch.stopped.set()
