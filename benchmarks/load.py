"""Load benchmark: many simulated citizens over the real websocket (/_event) and the HTTP routes.

Each simulated user opens a tab (Socket.IO websocket, the page-load ``hydrate_and_load`` event), then
repeats: one state event over the websocket (language switch) and one HTTP request in rotation —
browse the feedback board (Open311 list), open a report, get a metro fare and the ticket keys,
check a dossier (public lookup). Latency of a websocket event = send -> its update arrives.

Configurations (each started here with Granian, exactly like production, on a fresh database):
  sqlite1  1 worker, SQLite, no Redis (the disk state manager)
  pg       N workers (--workers, default 2), PostgreSQL + Redis (needs DATABASE_URL / REDIS_URL:
           eval "$(scripts/pg_redis.sh start)")

    .venv/bin/python benchmarks/load.py                       # both configs, 50/200/500 clients
    .venv/bin/python benchmarks/load.py --config pg --clients 200 --iterations 10
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:3000   # an app that is already running

Clients run in this process, on the same machine as the server: on a 2-core box they take a good share of
the CPU, so figures are a lower bound of what the server alone can do.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citizen_app.ops.probe import ReflexClient, handler  # noqa: E402

SET_LANG = handler("citizen_app.i18n.state.LangState", "set_lang")
LANG_KEY = handler("citizen_app.i18n.state.LangState", "x").rsplit(".", 1)[0]
CONNECT_CONCURRENCY = 50
SEED_REPORTS = 30
WARMUP_CLIENTS = 20


@dataclass
class Samples:
    ws: list[float] = field(default_factory=list)
    http: list[float] = field(default_factory=list)
    page_load: list[float] = field(default_factory=list)
    errors: int = 0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- the simulated user -------------------------------------------------------------------------

def http_plan(report_ids: list[str]) -> Iterator[tuple[str, str, dict | None]]:
    """Method, path, JSON body: the citizen's HTTP requests in rotation."""
    reports = itertools.cycle(report_ids or ["1"])
    while True:
        yield "GET", "/open311/v2/requests.json?status=open", None
        yield "GET", f"/open311/v2/requests/{next(reports)}.json", None
        yield "GET", "/api/metro/fare?from=L1-01&to=L1-14", None
        yield "GET", "/api/metro/keys.json", None
        yield "POST", "/api/procedures/lookup", {"number": "000.00.00.H29-260101-0001", "access_code": "123456"}


async def timed_http(session: aiohttp.ClientSession, base: str, request: tuple[str, str, dict | None],
                     samples: Samples) -> None:
    method, path, body = request
    started = time.perf_counter()
    try:
        async with session.request(method, base + path, json=body) as response:
            await response.read()
            if response.status >= 500:
                samples.errors += 1
                return
    except (aiohttp.ClientError, TimeoutError):
        samples.errors += 1
        return
    samples.http.append(time.perf_counter() - started)


THINK_SECONDS = 0.0  # mean pause between a user's actions (set by --think); 0 = back-to-back


async def user(base: str, session: aiohttp.ClientSession, iterations: int, plan: Iterator, connected: asyncio.Semaphore,
               go: asyncio.Event, ready: list[int], samples: Samples) -> None:
    token = str(uuid.uuid4())
    client = ReflexClient(base, session, token=token)
    try:
        async with connected:
            await client.connect()
            started = time.perf_counter()
            await client.hydrate()
            samples.page_load.append(time.perf_counter() - started)
        ready.append(1)
        await go.wait()
        rng = random.Random(token)
        for i in range(iterations):
            if THINK_SECONDS:  # a person reads the screen between taps (uniform 0.5x-1.5x of the mean)
                await asyncio.sleep(THINK_SECONDS * rng.uniform(0.5, 1.5))
            started = time.perf_counter()
            lang = "en" if i % 2 == 0 else "vi"
            await client.call(SET_LANG, {"code": lang},
                              until=lambda u, lang=lang: u.delta.get(LANG_KEY, {}).get("lang_rx_state_") == lang)
            samples.ws.append(time.perf_counter() - started)
            await timed_http(session, base, next(plan), samples)
    except (aiohttp.ClientError, TimeoutError, ConnectionError):
        samples.errors += 1
    finally:
        await client.close()


async def run_load(base: str, clients: int, iterations: int, report_ids: list[str]) -> tuple[Samples, float]:
    samples = Samples()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        go, ready = asyncio.Event(), []
        semaphore = asyncio.Semaphore(CONNECT_CONCURRENCY)
        plans = [http_plan(report_ids[i % len(report_ids):] + report_ids[:i % len(report_ids)]) for i in range(clients)]
        tasks = [asyncio.create_task(user(base, session, iterations, plans[i], semaphore, go, ready, samples))
                 for i in range(clients)]
        deadline = time.monotonic() + 300
        while len(ready) + samples.errors < clients and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        started = time.perf_counter()
        go.set()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    return samples, elapsed


