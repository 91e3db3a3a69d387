"""Load benchmark: many simulated citizens over the real websocket (/_event) and the HTTP routes.

Every simulated citizen is logged in (its own account and session cookie), opens a tab (Socket.IO
websocket, the page-load ``hydrate_and_load`` event) and then repeats a visit, pausing ``--think`` seconds
(mean, default 5; uniform between half and 1.5 times) between actions like a person reading the screen:

  board     ws    navigate to /feedback (the board's on_load query)        + http  Open311 list
  report    ws    navigate to /feedback/<id>                               + http  Open311 report
  metro     ws    navigate to /metro (fares, products, wallet claims)
  buy       ws    "buy a single ticket" -> the ticket script's callback with the phone's key -> payment URL
  gateway   http  the bank's page approves (the sandbox gateway: same code, but its own process, as the bank
                  is not the app's machine; its notification comes back to the app over HTTP half a second
                  later, as a real gateway's does)
  return    http  the browser comes back from the bank -> the tickets page
  ticket    ws    navigate to /metro/tickets?order=... (payment result)   + http  the signed ticket list
  dossier   ws    navigate to /procedures/mine                            + http  public dossier lookup

Each citizen starts its visit at a random one of these steps (and pauses before the first), so the mix of
actions at any moment is the steady mix, not 200 people paying in the same second.

A navigation is what the compiled router sends on a link tap: ``on_load_internal`` (the app keeps no
``rx.LocalStorage`` vars, so no client-storage event goes before it); the full ``hydrate_and_load`` is sent
once, when the tab connects (page load). Latency of a websocket action = send -> the update that completes it
(page hydrated, script received).

Configurations (each started here with Granian, exactly like production, on a fresh database):
  sqlite1  1 worker, SQLite, no Redis (in-memory state manager)
  pg       N workers (--workers, default 2), PostgreSQL + Redis (needs DATABASE_URL / REDIS_URL:
           eval "$(scripts/pg_redis.sh start)")

    .venv/bin/python benchmarks/load.py                       # both configs, 50/200/500 clients, 5 s think
    .venv/bin/python benchmarks/load.py --config pg --clients 200 --iterations 3
    .venv/bin/python benchmarks/load.py --think 0              # back-to-back: a capacity (stress) test
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:3000   # a running app (same DATABASE_URL)
    .venv/bin/python benchmarks/load.py --config sqlite1 --clients 200 --iterations 2 --breakdown --timeline
    .venv/bin/python benchmarks/load.py --smoke --url http://127.0.0.1:3000   # 3 clients, 1 visit, no think (the suite)
    .venv/bin/python benchmarks/load.py --config sqlite1 --clients 500 --iterations 1 --floor   # the stack's floor

Clients run in this process, on the same machine as the server: on a 2-core box they take a good share of
the CPU, so figures are a lower bound of what the server alone can do.

--floor runs the same visits with every action replaced by a no-op of its kind (the probe's mark event, the
liveness route): its "server CPU ms/event" is what Granian, the HTTP and websocket stack and Reflex's event
processing cost per action with the app doing nothing, the floor under every cut in the app's own code.

"server CPU ms/event" is the CPU time (user + system, from /proc) the app's workers spent during the run divided
by the actions measured (websocket and HTTP; the gateway step runs in the bank's process, which is not counted,
but the notification the bank sends to the app is). It depends far less than the latency on what else the
machine runs (about ±10 % between runs on a busy machine), so compare code by it. "load generator CPU ms/event"
is this process's own share. "worker loop on a core / waiting for one" splits the run's wall time of each
worker's event loop (its main thread, Linux schedstat): running, and runnable but waiting for a core the
machine's other programs hold; the rest it slept (idle, or blocked on I/O or a lock). A loop near 100 % in
the two together is saturated, and the second part is the machine's, not the code's; "load generator waiting
for a core" is the same for this process, whose lateness counts in every latency. With --url, the workers are
found through /api/ops/worker (CDS_OPS_DEBUG=1) and measured when they run on this machine.

After the table, "the whole machine during each run" gives every process's CPU per action by kind (the app's
workers, the bank, PostgreSQL, Redis, this load generator, the rest), the cores the machine kept busy, and the
cores the mix would need at the load the citizens offer: when that is more than the machine has, no change to the
app's code alone can bring the latency down on it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import parse_qsl, urlsplit

import aiohttp
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import free_port, node_dir, stop_group  # noqa: E402
from citizen_app.core.encoding import b64url_encode  # noqa: E402
from citizen_app.ops.probe import MARK, ReflexClient, Update, handler, has_mark, substate_key  # noqa: E402

METRO_STATE = "citizen_app.metro.state.MetroState"
BUY_SINGLE = handler(METRO_STATE, "buy_single")
PURCHASE = handler(METRO_STATE, "purchase")
METRO_KEY = substate_key(METRO_STATE)
TICKETS_STATE = "citizen_app.metro.state.MetroTicketsState"
CONNECT_CONCURRENCY = 50
SEED_REPORTS = 30
WARMUP_CLIENTS = 20
SMOKE_CLIENTS = 3
LOOKUP_NUMBER = "000.00.00.H29-260101-{:06d}"  # citizens look up their own dossiers: a different number each
LIVENESS = "/api/health/live"
REPLACE_URL = re.compile(r"window\.location\.replace\((\"[^\"]*\")\)")


@dataclass
class Samples:
    ws: list[float] = field(default_factory=list)
    http: list[float] = field(default_factory=list)
    page_load: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    client_lag: list[float] = field(default_factory=list)
    ws_times: list[tuple[float, float]] = field(default_factory=list)  # (when it finished, seconds it took)
    errors: int = 0
    tickets: int = 0
    server_cpu: float = float("nan")  # seconds of CPU the app's workers spent during the run (local workers only)
    client_cpu: float = 0.0  # seconds of CPU this process (the simulated browsers) spent during the run
    # Shares of the run's wall time the workers' event loops (their main threads) ran on a core and waited, ready
    # to run, for one; the rest they slept (idle, or blocked on I/O or a lock). The generator's loop likewise.
    loop_on_cpu: float = float("nan")
    loop_waiting: float = float("nan")
    client_waiting: float = float("nan")
    # Seconds of CPU every kind of process on this machine spent during the run (host_cpu_by_kind), and the cores
    # the whole machine kept busy on average.
    host_cpu: dict[str, float] = field(default_factory=dict)
    host_busy_cores: float = float("nan")

    def add(self, action: str, seconds: float, kind: str) -> None:
        (self.ws if kind == "ws" else self.http).append(seconds)
        if kind == "ws":
            self.ws_times.append((time.perf_counter(), seconds))
        self.by_action[f"{kind} {action}"].append(seconds)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class ActionFailed(Exception):
    """A step did not give what a browser would have got (counted as an error, the user stops)."""


# --- the simulated citizen ----------------------------------------------------------------------

def device_key() -> str:
    """What the phone's WebCrypto ticket key exports: a base64url compressed P-256 public key."""
    raw = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(Encoding.X962,
                                                                            PublicFormat.CompressedPoint)
    return b64url_encode(raw)


