"""Background jobs declared by pillars: ``citizen_app/<pkg>/jobs.py`` exposes ``JOBS: list[Job]``.

Each job runs in its own transactions (``session_scope()``) and must be idempotent: it may run in
several workers; the runner takes a database lease so one run happens at a time across workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[], object]