# --- servers ------------------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(base: str, proc: subprocess.Popen, workers: int, timeout: float = 300) -> None:
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/health/ready", timeout=5) as response:
                if response.status == 200:
                    pids = set()
                    for _ in range(10 * workers):
                        with urllib.request.urlopen(base + "/api/ops/worker", timeout=5) as who:
                            pids.add(json.loads(who.read())["pid"])
                    if len(pids) >= workers:
                        return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("server not ready")


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


def _seed(env: dict[str, str]) -> str:
    """Schema (Alembic), an Open311 key; returns the key."""
    subprocess.run([str(Path(sys.executable).parent / "alembic"), "upgrade", "head"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    code = ("from citizen_app.core.db import session_scope\n"
            "from citizen_app.feedback import official\n"
            "from citizen_app.identity.models import UserAccount, UserRole\n"
            "with session_scope() as db:\n"
            "    a = UserAccount(full_name='Bench', email='bench@congdanso.example'); db.add(a); db.flush()\n"
            "    db.add(UserRole(user_id=a.id, role='admin')); db.flush()\n"
            "    print(official.issue_api_key(db, a.id, 'Benchmark')[1])\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def _seed_reports(base: str, api_key: str) -> list[str]:
    import json
    from urllib.parse import urlencode

    ids = []
    for i in range(SEED_REPORTS):
        body = urlencode({"api_key": api_key, "service_code": "flooding", "lat": f"{10.77 + i / 1000:.4f}",
                          "long": "106.698", "description": f"Ngập nước điểm thử {i}"}).encode()
        with urllib.request.urlopen(urllib.request.Request(base + "/open311/v2/requests.json", data=body),
                                    timeout=30) as response:
            ids.append(json.loads(response.read())[0]["service_request_id"])
    return ids


@contextmanager
def server(config: str, workers: int) -> Iterator[tuple[str, list[str]]]:
    work = Path(tempfile.mkdtemp(prefix=f"cds-bench-{config}-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    node = subprocess.run([str(ROOT / "scripts" / "ensure_node.sh")], capture_output=True, text=True).stdout.strip()
    env = {**os.environ, "INSTANCE_DIR": str(work / "instance"), "PUBLIC_URL": base, "PORT": str(port),
           "REFLEX_ENV_MODE": "prod", "CDS_OPS_DEBUG": "1", "CDS_JOBS": "0", "LOG_LEVEL": "WARNING",
           "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false",
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
    api_key = _seed(env)
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--workers", str(workers),
               "--respawn-failed-workers", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--backlog", "2048", "citizen_app.citizen_app:app"]
    log = (work / "server.log").open("w")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_ready(base, proc, workers)
        yield base, _seed_reports(base, api_key)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        if pg_name:
            _drop_pg(os.environ["DATABASE_URL"], pg_name)


@contextmanager
def existing(url: str) -> Iterator[tuple[str, list[str]]]:
    yield url.rstrip("/"), []


# --- report -------------------------------------------------------------------------------------

def row(label: str, clients: int, iterations: int, samples: Samples, elapsed: float) -> str:
    events = len(samples.ws) + len(samples.http)
    return (f"| {label} | {clients} x {iterations} | {events / elapsed:7.0f} | {pct(samples.ws, .5):6.1f} | "
            f"{pct(samples.ws, .95):6.1f} | {pct(samples.http, .5):6.1f} | {pct(samples.http, .95):6.1f} | "
            f"{pct(samples.page_load, .5):6.0f} / {pct(samples.page_load, .95):6.0f} | {samples.errors} |")


HEADER = ("| config | clients x iterations | events/s | ws p50 ms | ws p95 ms | http p50 ms | http p95 ms | "
          "page load p50/p95 ms | errors |\n|---|---|---|---|---|---|---|---|---|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", action="append", choices=["sqlite1", "pg"], help="default: both")
    parser.add_argument("--url", help="benchmark an app that is already running instead")
    parser.add_argument("--workers", type=int, default=2, help="workers for the pg config")
    parser.add_argument("--clients", default="50,200,500")
    parser.add_argument("--iterations", default="20,10,4", help="per client, one value per client count")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a user waits between actions (0: back-to-back, a stress test)")
    args = parser.parse_args()
    global THINK_SECONDS  # noqa: PLW0603 - a run-wide setting of the simulated users
    THINK_SECONDS = args.think
    counts = [int(c) for c in args.clients.split(",")]
    iterations = [int(i) for i in args.iterations.split(",")]
    iterations += [iterations[-1]] * (len(counts) - len(iterations))
    print(f"{os.cpu_count()} CPUs; clients and server share them\n\n{HEADER}")
    targets = [("url", args.url)] if args.url else [(c, None) for c in (args.config or ["sqlite1", "pg"])]
    for config, url in targets:
        label = {"sqlite1": "1 worker, SQLite", "pg": f"{args.workers} workers, PostgreSQL + Redis"}.get(config, url)
        with existing(url) if url else server(config, args.workers) as (base, report_ids):
            asyncio.run(run_load(base, WARMUP_CLIENTS, 3, report_ids))  # every worker compiles and connects
            for clients, its in zip(counts, iterations, strict=True):
                samples, elapsed = asyncio.run(run_load(base, clients, its, report_ids))
                print(row(label, clients, its, samples, elapsed), flush=True)


if __name__ == "__main__":
    main()