def _scripts(updates: list[Update]) -> list[str]:
    return [str(e.get("payload", {}).get("javascript_code", "")) for u in updates for e in u.events
            if e.get("name") == "_call_script"]


def _has_script(fragment: str):  # an Update predicate
    return lambda update: any(fragment in code for code in _scripts([update]))


def _payment_page_or_error(update: Update) -> bool:
    failed = bool(update.delta.get(METRO_KEY, {}).get("error_rx_state_"))  # the metro page shows an error
    return failed or _has_script("window.location.replace")(update)


class Citizen:
    def __init__(self, base: str, bank: str, session: aiohttp.ClientSession, cookie: str, report_ids: list[str],
                 samples: Samples) -> None:
        self.base, self.bank, self.session, self.samples = base, bank, session, samples
        self.cookie = cookie
        self.reports = report_ids or ["1"]
        self.client = ReflexClient(base, session, cookie=cookie)
        self.key = device_key()

    async def ws(self, action: str, step):  # step: a coroutine
        started = time.perf_counter()
        try:
            result = await step
        except TimeoutError as exc:  # name the step that got no answer: a bare TimeoutError says nothing
            raise ActionFailed(f"{action}: no update in time") from exc
        self.samples.add(action, time.perf_counter() - started, "ws")
        return result

    async def http(self, action: str, method: str, path: str, *, json_body: dict | None = None,
                   form: dict | None = None, ok: tuple[int, ...] = (200,), base: str | None = None,
                   ) -> aiohttp.ClientResponse:
        started = time.perf_counter()
        try:
            async with self.session.request(method, (base or self.base) + path, json=json_body, data=form,
                                            allow_redirects=False, headers={"Cookie": self.cookie}) as response:
                await response.read()
        except TimeoutError as exc:
            raise ActionFailed(f"{method} {path}: no response in time") from exc
        if response.status not in ok:
            raise ActionFailed(f"{method} {path} -> {response.status}")
        self.samples.add(action, time.perf_counter() - started, "http")
        return response

    def steps(self, i: int) -> list[Callable[[], Awaitable[None]]]:
        """The actions of visit ``i``, each preceded by a pause when the visit runs."""
        report = self.reports[i % len(self.reports)]
        return [lambda: self.board(), lambda: self.report(report), lambda: self.metro(), lambda: self.buy_ticket(),
                lambda: self.dossier()]

    async def visit(self, i: int, pause: Callable[[], Awaitable[None]], first_step: int = 0) -> None:
        steps = self.steps(i)
        for step in steps[first_step:] + steps[:first_step]:
            await pause()
            await step()

    async def board(self) -> None:
        await self.ws("board", self.client.navigate("/feedback"))
        await self.http("board", "GET", "/open311/v2/requests.json?status=open")

    async def report(self, report: str) -> None:
        await self.ws("report", self.client.navigate("/feedback/[report_id]", {"report_id": report}))
        await self.http("report", "GET", f"/open311/v2/requests/{report}.json")

    async def metro(self) -> None:
        await self.ws("metro", self.client.navigate("/metro"))

    async def dossier(self) -> None:
        await self.ws("dossier", self.client.navigate("/procedures/mine"))
        lookup = {"number": LOOKUP_NUMBER.format(random.randrange(10**6)), "access_code": "123456"}
        await self.http("dossier", "POST", "/api/procedures/lookup", json_body=lookup, ok=(200, 404))

    async def buy_ticket(self) -> None:
        # Wait for this event's own script (the phone's key request), as ticket.js does before it calls back: a
        # late script of an earlier page would let the callback overtake buy_single and find no pending order.
        await self.ws("buy", self.client.call(BUY_SINGLE, until=_has_script("MetroTicket")))
        updates = await self.ws("buy", self.client.call(PURCHASE, {"device_key": self.key},
                                                        until=_payment_page_or_error))
        found = [m.group(1) for code in _scripts(updates) if (m := REPLACE_URL.search(code))]
        if not found:
            raise ActionFailed(f"no payment page: {self.client.var(METRO_STATE, 'error')}")
        checkout = urlsplit(json.loads(found[0]))
        form = {**dict(parse_qsl(checkout.query)), "decision": "approve", "method": "card", "ipn_mode": "now"}
        # The bank's hosted page: the sandbox gateway runs in the app's process, at the bank in production.
        paid = await self.http("gateway", "POST", checkout.path, form=form, ok=(303,), base=self.bank)
        back = await self.http("return", "GET", self._local(paid.headers["Location"]), ok=(302, 303, 307))
        tickets_page = urlsplit(self._local(back.headers["Location"]))
        query = dict(parse_qsl(tickets_page.query))
        await self.ws("ticket", self.client.navigate(tickets_page.path, query))
        result = self.client.var(TICKETS_STATE, "result") or {}
        if result.get("status") != "paid":
            raise ActionFailed(f"ticket page says {result}")
        await self.http("ticket", "GET", "/api/metro/my/tickets")
        self.samples.tickets += 1

    def _local(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


class FloorCitizen(Citizen):
    """The same visit, every action replaced by one of the same kind the app does no work for: the probe's mark
    event over the websocket (Reflex sets one field and sends it) and the liveness route over HTTP (no I/O), the
    bank's step at the bank. Its CPU per action is what Granian, the HTTP and websocket stack and Reflex's event
    processing cost on this machine: a floor no cut in the app's own code can go below (--floor)."""

    async def _noop_ws(self, action: str) -> None:
        nonce = uuid.uuid4().hex
        await self.ws(action, self.client.call(MARK, {"nonce": nonce}, until=has_mark(nonce)))

    async def _noop_http(self, action: str, base: str | None = None) -> None:
        await self.http(action, "GET", LIVENESS, base=base)

    async def board(self) -> None:
        await self._noop_ws("board")
        await self._noop_http("board")

    async def report(self, report: str) -> None:
        await self._noop_ws("report")
        await self._noop_http("report")

    async def metro(self) -> None:
        await self._noop_ws("metro")

    async def dossier(self) -> None:
        await self._noop_ws("dossier")
        await self._noop_http("dossier")

    async def buy_ticket(self) -> None:  # buy, the phone's key, the bank's page, the return, the ticket page + list
        await self._noop_ws("buy")
        await self._noop_ws("buy")
        await self._noop_http("gateway", base=self.bank)
        await self._noop_http("return")
        await self._noop_ws("ticket")
        await self._noop_http("ticket")
        self.samples.tickets += 1


DEFAULT_THINK_SECONDS = 5.0
THINK_SECONDS = DEFAULT_THINK_SECONDS  # mean pause between a user's actions (set by --think); 0 = back-to-back


async def user(citizen: Citizen, iterations: int, connected: asyncio.Semaphore, go: asyncio.Event,
               ready: list[int], samples: Samples) -> None:
    rng = random.Random(citizen.key)

    async def pause() -> None:  # a person reads the screen between taps (uniform 0.5x-1.5x of the mean)
        if THINK_SECONDS:
            await asyncio.sleep(THINK_SECONDS * rng.uniform(0.5, 1.5))

    try:
        async with connected:
            await citizen.client.connect()
            started = time.perf_counter()
            await citizen.client.hydrate()
            samples.page_load.append(time.perf_counter() - started)
        ready.append(1)
        await go.wait()
        # People are not in step: each starts its visit at a different action (otherwise all of them would
        # pay for a ticket in the same few seconds, a burst no real crowd makes, for most of the run).
        first_step = rng.randrange(len(citizen.steps(0)))
        for i in range(iterations):
            await citizen.visit(i, pause, first_step)
    except (aiohttp.ClientError, TimeoutError, ConnectionError, ActionFailed) as exc:
        samples.errors += 1
        if samples.errors <= 3:
            print(f"  error: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        await citizen.client.close()


LAG_TICK_SECONDS = 0.01


async def measure_client_lag(samples: Samples, done: asyncio.Event) -> None:
    """How late this process's own event loop wakes up: the share of every latency that is the load generator's
    (parsing the updates of hundreds of tabs), not the server's."""
    while not done.is_set():
        started = time.perf_counter()
        await asyncio.sleep(LAG_TICK_SECONDS)
        samples.client_lag.append(time.perf_counter() - started - LAG_TICK_SECONDS)


def _stat_fields(process: Path) -> list[str]:
    """The fields of /proc/<pid>/stat after the command's name (the first is the state, field 3 of proc(5))."""
    return (process / "stat").read_text().rpartition(")")[2].split()


def _cpu_seconds(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def process_cpu(pids: Iterable[int]) -> float:
    """CPU seconds (user + system) the processes have used so far; nan when one is not on this machine."""
    total = 0.0
    for pid in pids:
        try:
            total += _cpu_seconds(_stat_fields(Path(f"/proc/{pid}")))
        except OSError:
            return float("nan")
    return total


def loop_times(pids: Iterable[int]) -> tuple[float, float]:
    """Seconds the processes' main threads have run on a core and waited, runnable, for one (Linux schedstat).

    A worker's event loop is its main thread. When its latency is seconds, this says whether the loop was busy
    with its own work (on a core), starved of a core by other programs (waiting), or blocked (neither: I/O, a
    lock, the GIL held by another thread). nan when a process is not on this machine."""
    on_cpu = waiting = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/schedstat").read_text().split()
        except OSError:
            return float("nan"), float("nan")
        on_cpu, waiting = on_cpu + int(fields[0]) / 1e9, waiting + int(fields[1]) / 1e9
    return on_cpu, waiting


# process id -> (parent's id, command line, CPU seconds so far, start time in clock ticks after boot)
ProcessTable = dict[int, tuple[int, str, float, int]]


def process_table() -> ProcessTable:
    """Every process on this machine with its parent, command line, CPU seconds (user + system) so far and start
    time (which tells a process from a later one given the same id)."""
    table: ProcessTable = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(entry)
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # ended meanwhile
            continue
        table[int(entry.name)] = (int(fields[1]), command, _cpu_seconds(fields), int(fields[19]))
    return table


def host_busy_seconds() -> float:
    """Seconds of CPU the whole machine has spent busy so far (all cores, /proc/stat: everything but idle and
    waiting for I/O)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def process_kind(pid: int, table: ProcessTable, workers: set[int], generator: int, bank_port: str) -> str:
    """What a process is in the run: the app's workers, the bank (its process tree), PostgreSQL or Redis (by their
    command lines), this load generator, or other (the app's Granian parent, the rest of the machine)."""
    if pid in workers:
        return "app workers"
    if pid == generator:
        return "load generator"
    seen: set[int] = set()
    while pid in table and pid not in seen:
        seen.add(pid)
        parent, command = table[pid][:2]
        if command.startswith("postgres") or "/postgres " in command:
            return "PostgreSQL"
        if "redis-server" in command:
            return "Redis"
        if bank_port and f"--port {bank_port} " in command + " ":
            return "bank"
        pid = parent
    return "other"


def host_cpu_by_kind(before: ProcessTable, after: ProcessTable, workers: set[int], generator: int,
                     bank_port: str) -> dict[str, float]:
    """CPU seconds each kind of process spent between two tables. A process started in between counts from zero;
    one that ended in between is missing (PostgreSQL's connections are pooled: its backends last the run). A
    process is known by its id and start time: PostgreSQL's backends change their command line as they work."""
    spent: dict[str, float] = defaultdict(float)
    for pid, (_parent, _command, cpu, start) in after.items():
        earlier = before.get(pid)
        base = earlier[2] if earlier is not None and earlier[3] == start else 0.0
        spent[process_kind(pid, after, workers, generator, bank_port)] += cpu - base
    return dict(spent)


async def run_load(base: str, bank: str, clients: int, iterations: int, report_ids: list[str],
                   cookies: list[str], worker_pids: Iterable[int] = (), floor: bool = False) -> tuple[Samples, float]:
    samples = Samples()
    worker_pids = tuple(worker_pids)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120),
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        go, ready = asyncio.Event(), []
        semaphore = asyncio.Semaphore(CONNECT_CONCURRENCY)
        kind = FloorCitizen if floor else Citizen
        citizens = [kind(base, bank, session, cookies[i % len(cookies)], report_ids[i % len(report_ids):]
                            + report_ids[:i % len(report_ids)], samples) for i in range(clients)]
        tasks = [asyncio.create_task(user(c, iterations, semaphore, go, ready, samples)) for c in citizens]
        deadline = time.monotonic() + 300
        while len(ready) + samples.errors < clients and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        # The simulated browsers hold every state they were sent: a full collection in this process would stop
        # all of them at once and be measured as server latency. No collections while measuring.
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            done = asyncio.Event()
            lag = asyncio.create_task(measure_client_lag(samples, done))
            server_cpu, client_cpu = process_cpu(worker_pids), time.process_time()
            loops, client_loop = loop_times(worker_pids), loop_times([os.getpid()])
            processes, host_busy = process_table(), host_busy_seconds()
            print(f"  {len(ready)} tabs connected: measuring", file=sys.stderr, flush=True)  # for a profiler's timing
            go.set()
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
            samples.server_cpu = process_cpu(worker_pids) - server_cpu if worker_pids else float("nan")
            samples.client_cpu = time.process_time() - client_cpu
            if worker_pids:
                after = loop_times(worker_pids)
                samples.loop_on_cpu, samples.loop_waiting = ((a - b) / (elapsed * len(worker_pids))
                                                             for a, b in zip(after, loops, strict=True))
            samples.client_waiting = (loop_times([os.getpid()])[1] - client_loop[1]) / elapsed
            samples.host_busy_cores = (host_busy_seconds() - host_busy) / elapsed
            bank_port = str(urlsplit(bank).port or "") if bank != base else ""  # an app of --url is its own bank
            samples.host_cpu = host_cpu_by_kind(processes, process_table(), set(worker_pids), os.getpid(), bank_port)
            done.set()
            await lag
        finally:
            gc.enable()
    return samples, elapsed


# --- servers ------------------------------------------------------------------------------------

def _wait_ready(base: str, proc: subprocess.Popen, workers: int, timeout: float = 300) -> set[int]:
    """Wait until ``workers`` different workers answer; returns their process ids."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/health/ready", timeout=5) as response:
                if response.status == 200:
                    pids = _worker_pids(base, 10 * workers)
                    if len(pids) >= workers:
                        return pids
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("server not ready")


def _worker_pids(base: str, probes: int) -> set[int]:
    pids = set()
    for _ in range(probes):
        with urllib.request.urlopen(base + "/api/ops/worker", timeout=5) as who:
            pids.add(json.loads(who.read())["pid"])
    return pids


def _fresh_pg_url(base_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"cds_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False), name


def _drop_pg(base_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(base_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


SEED_CODE = """
import json, sys
from citizen_app.core.db import session_scope
from citizen_app.feedback import backoffice
from citizen_app.identity.models import UserAccount, UserRole
from citizen_app.identity.service import open_session
run, count = sys.argv[1], int(sys.argv[2])
with session_scope() as db:
    admin = UserAccount(full_name="Bench Admin", email=f"bench-{run}@congdanso.example")
    db.add(admin); db.flush(); db.add(UserRole(user_id=admin.id, role="admin")); db.flush()
    key = backoffice.issue_api_key(db, admin.id, "Benchmark")[1]
    cookies = []
    for i in range(count):
        user = UserAccount(full_name=f"Công Dân {i}", email=f"citizen-{run}-{i}@congdanso.example")
        db.add(user); db.flush()
        cookies.append("cds_sid=" + open_session(db, user.id, user_agent="benchmarks/load.py"))
print(json.dumps({"api_key": key, "cookies": cookies}))
"""


def _seed(env: dict[str, str], citizens: int, migrate: bool = True) -> tuple[str, list[str]]:
    """Schema (Alembic), an Open311 key and logged-in citizens; returns the key and their session cookies."""
    if migrate:
        subprocess.run([str(Path(sys.executable).parent / "alembic"), "upgrade", "head"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", SEED_CODE, uuid.uuid4().hex[:8], str(citizens)], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True)
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    return seeded["api_key"], seeded["cookies"]


def _seed_reports(base: str, api_key: str) -> list[str]:
    from urllib.parse import urlencode

    ids = []
    for i in range(SEED_REPORTS):
        body = urlencode({"api_key": api_key, "service_code": "flooding", "lat": f"{10.77 + i / 1000:.4f}",
                          "long": "106.698", "description": f"Ngập nước điểm thử {i}"}).encode()
        with urllib.request.urlopen(urllib.request.Request(base + "/open311/v2/requests.json", data=body),
                                    timeout=30) as response:
            ids.append(json.loads(response.read())[0]["service_request_id"])
    return ids


Target = tuple[str, str, list[str], list[str], set[int]]  # app URL, bank URL, report ids, session cookies, worker pids


@contextmanager
def server(config: str, workers: int, citizens: int) -> Iterator[Target]:
    work = Path(tempfile.mkdtemp(prefix=f"cds-bench-{config}-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    node = node_dir()
    env = {**os.environ, "INSTANCE_DIR": str(work / "instance"), "PUBLIC_URL": base, "PORT": str(port),
           "REFLEX_ENV_MODE": "prod", "CDS_OPS_DEBUG": "1", "CDS_JOBS": "0", "LOG_LEVEL": "WARNING",
           "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false", "PAYMENTS_SANDBOX": "1",
           "PATH": f"{node}:{os.environ['PATH']}"}
    pg_name = None
    if config == "sqlite1":
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.db'}"
        env.pop("REDIS_URL", None)
        env.pop("REFLEX_REDIS_URL", None)
        workers = 1
    else:
        if not os.environ.get("DATABASE_URL", "").startswith("postgresql") or not os.environ.get("REDIS_URL"):
            raise SystemExit('config pg needs DATABASE_URL and REDIS_URL: eval "$(scripts/pg_redis.sh start)"')
        env["DATABASE_URL"], pg_name = _fresh_pg_url(os.environ["DATABASE_URL"])
    api_key, cookies = _seed(env, citizens)
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--workers", str(workers),
               "--respawn-failed-workers", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--backlog", "2048", "citizen_app.citizen_app:app"]
    log = (work / "server.log").open("w")
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)]
    try:
        pids = _wait_ready(base, procs[0], workers)
        bank = _start_bank(command, env, log, procs)
        yield base, bank, _seed_reports(base, api_key), cookies, pids
    finally:
        for proc in procs:
            stop_group(proc)
        log.close()
        if pg_name:
            _drop_pg(os.environ["DATABASE_URL"], pg_name)


def _start_bank(command: list[str], env: dict[str, str], log: IO[str], procs: list[subprocess.Popen]) -> str:
    """The sandbox gateway's hosted page and its notifications run at the bank in production, not on the app's
    workers: here in one more process of the same code (same database and gateway key). Its notifications go to
    the app under test (PUBLIC_URL), whose handling of them is measured like any other request."""
    port = free_port()
    bank_command = [*command]
    bank_command[bank_command.index("--port") + 1] = str(port)
    bank_command[bank_command.index("--workers") + 1] = "1"
    procs.append(subprocess.Popen(bank_command, cwd=ROOT, env={**env, "PORT": str(port), "REFLEX_SKIP_COMPILE": "true"},
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    bank = f"http://127.0.0.1:{port}"
    _wait_ready(bank, procs[-1], 1)
    return bank


@contextmanager
def existing(url: str, citizens: int) -> Iterator[Target]:
    """An app that is already running (this process's DATABASE_URL must be its database): its own public
    reports are browsed, only the citizens and their sessions are added."""
    base = url.rstrip("/")
    _api_key, cookies = _seed({**os.environ}, citizens, migrate=False)
    with urllib.request.urlopen(base + "/open311/v2/requests.json", timeout=30) as response:
        reports = [str(r["service_request_id"]) for r in json.loads(response.read())]
    try:  # its workers' CPU time is measured when they run on this machine with CDS_OPS_DEBUG=1
        pids = _worker_pids(base, 20)
    except OSError:
        pids = set()
    yield base, base, reports, cookies, pids


# --- report -------------------------------------------------------------------------------------

def row(label: str, clients: int, iterations: int, samples: Samples, elapsed: float) -> str:
    events = len(samples.ws) + len(samples.http)
    return (f"| {label} | {clients} x {iterations} | {events / elapsed:7.0f} | {pct(samples.ws, .5):6.1f} | "
            f"{pct(samples.ws, .95):6.1f} | {pct(samples.http, .5):6.1f} | {pct(samples.http, .95):6.1f} | "
            f"{pct(samples.page_load, .5):6.0f} / {pct(samples.page_load, .95):6.0f} | "
            f"{samples.server_cpu * 1000 / events:5.2f} | {samples.client_cpu * 1000 / events:5.2f} | "
            f"{samples.loop_on_cpu:4.0%} / {samples.loop_waiting:4.0%} | {samples.client_waiting:4.0%} | "
            f"{samples.tickets} | {samples.errors} |")


VISIT_STEPS = 5  # Citizen.steps: a pause before each


def offered_load(clients: int, iterations: int, samples: Samples, think: float) -> float:
    """Events per second the citizens ask for when every answer is instant: a visit's events every
    ``VISIT_STEPS`` pauses. The table's events/s is what was served (a closed loop: slow answers slow the
    people down) over the whole run, whose last seconds only the slowest visits fill; a server that keeps up
    must serve this rate. nan with no pause (a stress test asks for all it gets)."""
    if not think:
        return float("nan")
    per_visit = (len(samples.ws) + len(samples.http)) / (clients * iterations)
    return clients * per_visit / (VISIT_STEPS * think)


def breakdown(label: str, clients: int, samples: Samples, offered: float) -> str:
    """p50/p95 of every action, one line per run (printed after the table)."""
    parts = [f"{name} {pct(values, .5):.0f}/{pct(values, .95):.0f}"
             for name, values in sorted(samples.by_action.items())]
    lag = f"; load generator's own loop lag p95/max {pct(samples.client_lag, .95):.0f}/{pct(samples.client_lag, 1):.0f}"
    ask = f"; offered with instant answers {offered:.0f} events/s"
    return f"- {label}, {clients} clients, p50/p95 ms: " + ", ".join(parts) + lag + ask


HOST_KINDS = ("app workers", "bank", "PostgreSQL", "Redis", "load generator", "other")


def host_budget(label: str, clients: int, samples: Samples, offered: float) -> str:
    """Where the whole machine's CPU went during a run, per event served, and the cores this mix would need at the
    load the citizens offer: whether a target can be met on this machine at all, whatever the app's code does."""
    events = len(samples.ws) + len(samples.http)
    if not events or not samples.host_cpu:
        return ""
    per_event = {kind: samples.host_cpu.get(kind, 0.0) * 1000 / events for kind in HOST_KINDS}
    total = sum(per_event.values())
    parts = ", ".join(f"{kind} {ms:.2f}" for kind, ms in per_event.items())
    need = "" if math.isnan(offered) else f"; at the {offered:.0f} events/s offered: {total * offered / 1000:.1f} cores"
    return (f"- {label}, {clients} clients: {samples.host_busy_cores:.2f} of {os.cpu_count()} cores busy; CPU ms per "
            f"event: {parts} (all {total:.2f}{need})")


TIMELINE_WINDOW_SECONDS = 10


def timeline(label: str, clients: int, samples: Samples) -> str:
    """Websocket p50/p95 per 10-second window: shows whether slow answers come in bursts."""
    if not samples.ws_times:
        return ""
    start = samples.ws_times[0][0]
    windows: dict[int, list[float]] = defaultdict(list)
    for finished, seconds in samples.ws_times:
        windows[int((finished - start) // TIMELINE_WINDOW_SECONDS)].append(seconds)
    lines = [f"  {w * TIMELINE_WINDOW_SECONDS:4d}s  n={len(v):4d}  p50 {pct(v, .5):6.1f}  p95 {pct(v, .95):7.1f}"
             for w, v in sorted(windows.items())]
    return f"- {label}, {clients} clients, websocket latency per {TIMELINE_WINDOW_SECONDS} s (ms):\n" + "\n".join(lines)


HEADER = ("| config | clients x visits | events/s | ws p50 ms | ws p95 ms | http p50 ms | http p95 ms | "
          "page load p50/p95 ms | server CPU ms/event | load generator CPU ms/event | worker loop on a core / waiting "
          "for one | load generator waiting for a core | tickets bought | errors |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", action="append", choices=["sqlite1", "pg"], help="default: both")
    parser.add_argument("--url", help="benchmark an app that is already running instead")
    parser.add_argument("--workers", type=int, default=2, help="workers for the pg config")
    parser.add_argument("--clients", default="50,200,500")
    parser.add_argument("--iterations", default="4,2,2", help="visits per client, one value per client count")
    parser.add_argument("--think", type=float, default=DEFAULT_THINK_SECONDS,
                        help="mean seconds a user waits between actions (0: back-to-back, a stress test)")
    parser.add_argument("--breakdown", action="store_true", help="also print p50/p95 of every action")
    parser.add_argument("--timeline", action="store_true", help="also print websocket p50/p95 per 10 s window")
    parser.add_argument("--floor", action="store_true",
                        help="every action replaced by a no-op of the same kind (probe event, liveness route): the "
                        "stack's own CPU per action, below which no cut in the app's code can go")
    parser.add_argument("--smoke", action="store_true",
                        help=f"{SMOKE_CLIENTS} clients, one visit, no think, 1 worker SQLite (or --url); exits 1 on "
                        "any error: checks that every step still succeeds (the figures mean nothing)")
    args = parser.parse_args()
    if args.smoke:
        args.clients, args.iterations, args.think = str(SMOKE_CLIENTS), "1", 0.0
        args.config = args.config or ["sqlite1"]
    global THINK_SECONDS  # a run-wide setting of the simulated users
    THINK_SECONDS = args.think
    counts = [int(c) for c in args.clients.split(",")]
    iterations = [int(i) for i in args.iterations.split(",")]
    iterations += [iterations[-1]] * (len(counts) - len(iterations))
    mix = "; floor: no-op actions" if args.floor else ""
    print(f"{os.cpu_count()} CPUs; clients and server share them; think {args.think:g} s{mix}\n\n{HEADER}")
    citizens = max([*counts, WARMUP_CLIENTS])
    details: list[str] = []
    budgets: list[str] = []
    errors = 0
    targets = [("url", args.url)] if args.url else [(c, None) for c in (args.config or ["sqlite1", "pg"])]
    for config, url in targets:
        label = {"sqlite1": "1 worker, SQLite", "pg": f"{args.workers} workers, PostgreSQL + Redis"}.get(config, url)
        target = existing(url, citizens) if url else server(config, args.workers, citizens)
        with target as (base, bank, reports, cookies, pids):
            warmup = min(WARMUP_CLIENTS, max(counts))
            asyncio.run(run_load(base, bank, warmup, 1, reports, cookies))  # every worker compiles and connects
            for clients, its in zip(counts, iterations, strict=True):
                samples, elapsed = asyncio.run(run_load(base, bank, clients, its, reports, cookies, pids, args.floor))
                errors += samples.errors
                print(row(label, clients, its, samples, elapsed), flush=True)
                offered = offered_load(clients, its, samples, args.think)
                details.append(breakdown(label, clients, samples, offered))
                budgets.append(host_budget(label, clients, samples, offered))
                if args.timeline:
                    details.append(timeline(label, clients, samples))
    print("\nThe whole machine during each run (every process's CPU from /proc, by kind):\n"
          + "\n".join(line for line in budgets if line))
    if args.breakdown or args.timeline:
        print("\n" + "\n".join(details))
    if args.smoke and errors:
        raise SystemExit(f"smoke run: {errors} simulated citizens failed")


if __name__ == "__main__":
    main()
