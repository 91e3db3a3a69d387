"""benchmarks/load.py's own measurements: what they read must mean what the table says."""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
import sys
import time
from collections import Counter

from benchmarks.load import (
    VISIT_STEPS,
    Citizen,
    FloorCitizen,
    Samples,
    host_budget,
    host_cpu_by_kind,
    loop_times,
    offered_load,
    process_kind,
    process_table,
)


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


def test_the_process_table_holds_this_process_and_its_cpu_grows_while_it_computes() -> None:
    before = process_table()
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    after = process_table()
    parent, command, cpu, start = after[os.getpid()]
    assert parent == os.getppid() and command
    assert cpu - before[os.getpid()][2] >= 0.15
    assert start == before[os.getpid()][3] > 0 and after[os.getppid()][3] <= start  # the parent started first


def test_processes_are_told_apart_by_pid_command_line_and_ancestry() -> None:
    granian = "python -m granian --interface asgi --workers 1 --port {} --log-level warning citizen_app.citizen_app:app"
    spawned = "python -c from multiprocessing.spawn import spawn_main"
    table = {1: (0, "/sbin/init", 0.0, 1),
             10: (1, "/usr/lib/postgresql/16/bin/postgres -D /tmp/cds-pg-redis/pg", 1.0, 5),
             11: (10, "postgres: citizen citizen 127.0.0.1(40312) idle", 2.0, 6),
             12: (1, "/usr/bin/redis-server 127.0.0.1:56379", 0.5, 5),
             20: (1, granian.format(4100), 1.0, 7), 21: (20, spawned, 3.0, 8),
             30: (1, granian.format(4200), 1.0, 9), 31: (30, spawned, 2.0, 10),
             40: (1, "python benchmarks/load.py", 4.0, 3), 50: (1, "chromium --headless", 5.0, 2)}
    kinds = {pid: process_kind(pid, table, workers={21}, generator=40, bank_port="4200") for pid in table}
    assert kinds == {1: "other", 10: "PostgreSQL", 11: "PostgreSQL", 12: "Redis", 20: "other", 21: "app workers",
                     30: "bank", 31: "bank", 40: "load generator", 50: "other"}


def test_host_cpu_counts_what_each_kind_spent_between_two_tables() -> None:
    before = {11: (1, "postgres: citizen idle", 2.0, 6), 21: (1, "worker", 3.0, 8), 40: (1, "load.py", 4.0, 3),
              60: (1, "a program that ended", 1.0, 4), 70: (1, "old program", 9.0, 2)}
    after = {11: (1, "postgres: citizen SELECT", 2.5, 6),  # a backend's title changes as it works: the same process
             21: (1, "worker", 5.0, 8), 40: (1, "load.py", 4.25, 3),
             13: (1, "postgres: citizen idle", 0.5, 90),  # a backend started meanwhile: all of its time
             70: (1, "new program, same pid", 0.75, 95)}  # the pid came back to another process: counted from zero
    spent = host_cpu_by_kind(before, after, workers={21}, generator=40, bank_port="")
    assert spent == {"PostgreSQL": 1.0, "app workers": 2.0, "load generator": 0.25, "other": 0.75}


def test_the_host_budget_says_what_the_offered_load_would_need() -> None:
    samples = Samples(ws=[0.01] * 600, http=[0.01] * 400, host_busy_cores=1.7,
                      host_cpu={"app workers": 5.0, "PostgreSQL": 0.75, "load generator": 0.5, "other": 0.25})
    line = host_budget("2 workers, PostgreSQL + Redis", 1000, samples, offered=520.0)
    assert line.startswith(f"- 2 workers, PostgreSQL + Redis, 1000 clients: 1.70 of {os.cpu_count()} cores busy")
    assert "app workers 5.00, bank 0.00, PostgreSQL 0.75, Redis 0.00, load generator 0.50, other 0.25" in line
    assert line.endswith("(all 6.50; at the 520 events/s offered: 3.4 cores)")
    assert "offered" not in host_budget("smoke", 3, samples, offered=float("nan"))
