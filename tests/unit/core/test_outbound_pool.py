"""Calls that wait on other parties' servers have their own threads: while they hang, the app's own blocking work
(``asyncio.to_thread``) still runs at once."""

from __future__ import annotations

import asyncio
import contextvars
import threading

from citizen_app.core import outbound_pool

WHO = contextvars.ContextVar("who", default="nobody")


async def test_hanging_outbound_calls_leave_the_apps_threads_free() -> None:
    release = threading.Event()
    hanging = [asyncio.create_task(outbound_pool.run_outbound(release.wait, 10))
               for _ in range(outbound_pool.MAX_CALLS + 4)]
    try:
        await asyncio.sleep(0.2)
        own_work = await asyncio.wait_for(asyncio.to_thread(threading.current_thread), timeout=2)
        assert not own_work.name.startswith("cds-outbound")
    finally:
        release.set()
        await asyncio.gather(*hanging)


async def test_the_callers_context_goes_along() -> None:
    WHO.set("mai")
    assert await outbound_pool.run_outbound(WHO.get) == "mai"
    assert (await outbound_pool.run_outbound(threading.current_thread)).name.startswith("cds-outbound")
