"""benchmarks/load.py's own measurements: what they read must mean what the table says."""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
import sys
import time
from collections import Counter

from benchmarks.load import VISIT_STEPS, Citizen, FloorCitizen, Samples, loop_times, offered_load


def test_loop_times_count_a_busy_main_thread_as_on_a_core() -> None:
    on_cpu, waiting = loop_times([os.getpid()])
    deadline = time.perf_counter() + 0.3
    while time.perf_counter() < deadline:  # this test's main thread computes, like a busy event loop
        pass
    on_cpu_after, waiting_after = loop_times([os.getpid()])
    assert on_cpu_after - on_cpu + waiting_after - waiting >= 0.25  # runnable all along: on a core or queued for one
    assert on_cpu_after - on_cpu > 0.05


def test_loop_times_count_a_sleeping_process_as_neither() -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.5)  # past its start-up
        before = loop_times([sleeper.pid])
        time.sleep(0.5)
        after = loop_times([sleeper.pid])
    finally:
        sleeper.kill()
        sleeper.wait()
    assert sum(after) - sum(before) < 0.05  # idle time is neither on a core nor waiting for one


def test_loop_times_of_a_process_elsewhere_is_unknown() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert all(math.isnan(x) for x in loop_times([gone.pid]))


def test_offered_load_is_a_visits_events_every_five_pauses() -> None:
    samples = Samples(ws=[0.01] * 8 * 500, http=[0.01] * 6 * 500)  # a visit: 8 websocket and 6 HTTP actions
    assert offered_load(500, 1, samples, think=5.0) == 280.0  # not the ~150/s a saturated run serves
    assert offered_load(250, 2, Samples(ws=[0.01] * 8 * 500, http=[0.01] * 6 * 500), think=5.0) == 140.0
    assert math.isnan(offered_load(500, 1, samples, think=0))


def test_a_visit_has_as_many_pauses_as_the_offered_load_counts() -> None:
    citizen = Citizen("http://127.0.0.1:1", "http://127.0.0.1:1", None, "cds_sid=x", ["1"], Samples())  # type: ignore[arg-type]
    assert len(citizen.steps(0)) == VISIT_STEPS


class _RecordingFloor(FloorCitizen):
    """The floor visit with its no-op actions recorded instead of sent."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:1", "http://127.0.0.1:2", None, "cds_sid=x", ["1"], Samples())  # type: ignore[arg-type]
        self.sent: Counter[tuple[str, str, str]] = Counter()

    async def _noop_ws(self, action: str) -> None:
        self.sent["ws", action, self.base] += 1

    async def _noop_http(self, action: str, base: str | None = None) -> None:
        self.sent["http", action, base or self.base] += 1


def test_the_floor_visit_sends_a_no_op_for_each_action_of_the_real_visit() -> None:
    """Same kinds and counts as the visit the module's docstring lists (the bank's page at the bank), so its CPU per
    action compares with the real mix's."""
    citizen = _RecordingFloor()

    async def no_pause() -> None:
        return None

    asyncio.run(citizen.visit(0, no_pause))
    app, bank = "http://127.0.0.1:1", "http://127.0.0.1:2"
    assert citizen.sent == Counter({
        ("ws", "board", app): 1, ("http", "board", app): 1, ("ws", "report", app): 1, ("http", "report", app): 1,
        ("ws", "metro", app): 1, ("ws", "buy", app): 2, ("http", "gateway", bank): 1, ("http", "return", app): 1,
        ("ws", "ticket", app): 1, ("http", "ticket", app): 1, ("ws", "dossier", app): 1, ("http", "dossier", app): 1})
    assert citizen.samples.tickets == 1 and len(citizen.steps(0)) == VISIT_STEPS
