"""Garbage-collector settings for a long-running worker process."""

from __future__ import annotations

import gc
import logging
import os
import time

log = logging.getLogger(__name__)

# Young collections as usual (every 700 net allocations; they are cheap), but a full one only after 1,000
# middle ones instead of 10: every open tab keeps a tree of state objects in memory, and a full pass over
# a few hundred tabs' trees stops the worker for 50-130 ms.
THRESHOLDS = (700, 10, 1000)


async def freeze_startup_heap() -> None:
    """Lifespan task: move everything built at start-up (the compiled pages and state classes, ORM metadata,
    catalogues) out of the collector's reach.

    Those objects live as long as the worker, yet every full collection walked them all again: under load
    that was a 150-480 ms stop of the event loop every few seconds, on its own past the p95 budget.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    log.info("gc: %d start-up objects frozen, thresholds %s", gc.get_freeze_count(), THRESHOLDS)
    if limit_ms := float(os.environ.get("CDS_GC_LOG_MS", "0") or 0):
        gc.callbacks.append(_pause_logger(limit_ms))


def _pause_logger(limit_ms: float):  # a gc callback
    """Log collections longer than ``limit_ms`` (operators tuning THRESHOLDS set ``CDS_GC_LOG_MS``)."""
    started = [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        pause_ms = (time.perf_counter() - started[0]) * 1000
        if pause_ms >= limit_ms:
            log.warning("gc: generation %s took %.0f ms (%s collected, %s objects in the oldest generation)",
                        info["generation"], pause_ms, info["collected"], len(gc.get_objects(2)))

    return callback
