"""Garbage-collector settings for a long-running worker process."""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

# Young collections as usual (every 700 net allocations; they are cheap), but a full one only after 100
# middle ones instead of 10: every open tab keeps a tree of state objects in memory, and a full pass over
# 200 tabs' trees stops the worker for 50-130 ms.
THRESHOLDS = (700, 10, 100)


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
