"""Scale-out on PostgreSQL + Redis: the real app with two Granian workers.

- two workers share state: one browser tab (one token) reconnects until another worker serves it, and
  that worker hands back the state the first one stored (Reflex's Redis state manager);
- killing a worker mid-load loses no acknowledged Open311 report and no dossier whose submission a
  citizen's tab saw acknowledged (one of their tabs is on the killed worker); the worker is respawned and the tab
  whose worker died reconnects to the other one (Reflex gives it a new token, because the dead worker's
  socket record stays in Redis until it expires: its page state restarts, its data and login do not);
- a background job runs once at a time across the workers (``job_lease``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from citizen_app.ops.probe import MARK, PROBE_STATE, ReflexClient, handler, has_mark, substate_key
from tests.pg.support import REDIS_URL, ROOT, alembic, fresh_database, pg_only, point_app_at

pytestmark = pg_only
WORKERS = 2
WHOAMI = handler(PROBE_STATE, "whoami")
PID_KEY = substate_key(PROBE_STATE)
SUBMIT_DOSSIER = handler("citizen_app.procedures.state.WizardState", "submit")
LOST_CONNECTION = (ConnectionError, aiohttp.ClientError, TimeoutError)
SIGNED_DRAFTS = 24  # signing one takes most of a second to prepare


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _node_path() -> str:
    found = subprocess.run([str(ROOT / "scripts" / "ensure_node.sh")], capture_output=True, text=True, check=False)
    return found.stdout.strip()


def _get_json(url: str, timeout: float = 5) -> tuple[int, object]:
    import json
    from urllib.error import HTTPError

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _wait_ready(base: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if _get_json(f"{base}/api/health/ready")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{base} not ready in {timeout}s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def _service_layer_on(url: str, instance: Path) -> Iterator[None]:
    """This process's service layer on the app's database and instance folder, for the length of the block."""
    from citizen_app.core import db as core_db

    with pytest.MonkeyPatch.context() as patch:
        point_app_at(url, instance, patch)
        try:
            yield
        finally:
            core_db.engine().dispose()
            core_db.engine.cache_clear()


def _seed_api_key(url: str, instance: Path) -> str:
    """An administrator and an Open311 key, written through the services (one transaction)."""
    from citizen_app.core.db import session_scope
    from citizen_app.feedback import backoffice
    from citizen_app.identity.models import UserAccount, UserRole

    with _service_layer_on(url, instance), session_scope() as db:
        admin = UserAccount(full_name="Quản trị thử tải", email="ops-admin@congdanso.example", password_hash=None)
        db.add(admin)
        db.flush()
        db.add(UserRole(user_id=admin.id, role="admin"))
        db.flush()
        _, raw = backoffice.issue_api_key(db, admin.id, "Kiểm thử mở rộng")
    return raw


@pytest.fixture(scope="module")
def scale_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("scale")
    instance = work / "instance"
    with fresh_database() as url:
        alembic(url, "upgrade", "head", instance_dir=instance)
        api_key = _seed_api_key(url, instance)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        job_log = work / "selftest-job.log"
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "INSTANCE_DIR": str(instance),
               "PUBLIC_URL": base, "PORT": str(port), "REFLEX_ENV_MODE": "prod", "CDS_OPS_DEBUG": "1",
               "CDS_OPS_SELFTEST_JOB": str(job_log), "REFLEX_TELEMETRY_ENABLED": "false",
               "REFLEX_CHECK_LATEST_VERSION": "false", "PATH": f"{_node_path()}:{os.environ['PATH']}"}
        log = work / "app.log"
        command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--workers", str(WORKERS),
                   "--respawn-failed-workers", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                   "citizen_app.citizen_app:app"]
        with log.open("w") as log_handle:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_handle, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                _wait_ready(base, proc, log)
                yield {"url": base, "database_url": url, "api_key": api_key, "job_log": job_log, "proc": proc,
                       "log": log, "instance": instance, "started": time.time()}
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


def _worker_pids(base: str, tries: int = 40) -> set[int]:
    return {_get_json(f"{base}/api/ops/worker")[1]["pid"] for _ in range(tries)}  # type: ignore[index]


def _wait_workers(base: str, timeout: float = 120) -> set[int]:
    """Granian respawns a dead worker (--respawn-failed-workers); it serves once it has compiled the app."""
    deadline = time.monotonic() + timeout
    while len(pids := _worker_pids(base)) < WORKERS and time.monotonic() < deadline:
        time.sleep(1)
    return pids


async def _tab_on_worker(base: str, session: aiohttp.ClientSession, token: str | None = None,
                         avoid: str | None = None, want: str | None = None,
                         keep_token: bool = False, cookie: str | None = None) -> tuple[ReflexClient, str]:
    """Connect (again) with ``token`` until the socket lands on a wanted worker; hydrate it.

    With ``keep_token`` a connection the server answers with ``new_token`` is retried: closing a socket
    returns before its worker has unlinked the token in Redis, and a reconnect inside that window is
    treated as a duplicate tab (which is Reflex's rule, not what this test is about).
    """
    for _ in range(60):
        client = ReflexClient(base, session, token=token, cookie=cookie)
        await client.connect()
        await client.hydrate()
        await client.call(WHOAMI, until=lambda u: "worker_pid_rx_state_" in u.delta.get(PID_KEY, {}))
        pid = client.var(PROBE_STATE, "worker_pid")
        token_kept = not keep_token or client.token == token
        if token_kept and (avoid is None or pid != avoid) and (want is None or pid == want):
            return client, pid
        await client.close()
        if not token_kept:
            await asyncio.sleep(0.2)
    raise AssertionError("the connections never reached the wanted worker")


def test_two_workers_share_one_tabs_state(scale_app: dict) -> None:
    base = scale_app["url"]
    assert len(_wait_workers(base, timeout=60)) == WORKERS  # both workers up and serving HTTP

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            first, first_pid = await _tab_on_worker(base, session)
            await first.call(MARK, {"nonce": "remember-me"}, until=has_mark("remember-me"))
            await first.close()
            second, second_pid = await _tab_on_worker(base, session, token=first.token, avoid=first_pid,
                                                       keep_token=True)
            assert second_pid != first_pid and second.token == first.token
            assert second.var(PROBE_STATE, "mark") == "remember-me"  # the other worker sees the same state
            await second.close()

    asyncio.run(scenario())


async def _post_reports(base: str, api_key: str, stop: asyncio.Event, acked: list[str], failed: list[str]) -> None:
    form = {"api_key": api_key, "service_code": "flooding", "lat": "10.7725", "long": "106.698",
            "description": "Ngập nước trước nhà số 12 — kiểm thử mở rộng"}
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while not stop.is_set():
            try:
                async with session.post(f"{base}/open311/v2/requests.json", data=form) as response:
                    body = await response.json(content_type=None) if response.status == 200 else None
                    if body and body[0].get("service_request_id"):
                        acked.append(body[0]["service_request_id"])
                    else:
                        failed.append(str(response.status))
            except (aiohttp.ClientError, TimeoutError) as exc:
                failed.append(type(exc).__name__)
                await asyncio.sleep(0.05)


async def _submit_dossiers(base: str, session: aiohttp.ClientSession, tab: ReflexClient, drafts: list[int],
                           stop: asyncio.Event, acked: list[int], dropped: list[str]) -> None:
    """One citizen's tab submits signed drafts, as the sign page's button does, until told to stop. A submit
    is acknowledged by the redirect to its receipt page; a lost connection is reopened (on whichever worker
    takes it), and the dossier in flight then is not counted either way."""
    while not stop.is_set() and drafts:
        dossier_id = drafts.pop()
        try:
            await tab.navigate("/procedures/draft/[dossier_id]/[step]", {"dossier_id": str(dossier_id), "step": "sign"},
                               timeout=10)
            updates = await tab.call(SUBMIT_DOSSIER, timeout=10)
            if any(e.get("name") == "_redirect" and e.get("payload", {}).get("path") == f"/procedures/done/{dossier_id}"
                   for update in updates for e in update.events):
                acked.append(dossier_id)
        except LOST_CONNECTION as exc:
            dropped.append(type(exc).__name__)
            await tab.close()
            tab = await _reopened(base, session, tab.cookie, stop)
        await asyncio.sleep(0.3)  # a person's pace, so that the drafts last beyond the kill
    await tab.close()


async def _reopened(base: str, session: aiohttp.ClientSession, cookie: str | None,
                    stop: asyncio.Event) -> ReflexClient:
    """A new tab for the same login, once a worker takes it (or when the load stops)."""
    while True:
        tab = ReflexClient(base, session, cookie=cookie)
        try:
            await tab.connect(timeout=10)
            await tab.hydrate(timeout=10)
            return tab
        except LOST_CONNECTION:
            await tab.close()
            if stop.is_set():
                return tab
            await asyncio.sleep(0.2)


def test_killing_a_worker_loses_no_acknowledged_report_or_dossier(scale_app: dict) -> None:
    base = scale_app["url"]
    acked: list[str] = []
    failed: list[str] = []
    cookie, drafts = _signed_drafts(scale_app, SIGNED_DRAFTS)
    submitted: list[int] = []
    dropped: list[str] = []

    async def scenario() -> set[int]:
        async with aiohttp.ClientSession() as session:
            tab, victim = await _tab_on_worker(base, session)
            await tab.call(MARK, {"nonce": "survives-the-crash"}, until=has_mark("survives-the-crash"))
            citizen_tabs = [(await _tab_on_worker(base, session, cookie=cookie, want=victim))[0],
                            (await _tab_on_worker(base, session, cookie=cookie, avoid=victim))[0]]
            stop = asyncio.Event()
            load = [asyncio.create_task(_post_reports(base, scale_app["api_key"], stop, acked, failed))
                    for _ in range(8)]
            load += [asyncio.create_task(_submit_dossiers(base, session, citizen_tab, drafts, stop, submitted, dropped))
                     for citizen_tab in citizen_tabs]
            await asyncio.sleep(2)
            before_kill = len(acked), len(submitted)
            os.kill(int(victim), signal.SIGKILL)
            await asyncio.sleep(6)
            stop.set()
            await asyncio.gather(*load)
            assert 0 < before_kill[0] < len(acked)  # reports went in before and after the kill
            assert 0 < before_kill[1] < len(submitted)  # and dossiers
            assert dropped  # the citizen's tab on the killed worker lost its connection
            await tab.close()
            await asyncio.to_thread(_wait_ready, base, scale_app["proc"], scale_app["log"], 120)
            pids = await asyncio.to_thread(_wait_workers, base)
            back, pid = await _tab_on_worker(base, session, token=tab.token)  # the tab reconnects elsewhere
            assert pid != victim and back.var("reflex.state.State", "is_hydrated") is not False
            await back.close()
            return pids

    pids = asyncio.run(scenario())
    assert len(pids) == WORKERS  # the dead worker was replaced
    stored = _stored_report_ids(scale_app, {int(rid) for rid in acked})
    missing = {int(rid) for rid in acked} - stored
    assert not missing, f"{len(missing)} acknowledged reports are missing (failed attempts: {len(failed)})"
    unsubmitted = set(submitted) - _submitted_dossier_ids(scale_app, set(submitted))
    assert not unsubmitted, f"acknowledged dossiers {sorted(unsubmitted)} are not submitted in the database"


def _signed_drafts(scale_app: dict, count: int) -> tuple[str, list[int]]:
    """A citizen's session cookie and ``count`` complete drafts the citizen has signed (the procedures flow)."""
    from citizen_app.core.db import session_scope
    from citizen_app.demo import seed_agencies
    from citizen_app.identity.models import IdentityProfile
    from citizen_app.identity.service import open_session, register
    from citizen_app.procedures import flow, service
    from tests.unit.procedures.conftest import MAI_PAGES, PDF

    password = "Phuong2026xanh"
    pages = {**MAI_PAGES, "receiver": {"receiver_agency": "ca-ban-co"}}
    with _service_layer_on(scale_app["database_url"], scale_app["instance"]):
        with session_scope() as db:
            seed_agencies(db)
            citizen = register(db, "0912345601", password, "Nguyễn Thị Mai")
            db.add(IdentityProfile(user_id=citizen.id, full_name="Nguyễn Thị Mai", birth_date=date(1968, 3, 12),
                                   sex="F", id_number="079168001234", level=2))  # signing needs a verified identity
            cookie = "cds_sid=" + open_session(db, citizen.id, user_agent="tests/pg/test_scale_out.py")
            citizen_id = citizen.id
        drafts = []
        for _ in range(count):
            with session_scope() as db:
                dossier = flow.start(db, citizen_id, "tam_tru_danh_sach")
                for page_id, answers in pages.items():
                    service.save_page(db, citizen_id, dossier.id, page_id, answers)
                service.add_attachment(db, citizen_id, dossier.id, "lawful_residence_proof", "so-hong.pdf", PDF)
                request = flow.prepare_signature(db, citizen_id, dossier.id)
                flow.approve_signature(db, citizen_id, dossier.id, request.id, password)
                drafts.append(dossier.id)
    return cookie, drafts


def _stored_report_ids(scale_app: dict, wanted: set[int]) -> set[int]:
    from citizen_app.core.db import session_scope
    from citizen_app.feedback.models import FeedbackReport

    with _service_layer_on(scale_app["database_url"], scale_app["instance"]), session_scope() as db:
        return set(db.exec(select(FeedbackReport.id).where(FeedbackReport.id.in_(wanted))).all())


def _submitted_dossier_ids(scale_app: dict, wanted: set[int]) -> set[int]:
    from citizen_app.core.db import session_scope
    from citizen_app.procedures import statuses
    from citizen_app.procedures.models import ProcDossier

    with _service_layer_on(scale_app["database_url"], scale_app["instance"]), session_scope() as db:
        query = select(ProcDossier.id).where(ProcDossier.id.in_(wanted), ProcDossier.status != statuses.DRAFT,
                                             ProcDossier.submitted_at.is_not(None))
        return set(db.exec(query).all())


def test_background_job_runs_once_at_a_time_across_workers(scale_app: dict) -> None:
    from citizen_app.ops.jobs import SELFTEST_EVERY_SECONDS

    time.sleep(max(0.0, scale_app["started"] + 16 - time.time()))  # several job ticks on both workers
    runs: list[tuple[float, float, str]] = []
    starts: dict[str, float] = {}
    for line in scale_app["job_log"].read_text().splitlines():
        kind, pid, stamp = line.split()
        if kind == "start":
            starts[pid] = float(stamp)
        elif pid in starts:
            runs.append((starts.pop(pid), float(stamp), pid))
    runs.sort()
    assert len(runs) >= 2, runs
    for (start_a, end_a, _), (start_b, _, _) in zip(runs, runs[1:], strict=False):
        assert start_b >= end_a, f"two runs overlapped: {runs}"
        assert start_b - start_a >= SELFTEST_EVERY_SECONDS - 0.05, f"ran twice in one interval: {runs}"
