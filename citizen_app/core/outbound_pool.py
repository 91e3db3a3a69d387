"""Work that waits on another party's server (another issuer, an unknown verifier: up to its timeout) runs in its own
small thread pool, never in the pool the app's own blocking work shares (``asyncio.to_thread``: a handful of threads
on a small machine). Slow or hostile servers named by citizens' requests then delay only other such calls, never
a login, a payment or a page's database work. No Reflex import."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
MAX_CALLS = 8  # at once per worker process; further calls wait for a free thread
_POOL = ThreadPoolExecutor(max_workers=MAX_CALLS, thread_name_prefix="cds-outbound")


async def run_outbound(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the outbound pool, with the caller's context variables."""
    call = functools.partial(contextvars.copy_context().run, fn, *args)
    return await asyncio.get_running_loop().run_in_executor(_POOL, call)
