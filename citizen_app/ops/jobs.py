"""Background jobs of the ops package. In production there are none.

``CDS_OPS_SELFTEST_JOB=<file>`` adds ``ops.selftest``: every run appends "start <pid> <t>" and
"end <pid> <t>" lines to the file around a one-second pause, so the scale-out test can prove that the
job runs once at a time across workers (no overlapping runs, no two runs inside one interval).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from citizen_app.core.jobs import Job

SELFTEST_EVERY_SECONDS = 2


def _append(path: Path, what: str) -> None:
    with path.open("a") as handle:
        handle.write(f"{what} {os.getpid()} {time.time():.3f}\n")


def _selftest_jobs() -> list[Job]:
    target = os.environ.get("CDS_OPS_SELFTEST_JOB")
    if not target:
        return []
    path = Path(target)

    async def run() -> int:
        _append(path, "start")
        await asyncio.sleep(1.0)
        _append(path, "end")
        return 0

    return [Job("ops.selftest", SELFTEST_EVERY_SECONDS, run, lease_seconds=30)]


JOBS = _selftest_jobs()
